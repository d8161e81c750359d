"""Sending what is due: at least once each, never twice on purpose.

Each message is claimed in its own committed transaction (attempts + 1, claimed_at) before
the SMTP conversation and marked sent in another right after it. A failure the server
reports is recorded and retried with back-off. Delivery is at least once: when the
connection (or this process) dies after the server took the message but before its "250",
nobody can know whether it arrived, so it is sent again - with the Message-ID it was queued
with, by which a receiving system drops the second copy. A message claimed but never marked
(the process died mid-send) is such a case: after OUTBOX_CLAIM_MINUTES it is queued again,
counted as an attempt. Attachments queued by reference are rendered after the claim, just
before the SMTP conversation, and their files committed.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_mail import Message
from sqlalchemy import select, update

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models.outbox import OutboxMessage
from contracts_app.models.types import utcnow
from contracts_app.services import blobs
from contracts_app.services.outbox import attachments, reminders

NOT_CONFIGURED = "not sent: no mail server configured"
STALE_REMINDER = "not sent: the invoice was paid or credited after the reminder was queued"
INTERRUPTED = ("interrupted while sending (the sender stopped before the server answered): sent again with "
               "the same Message-ID, which lets the recipient's system drop a copy it already has")
INTERRUPTED_FAILED = ("interrupted while sending, and no attempts left: the recipient may or may not have it; "
                      "check, then `outbox retry` to send it again")


@dataclass
class SendReport:
    sent: list[tuple[int, str, str]] = field(default_factory=list)  # (id, recipient, subject)
    failed: list[tuple[int, str, str, str]] = field(default_factory=list)  # (..., error)
    retrying: list[tuple[int, str, str, str]] = field(default_factory=list)
    not_configured: int = 0

    def summary(self) -> str:
        if self.not_configured:
            return f"{self.not_configured} message(s) kept in the outbox: {NOT_CONFIGURED}"
        return (f"{len(self.sent)} sent, {len(self.retrying)} to retry, {len(self.failed)} failed")


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def retry_delays() -> list[int]:
    """Minutes to wait after the 1st, 2nd, ... failed attempt; after the last the message has failed."""
    return [int(m) for m in str(current_app.config["OUTBOX_RETRY_MINUTES"]).split(",") if m.strip()]


def send_due(now: datetime | None = None, limit: int | None = None) -> SendReport:
    """Send every queued message whose time has come; commits before each message and at the end."""
    now = now or utcnow()
    report = SendReport()
    _retry_interrupted(now)
    due = select(OutboxMessage.id).where(
        OutboxMessage.state == "queued", OutboxMessage.claimed_at.is_(None), OutboxMessage.next_attempt_at <= now,
    ).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    ids = list(db.session.scalars(due))
    db.session.commit()
    if not mail_configured():
        report.not_configured = _mark_not_configured(ids)
        return report
    with _Smtp() as smtp:
        for message_id in ids:
            if queue.stopping.is_set():
                break  # the consumer is stopping: the rest stay queued for the next send
            # One commit records the last message's outcome and claims the next, before it is sent.
            claimed = _claim(message_id, now)
            db.session.commit()
            if claimed:
                _send_one(smtp, db.session.get(OutboxMessage, message_id), now, report)
        db.session.commit()
    return report


def _mark_not_configured(ids: list[int]) -> int:
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(last_error=NOT_CONFIGURED))
        db.session.commit()
    return len(ids)


def _claim(message_id: int, now: datetime) -> bool:
    """Take the message for this sender (a second worker's UPDATE then matches nothing)."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == "queued", OutboxMessage.claimed_at.is_(None))
        .values(claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def _send_one(smtp: "_Smtp", message: OutboxMessage, now: datetime, report: SendReport) -> None:
    entry = (message.id, message.recipient, message.subject)
    if message.purpose == reminders.PURPOSE and not reminders.still_owed(message.concerns_id):
        message.state, message.claimed_at, message.last_error = "failed", None, STALE_REMINDER
        report.failed.append((*entry, STALE_REMINDER))
        return
    if not _render_attachments(message, now, report):
        return
    try:
        smtp.send(build_message(message))
    except Exception as exc:  # anything the server or the network does: recorded, retried
        smtp.reset()
        error = _describe(exc)
        _record_failure(message, error, now, permanent=_is_permanent(exc))
        (report.failed if message.state == "failed" else report.retrying).append((*entry, error))
    else:
        message.state, message.sent_at, message.claimed_at, message.last_error = "sent", utcnow(), None, ""
        report.sent.append(entry)


def _render_attachments(message: OutboxMessage, now: datetime, report: SendReport) -> bool:
    """Render the references once and commit their files (a retry re-uses them); False: not to be sent."""
    try:
        if attachments.ensure_rendered(message):
            db.session.commit()
        return True
    except attachments.AttachmentGone as exc:
        db.session.rollback()  # nothing half-stored; the claim committed already
        message.state, message.claimed_at, message.last_error = "failed", None, str(exc)
        report.failed.append((message.id, message.recipient, message.subject, str(exc)))
        return False
    except OSError as exc:  # the attachment folder could not be written: worth another try later
        db.session.rollback()
        error = f"not sent: its attachment could not be stored: {exc}"[:1000]
        _record_failure(message, error, now, permanent=False)
        (report.failed if message.state == "failed" else report.retrying).append(
            (message.id, message.recipient, message.subject, error))
        return False


def _record_failure(message: OutboxMessage, error: str, now: datetime, permanent: bool) -> None:
    delays = retry_delays()
    message.claimed_at = None
    message.last_error = error
    if permanent or message.attempts > len(delays):
        message.state = "failed"
    else:
        message.next_attempt_at = now + timedelta(minutes=delays[message.attempts - 1])


def _is_permanent(exc: Exception) -> bool:
    """A 5xx for every recipient (no such mailbox) will not get better by waiting."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"[:1000]
    return f"{type(exc).__name__}: {exc}"[:1000]


def _retry_interrupted(now: datetime) -> None:
    """Claims older than OUTBOX_CLAIM_MINUTES: the sender died mid-send. Queued again (at least
    once), or failed when that was the last attempt the back-off allows."""
    lease = timedelta(minutes=int(current_app.config["OUTBOX_CLAIM_MINUTES"]))
    stale = update(OutboxMessage).where(OutboxMessage.state == "queued", OutboxMessage.claimed_at.is_not(None),
                                        OutboxMessage.claimed_at < now - lease)
    quiet = {"synchronize_session": False}
    db.session.execute(stale.where(OutboxMessage.attempts > len(retry_delays()))
                       .values(state="failed", claimed_at=None, last_error=INTERRUPTED_FAILED).execution_options(**quiet))
    db.session.execute(stale.values(claimed_at=None, last_error=INTERRUPTED, next_attempt_at=now)
                       .execution_options(**quiet))
    db.session.commit()


def build_message(message: OutboxMessage) -> Message:
    """The Flask-Mail message for a row, its attachments read back and checked against their SHA-256."""
    mail = Message(subject=message.subject, recipients=[message.recipient], body=message.body_text,
                   html=message.body_html or None, sender=current_app.config["MAIL_DEFAULT_SENDER"])
    mail.msgId = message.message_id  # the same on every attempt: a duplicate can be recognised
    for attachment in message.attachments:
        content = read_attachment(attachment.sha256)
        mail.attach(attachment.filename, attachment.mimetype, content)
    return mail


def read_attachment(sha256: str) -> bytes:
    """The stored attachment, checked against its SHA-256 (blobs.BlobMissing when it is not)."""
    return blobs.get(sha256)


class _Smtp:
    """One SMTP connection reused for a batch, reopened after a failure (with a timeout, unlike Flask-Mail's)."""

    def __init__(self) -> None:
        self.host: smtplib.SMTP | None = None

    def __enter__(self) -> "_Smtp":
        return self

    def __exit__(self, *exc) -> None:
        if self.host is not None:
            try:
                self.host.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self.host = None

    def reset(self) -> None:
        self.__exit__()

    def _open(self) -> smtplib.SMTP:
        c = current_app.config
        timeout = float(c["MAIL_TIMEOUT"])
        cls = smtplib.SMTP_SSL if c.get("MAIL_USE_SSL") else smtplib.SMTP
        host = cls(c["MAIL_SERVER"], int(c.get("MAIL_PORT") or 25), timeout=timeout)
        if c.get("MAIL_USE_TLS"):
            host.starttls()
        if c.get("MAIL_USERNAME") and c.get("MAIL_PASSWORD"):
            host.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"])
        return host

    def send(self, message: Message) -> None:
        if self.host is None:
            self.host = self._open()
        sender = message.sender if isinstance(message.sender, str) else message.sender[1]
        self.host.sendmail(sender, list(message.send_to), message.as_bytes())
