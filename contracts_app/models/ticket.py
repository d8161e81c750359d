"""Service desk tickets, for the SLA performance reports (§5-7, §11.1)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import UTCDateTime, utcnow

TICKET_TYPES = ("incident", "service_request", "project")


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("type IN ('incident', 'service_request', 'project')", name="type_known"),
        CheckConstraint("priority IS NULL OR priority BETWEEN 1 AND 4", name="priority_known"),
        Index("ix_tickets_school_logged", "school_id", "logged_at"),
        Index("ix_tickets_logged", "logged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    type: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(Text, default="")
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # §6.3: fixed, workaround or no_response; the earlier ticket this one continues (shown, not merged).
    resolved_reason: Mapped[str | None] = mapped_column(String(12))
    linked_to: Mapped[str | None] = mapped_column(String(40))
    # §6.5: the log's own word on a major incident, its priority changes and updates (servicedesk.major_log).
    major: Mapped[bool | None] = mapped_column()
    priority_history: Mapped[str] = mapped_column(Text, default="", server_default="")
    updates: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="", server_default="")

    school = relationship("School")
    suspensions = relationship("TicketSuspension", back_populates="ticket", cascade="all, delete-orphan",
                               order_by="TicketSuspension.start")


class TicketSuspension(db.Model):
    """Time the ticket waited on a third party: the SLA clock stops (§6.6)."""

    __tablename__ = "ticket_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # third_party (§6.6), customer (awaiting the customer, §6.3) or reopened (resolved until re-opened, §6.4).
    kind: Mapped[str] = mapped_column(String(12), default="third_party", server_default="third_party")

    ticket = relationship("Ticket", back_populates="suspensions")


class DeskContact(db.Model):
    """A call to the service desk or an email to its mailbox, for the §11.1 call and email standards.

    ``key`` is the log's reference, else the time and URN, so a log imported twice stores each once.
    """

    __tablename__ = "desk_contacts"
    __table_args__ = (
        CheckConstraint("channel IN ('call', 'email')", name="channel_known"),
        UniqueConstraint("channel", "key", name="uq_desk_contacts_channel_key"),
        Index("ix_desk_contacts_channel_started", "channel", "started_at"),
        Index("ix_desk_contacts_school_started", "school_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(5))
    key: Mapped[str] = mapped_column(String(80))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())  # called, or received
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # answered, or first replied to
    abandoned: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school = relationship("School")


class MajorIncidentReport(db.Model):
    """§6.5: a major incident's report (MIR) - the PDF the SLA team attached, or why none was produced.

    One per ticket; the school sees its own in the portal.
    """

    __tablename__ = "major_incident_reports"
    __table_args__ = (CheckConstraint("pdf IS NOT NULL OR reason <> ''", name="pdf_or_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), unique=True)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    file_name: Mapped[str] = mapped_column(String(120), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why no MIR was produced
    recorded_by: Mapped[str] = mapped_column(String(254), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket = relationship("Ticket")  # audited by the service (audit.record): the PDF stays out of the trail
