"""Ad hoc work charged by the hour: Project SRs, third-party rework, work outside the SLA."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow

REQUEST_KINDS = ("project", "rework", "out_of_scope")
REQUEST_STATUSES = ("requested", "estimated", "authorised", "in_progress", "completed", "invoiced", "declined")


class AdHocRequest(db.Model):
    __tablename__ = "adhoc_requests"
    __table_args__ = (
        CheckConstraint("kind IN ('project', 'rework', 'out_of_scope')", name="kind_known"),
        CheckConstraint("status IN ('requested', 'estimated', 'authorised', 'in_progress', 'completed', "
                        "'invoiced', 'declined')", name="status_known"),
        Index("ix_adhoc_requests_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    kind: Mapped[str] = mapped_column(String(14))
    status: Mapped[str] = mapped_column(String(12), default="requested")
    description: Mapped[str] = mapped_column(Text, default="")
    estimate_hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    estimate_rate: Mapped[Decimal | None] = mapped_column(Money())
    estimate_sla_year: Mapped[int | None] = mapped_column()
    estimated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    estimated_by: Mapped[str | None] = mapped_column(String(254))
    authorised_by_name: Mapped[str | None] = mapped_column(String(200))
    authorised_on: Mapped[date | None] = mapped_column(Date)
    authorised_via: Mapped[str | None] = mapped_column(String(10))  # portal | written
    authorised_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    third_party: Mapped[str] = mapped_column(String(200), default="")
    # §9.5: why the council had to intervene after a third party's unauthorised change.
    intervention_report: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    declined_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254), default="")

    school = relationship("School")
    entries = relationship("TimeEntry", back_populates="request", cascade="all, delete-orphan",
                           order_by="(TimeEntry.work_date, TimeEntry.id)")

    __audited__ = True

    @property
    def name(self) -> str:
        return self.reference


class TimeEntry(db.Model):
    __tablename__ = "time_entries"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("adhoc_requests.id", ondelete="CASCADE"), index=True)
    work_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column()
    who: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Set for rows from the service desk's time log: the same log imported twice adds nothing.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request = relationship("AdHocRequest", back_populates="entries")

    __audited__ = True

    @property
    def name(self) -> str:
        return f"{self.minutes} min on {self.work_date}"
