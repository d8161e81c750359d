"""The outbox: queue once per key, send at least once (one Message-ID), retry after a refusal, keep what
cannot go."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from contracts_app.extensions import db
from contracts_app.models import Blob, OutboxMessage
from contracts_app.models.types import utcnow
from contracts_app.services import outbox
from contracts_app.services.outbox import queries
from contracts_app.services.outbox.sending import INTERRUPTED_FAILED, NOT_CONFIGURED
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def _queue(recipients=("bursar@school.example",), key=None, attachments=()):
    rows = outbox.queue("test_message", concerns=("user", 1), recipients=list(recipients),
                        template="test_message", context={"name": "Ada", "amount": Decimal("1234.5")},
                        attachments=list(attachments), key=key)
    db.session.commit()
    return rows


def test_a_message_reaches_its_recipient_with_subject_text_html_and_pdf(app, smtp_server):
    _queue(attachments=[("hello.pdf", _pdf("Statement for Allesley Primary"), "application/pdf")])
    report = outbox.send_due()
    assert len(report.sent) == 1 and not report.failed
    [received] = smtp_server.to("bursar@school.example")
    assert received.subject == "Hello Ada"
    assert "£1,234.50" in received.text and "Coventry City Council" in received.text
    assert "<strong>Ada</strong>" in received.html
    assert "Statement for Allesley Primary" in received.pdf_text("hello.pdf")
    message = db.session.scalar(select(OutboxMessage))
    assert (message.state, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None


def test_queueing_the_same_key_again_adds_nothing_and_a_second_send_sends_nothing(app, smtp_server):
    first = _queue(recipients=["a@x.example", "B@x.example", "a@x.example"])
    again = _queue(recipients=["b@x.example"])
    assert len(first) == 2 and again[0].id == first[1].id
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    assert len(outbox.send_due().sent) == 2
    assert outbox.send_due().sent == []
    assert len(smtp_server.received) == 2


def test_a_refused_first_attempt_is_retried_after_the_back_off_and_delivered_exactly_once(app, smtp_server):
    smtp_server.refuse_next = 1
    _queue()
    first = outbox.send_due()
    assert first.sent == [] and first.retrying[0][3].startswith("451")
    message = db.session.scalar(select(OutboxMessage))
    assert (message.state, message.attempts) == ("queued", 1)
    assert outbox.send_due().sent == []  # not yet: one minute's back-off
    later = outbox.send_due(now=utcnow() + timedelta(minutes=2))
    assert len(later.sent) == 1
    assert outbox.send_due(now=utcnow() + timedelta(hours=1)).sent == []
    assert len(smtp_server.to("bursar@school.example")) == 1
    db.session.refresh(message)
    assert (message.state, message.attempts) == ("sent", 2)


def test_after_the_last_retry_the_message_has_failed_and_an_operator_can_send_it_again(app, smtp_server):
    app.config["OUTBOX_RETRY_MINUTES"] = "1"
    smtp_server.refuse_next = 2
    _queue()
    outbox.send_due()
    report = outbox.send_due(now=utcnow() + timedelta(minutes=5))
    assert len(report.failed) == 1 and "451" in report.failed[0][3]
    message = db.session.scalar(select(OutboxMessage))
    assert message.state == "failed"
    queries.retry(message.id)
    assert len(outbox.send_due().sent) == 1
    assert len(smtp_server.received) == 1


def test_a_message_claimed_by_a_sender_that_died_is_sent_again_with_its_message_id(app, smtp_server):
    """At least once: the dead sender may or may not have delivered it; the id lets a copy be dropped."""
    [message] = _queue()
    message.claimed_at, message.attempts = utcnow() - timedelta(hours=1), 1
    db.session.commit()
    report = outbox.send_due()
    assert len(report.sent) == 1
    db.session.refresh(message)
    assert (message.state, message.attempts) == ("sent", 2)
    [received] = smtp_server.received
    assert received.message["Message-ID"] == message.message_id


def test_a_message_interrupted_on_its_last_attempt_is_left_failed_for_an_operator(app, smtp_server):
    app.config["OUTBOX_RETRY_MINUTES"] = "1"
    [message] = _queue()
    message.claimed_at, message.attempts = utcnow() - timedelta(hours=1), 2
    db.session.commit()
    assert outbox.send_due().sent == []
    db.session.refresh(message)
    assert (message.state, message.last_error) == ("failed", INTERRUPTED_FAILED)
    assert smtp_server.received == []


def test_a_server_that_is_down_leaves_the_message_queued_for_a_retry(app, smtp_server):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    _queue()
    report = outbox.send_due()
    assert report.sent == [] and len(report.retrying) == 1
    assert db.session.scalar(select(OutboxMessage.state)) == "queued"


def test_without_a_mail_server_messages_stay_in_the_outbox_marked(app, smtp_server):
    app.config["MAIL_SERVER"] = ""
    _queue()
    report = outbox.send_due()
    assert report.not_configured == 1 and report.sent == []
    message = db.session.scalar(select(OutboxMessage))
    assert (message.state, message.last_error, message.attempts) == ("queued", NOT_CONFIGURED, 0)
    assert smtp_server.received == []


def test_a_rolled_back_transaction_queues_nothing(app, smtp_server):
    outbox.queue("test_message", concerns=("user", 1), recipients=["a@x.example"], template="test_message",
                 context={"name": "A", "amount": Decimal("1")})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert outbox.send_due().sent == []


def test_an_attachment_is_stored_once_by_its_sha256_and_checked_when_sent(app, smtp_server, tmp_path):
    content = _pdf("once")
    rows = _queue(recipients=["a@x.example", "b@x.example"], attachments=[("a.pdf", content, "application/pdf")])
    assert rows[0].attachments[0].sha256 == rows[1].attachments[0].sha256
    # In the database (issue #33), once, beside the messages; nothing on disk.
    stored = db.session.scalars(select(Blob)).all()
    assert [(b.sha256, b.size, b.media_type) for b in stored] == [(rows[0].attachments[0].sha256, len(content),
                                                                   "application/pdf")]
    assert not (tmp_path / "outbox").exists() or not any(p.is_file() for p in (tmp_path / "outbox").rglob("*"))
    db.session.execute(update(Blob).values(content=b"tampered"))
    db.session.commit()
    report = outbox.send_due()
    assert report.sent == [] and "SHA-256" in report.retrying[0][3]
