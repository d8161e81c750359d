"""The email outbox: every message the system sends, one row per recipient, and its attachments."""
from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import UTCDateTime, utcnow

OUTBOX_STATES = ("queued", "sent", "failed")
# What a message is about (the list); concerns_id is that object's id.
CONCERNS = ("invoice", "agreement", "request", "notice", "user", "reminder", "offer")


class OutboxMessage(db.Model):
    """One message to one recipient. `key` is unique: queueing it again adds nothing."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'sent', 'failed')", name="state_known"),
        Index("ix_outbox_messages_state_next", "state", "next_attempt_at"),
        Index("ix_outbox_messages_concerns", "concerns_type", "concerns_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    # The Message-ID header, made once when queued and sent on every attempt: delivery is at
    # least once (docs/email.md), and a receiving system drops a second copy by this id.
    message_id: Mapped[str] = mapped_column(String(250), unique=True,
                                            default=lambda: make_msgid(domain="sla-contracts.invalid"))
    purpose: Mapped[str] = mapped_column(String(40))
    concerns_type: Mapped[str] = mapped_column(String(20))
    concerns_id: Mapped[int | None] = mapped_column()
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set (in its own committed transaction) just before the SMTP conversation: a message
    # claimed but never marked sent was interrupted, and is not sent again blindly.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attachments = relationship(
        "OutboxAttachment", back_populates="message", cascade="all, delete-orphan",
        order_by="OutboxAttachment.id",
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.purpose} {self.recipient} {self.state}>"


class OutboxAttachment(db.Model):
    """A file attached to a message, stored in `blobs` by its SHA-256 (OUTBOX_FOLDER before #33).

    An attachment by reference (render_kind, render_id, e.g. "invoice_pdf", 12) has no file
    until the sender renders it just before sending; it then keeps that file, so a retry
    sends the same document (services/outbox/attachments.py).
    """

    __tablename__ = "outbox_attachments"
    __table_args__ = (
        CheckConstraint("sha256 IS NOT NULL OR render_kind IS NOT NULL", name="stored_or_rendered"),
        # The sender looks for the same document already rendered for another recipient.
        Index("ix_outbox_attachments_render", "render_kind", "render_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column()
    render_kind: Mapped[str | None] = mapped_column(String(30))
    render_id: Mapped[int | None] = mapped_column()

    message = relationship("OutboxMessage", back_populates="attachments")

    @property
    def stored(self) -> bool:
        """False for a reference not rendered yet ("rendered when sent")."""
        return self.sha256 is not None
