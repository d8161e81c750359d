"""Register changes applied (issue #28): one row per predecessor agreement a GIAS change ended."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import Money, UTCDateTime, utcnow


class RegisterChange(db.Model):
    """A change GIAS implied, as applied: the predecessor's agreement (once: unique, so applying
    twice, even at once, changes nothing more), what ended it and what it made."""

    __tablename__ = "register_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    urn: Mapped[int] = mapped_column()
    successor_urns: Mapped[str] = mapped_column(String(200), default="")
    end_date: Mapped[date] = mapped_column(Date)
    credited: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    successor_agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    applied_by: Mapped[str] = mapped_column(String(254), default="")

    agreement = relationship("Agreement", foreign_keys=[agreement_id])
    successor_agreement = relationship("Agreement", foreign_keys=[successor_agreement_id])

    __audited__ = True

    @property
    def name(self) -> str:
        return f"register change of URN {self.urn}"
