"""A real SMTP server on loopback (aiosmtpd) and the app pointed at it."""
from __future__ import annotations

import email
import io
import logging
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader


@dataclass
class Received:
    """One message as the server received it."""

    envelope_to: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.message["To"]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"]).strip()  # a long subject is folded onto its own line

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        return part.get_content() if part else ""

    def attachments(self) -> dict[str, bytes]:
        return {part.get_filename(): part.get_payload(decode=True) for part in self.message.iter_attachments()}

    def pdf_text(self, filename: str) -> str:
        reader = PdfReader(io.BytesIO(self.attachments()[filename]))
        return "\n".join(page.extract_text() for page in reader.pages)


@dataclass
class Handler:
    """Keeps what it accepts; can refuse the next N messages or drop connections."""

    received: list[Received] = field(default_factory=list)
    refuse_next: int = 0
    refuse_code: str = "451 4.3.0 try again later"
    drop_every: int = 0  # drop the connection instead of answering every Nth DATA
    # Keep the next N messages, then drop the connection before answering "250": the server has
    # it, the sender cannot know (the case that makes delivery at least once).
    keep_then_drop: int = 0
    _seen: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self._seen += 1
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return self.refuse_code
            if self.drop_every and self._seen % self.drop_every == 0:
                server.transport.close()  # the message is lost on the server: the client must retry
                return "421 4.3.0 closing"
            parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=default)
            self.received.append(Received(list(envelope.rcpt_tos), parsed))
            if self.keep_then_drop > 0:
                self.keep_then_drop -= 1
                server.transport.close()
                return "421 4.3.0 closing"
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address.lower() in (a.lower() for a in r.envelope_to)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def app_config(app_config, smtp_server, tmp_path) -> dict:
    """The suite's app, sending to the loopback server, attachments in a temp folder."""
    return {**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5,
            "OUTBOX_FOLDER": str(tmp_path / "outbox"), "PUBLIC_URL": "https://sla.example.gov.uk"}


TEST_TEMPLATES = {
    "email/test_message.txt": "Subject: Hello {{ name }}\n\nDear {{ name }},\n\nYou owe {{ amount|gbp }}.\n"
                              "{% include 'email/_footer.txt' %}",
    "email/test_message.html": "{% extends 'email/_base.html' %}{% block body %}<p>Dear <strong>{{ name }}</strong>,"
                               " you owe {{ amount|gbp }}.</p>{% endblock %}",
}


@pytest.fixture(autouse=True)
def test_templates(app):
    """A message template of the tests' own, beside the app's."""
    from jinja2 import ChoiceLoader, DictLoader

    app.jinja_env.loader = ChoiceLoader([DictLoader(TEST_TEMPLATES), app.jinja_env.loader])
    return app
