"""Queueing messages: render the templates, store the attachments, add one row per recipient.

Idempotent by key: a message whose key is already in the outbox is not added again, so a
re-run of whatever queued it (an invoice run, a reminder pass, a retried job) sends nothing twice.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import make_msgid, parseaddr
from typing import Any

from flask import current_app, render_template
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from contracts_app.extensions import db
from contracts_app.services import blobs
from contracts_app.models.outbox import CONCERNS, OutboxAttachment, OutboxMessage
from contracts_app.models.types import utcnow


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


@dataclass(frozen=True)
class AttachmentRef:
    """An attachment by reference: rendered by the sender just before sending (services/outbox/attachments.py).

    kind names a registered renderer ("invoice_pdf", "agreement_pdf", ...), object_id what it renders.
    """

    kind: str
    object_id: int
    filename: str
    mimetype: str = "application/pdf"


AnyAttachment = Attachment | AttachmentRef | tuple[str, bytes, str]


@dataclass
class QueuedEmail:
    """One message to queue: what it is about, who gets it, which template with what."""

    purpose: str
    concerns: tuple[str, int | None]
    recipients: Sequence[str]
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    attachments: Sequence[AnyAttachment] = ()
    key: str | None = None


# Called (with no arguments) after a transaction that queued messages commits: the job
# queue registers its "send now" task here (contracts_app/queue.py), so the outbox does not
# import the queue. A notifier must not use the database session synchronously.
_notifiers: list[Callable[[], None]] = []


def on_queued(notifier: Callable[[], None]) -> None:
    """Register a callable to run after each commit that queued messages."""
    if notifier not in _notifiers:
        _notifiers.append(notifier)


def install(session_class: type[Session]) -> None:
    """Call the notifiers once a transaction that queued messages has committed."""
    if event.contains(session_class, "after_commit", _after_commit):
        return
    event.listen(session_class, "after_commit", _after_commit)
    event.listen(session_class, "after_soft_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    if session.info.pop("outbox_queued", False):
        for notifier in list(_notifiers):
            try:
                notifier()
            except Exception:  # the periodic send picks the messages up anyway
                current_app.logger.exception("outbox: could not schedule a send")


def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("outbox_queued", None)


def normalise_address(address: str) -> str:
    return (address or "").strip().lower()


def message_key(purpose: str, concerns: tuple[str, int | None], recipient: str, key: str | None = None) -> str:
    """The unique key of one message: purpose, object and recipient (or the caller's key and recipient)."""
    base = key or f"{purpose}:{concerns[0]}:{concerns[1]}"
    return f"{base}:{normalise_address(recipient)}"


def queue(purpose: str, *, concerns: tuple[str, int | None], recipients: Iterable[str], template: str,
          context: dict[str, Any] | None = None,
          attachments: Sequence[AnyAttachment] = (),
          key: str | None = None) -> list[OutboxMessage]:
    """Queue one message per recipient in the caller's transaction; returns the rows (new or already there)."""
    email = QueuedEmail(purpose, concerns, list(recipients), template, dict(context or {}), attachments, key)
    return queue_many([email])


def queue_many(emails: Sequence[QueuedEmail]) -> list[OutboxMessage]:
    """Queue many messages with one look-up of the keys already in the outbox (for bulk runs)."""
    wanted: dict[str, tuple[QueuedEmail, str]] = {}
    for email in emails:
        if email.concerns[0] not in CONCERNS:
            raise ValueError(f"outbox: unknown concerns type {email.concerns[0]!r}")
        for recipient in email.recipients:
            address = normalise_address(recipient)
            if address:
                wanted.setdefault(message_key(email.purpose, email.concerns, address, email.key), (email, address))
    existing = _existing(list(wanted))
    rows: list[OutboxMessage] = []
    rendered: dict[int, tuple[str, str, str, list[OutboxAttachment]]] = {}
    for msg_key, (email, address) in wanted.items():
        if msg_key in existing:
            rows.append(existing[msg_key])
            continue
        if id(email) not in rendered:
            rendered[id(email)] = (*render(email.template, email.context), _store_all(email.attachments))
        subject, text, html, stored = rendered[id(email)]
        row = OutboxMessage(
            key=msg_key, purpose=email.purpose, concerns_type=email.concerns[0], concerns_id=email.concerns[1],
            recipient=address, message_id=new_message_id(), subject=subject, body_text=text, body_html=html,
            state="queued",
            attempts=0, last_error="", next_attempt_at=utcnow(),
            attachments=[_copy(a) for a in stored],
        )
        db.session.add(row)
        rows.append(row)
    if len(rows) > len(existing):
        db.session.info["outbox_queued"] = True
    db.session.flush()
    return rows


def new_message_id() -> str:
    """A Message-ID made once, when the message is queued, and sent with every attempt: delivery is
    at least once (docs/email.md), and a receiving system drops a second copy by this id. The
    right-hand side is the sender's domain, as RFC 5322 suggests."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or current_app.config.get("COUNCIL_EMAIL") or ""
    address = parseaddr(sender[1] if isinstance(sender, (tuple, list)) else sender)[1]
    domain = address.rpartition("@")[2].strip() or "sla-contracts.invalid"
    return make_msgid(idstring="outbox", domain=domain)


def _existing(keys: list[str]) -> dict[str, OutboxMessage]:
    found: dict[str, OutboxMessage] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update((m.key, m) for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.in_(chunk))))
    return found


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) from email/<template>.txt (first line "Subject: ...") and .html."""
    values = {**email_globals(), **context}
    text = render_template(f"email/{template}.txt", **values)
    first, _, body = text.lstrip().partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"email/{template}.txt must start with a Subject: line")
    subject = first[len("Subject:"):].strip()
    html = render_template(f"email/{template}.html", subject=subject, **values)
    return subject, body.strip() + "\n", html


def email_globals() -> dict[str, Any]:
    """What every email template may use: the council's name and contacts, the portal's address."""
    c = current_app.config
    return {
        "council": {
            "name": c["COUNCIL_NAME"], "service": c["SERVICE_NAME"], "address": c["COUNCIL_ADDRESS"],
            "phone": c["COUNCIL_PHONE"], "email": c["COUNCIL_EMAIL"],
            "sla_email": c.get("SLA_QUERIES_EMAIL", ""), "sla_phone": c.get("SLA_QUERIES_PHONE", ""),
        },
        "public_url": c.get("PUBLIC_URL", "").rstrip("/"),
    }


def _store_all(attachments: Sequence[AnyAttachment]) -> list[OutboxAttachment]:
    return [_reference(a) if isinstance(a, AttachmentRef) else _store(a if isinstance(a, Attachment) else Attachment(*a))
            for a in attachments]


def _reference(ref: AttachmentRef) -> OutboxAttachment:
    """No file yet: the sender renders it (nothing is rendered in the queueing transaction)."""
    if not ref.kind or ref.object_id is None:
        raise ValueError(f"outbox: an attachment reference needs a kind and an object id, not {ref!r}")
    return OutboxAttachment(filename=ref.filename, mimetype=ref.mimetype, render_kind=ref.kind,
                            render_id=ref.object_id)


def write_file(content: bytes, media_type: str) -> str:
    """Store the content once under its SHA-256, in the caller's transaction (issue #33: in the
    database, so any instance can send it; the same statement to five contacts is one record)."""
    return blobs.put(content, media_type)


def _store(attachment: Attachment) -> OutboxAttachment:
    return OutboxAttachment(filename=attachment.filename, mimetype=attachment.mimetype,
                            sha256=write_file(attachment.content, attachment.mimetype), size=len(attachment.content))


def _copy(stored: OutboxAttachment) -> OutboxAttachment:
    return OutboxAttachment(filename=stored.filename, mimetype=stored.mimetype, sha256=stored.sha256,
                            size=stored.size, render_kind=stored.render_kind, render_id=stored.render_id)
