"""Agreements: the contract with a school (or group) for an SLA year, its lines and notices."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow

if TYPE_CHECKING:
    from agreements.lifecycle import NoticeOutcome

STATUSES = ("draft", "active", "notice_given", "ended", "cancelled")


class Agreement(db.Model):
    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'active', 'notice_given', 'ended', 'cancelled')",
                        name="status_known"),
        CheckConstraint("(school_id IS NULL) <> (group_id IS NULL)", name="one_party"),
        CheckConstraint("term_end >= term_start", name="term_in_order"),
        # One live agreement per party and year; a cancelled one may be followed by another.
        Index("uq_agreements_school_year", "school_id", "sla_year", unique=True,
              sqlite_where=text("status <> 'cancelled' AND school_id IS NOT NULL"),
              postgresql_where=text("status <> 'cancelled' AND school_id IS NOT NULL")),
        Index("uq_agreements_group_year", "group_id", "sla_year", unique=True,
              sqlite_where=text("status <> 'cancelled' AND group_id IS NOT NULL"),
              postgresql_where=text("status <> 'cancelled' AND group_id IS NOT NULL")),
        Index("ix_agreements_year_status", "sla_year", "status"),
        Index("ix_agreements_year_type", "sla_year", "customer_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sla_year: Mapped[int] = mapped_column()
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_groups.id"), index=True)
    status: Mapped[str] = mapped_column(String(14), default="draft")
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    # The party's customer type; frozen at issue so a later GIAS change does not re-bill.
    customer_type: Mapped[str] = mapped_column(String(12))
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("price_lists.id"), index=True)
    # The SLA template version the agreement is rendered with (set when issued).
    template_id: Mapped[int | None] = mapped_column(ForeignKey("sla_templates.id"), index=True)
    census_label: Mapped[str | None] = mapped_column(String(7))
    pupils: Mapped[int | None] = mapped_column()
    annual_total: Mapped[Decimal | None] = mapped_column(Money())
    odm_name: Mapped[str] = mapped_column(String(200), default="")
    odm_email: Mapped[str] = mapped_column(String(254), default="")
    po_number: Mapped[str] = mapped_column(String(60), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Why an agreement ended other than by its term or a §2.4 notice ("converted to academy URN N").
    end_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    school = relationship("School")
    group = relationship("SchoolGroup")
    price_list = relationship("PriceList")
    template = relationship("SlaTemplate")
    lines = relationship("AgreementLine", back_populates="agreement", cascade="all, delete-orphan",
                         order_by="(AgreementLine.list_name, AgreementLine.service_code)")
    charges = relationship("AgreementCharge", back_populates="agreement", cascade="all, delete-orphan",
                           order_by="AgreementCharge.id")
    notices = relationship("CancellationNotice", back_populates="agreement", cascade="all, delete-orphan",
                           order_by="CancellationNotice.id")

    __audited__ = True

    @property
    def party_name(self) -> str:
        return self.school.name if self.school is not None else self.group.name

    @property
    def name(self) -> str:
        from pricing.sla_year import SlaYear

        return f"{self.party_name} {SlaYear(self.sla_year).label}"

    @property
    def schools(self) -> list:
        return [self.school] if self.school is not None else list(self.group.schools)

    @property
    def notice(self) -> "CancellationNotice | None":
        return self.notices[-1] if self.notices else None

    @property
    def started(self) -> bool:
        """Its term has begun (notice can only be given on an agreement that has started, §2.4)."""
        from datetime import date

        return date.today() >= self.term_start

    def lines_in(self, list_name: str) -> list["AgreementLine"]:
        return [line for line in self.lines if line.list_name == list_name]


class AgreementLine(db.Model):
    """A service on an agreement: subscribed with quantity (§4.1), additional (§4.2) or excluded (§4.3)."""

    __tablename__ = "agreement_lines"
    __table_args__ = (
        CheckConstraint("list_name IN ('subscribed', 'additional', 'excluded')", name="list_known"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    list_name: Mapped[str] = mapped_column(String(12))
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(2), default=Decimal(1))
    # A line that starts after the term does (a mid-year addition) is charged pro rata.
    start_date: Mapped[date | None] = mapped_column(Date)
    # A service removed mid-term stops on end_date; it is still owed for the term (§2.5d).
    end_date: Mapped[date | None] = mapped_column(Date)
    annual_price: Mapped[Decimal | None] = mapped_column(Money())
    explanation: Mapped[str] = mapped_column(Text, default="")
    vat_code: Mapped[str | None] = mapped_column(String(1))

    agreement = relationship("Agreement", back_populates="lines")
    service = relationship("Service")

    __audited__ = True

    @property
    def name(self) -> str:
        return f"{self.service_code} on agreement {self.agreement_id}"


class AgreementCharge(db.Model):
    """A one-off charge on an agreement, e.g. a cancellation charge (§2.5e), invoiced once."""

    __tablename__ = "agreement_charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="cancellation")
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money())
    vat_code: Mapped[str] = mapped_column(String(1), default="S")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254), default="")

    agreement = relationship("Agreement", back_populates="charges")

    __audited__ = True

    @property
    def name(self) -> str:
        return self.description


class CancellationNotice(db.Model):
    """Written notice of cancellation (§2.4) and when it takes effect."""

    __tablename__ = "cancellation_notices"
    __table_args__ = (
        CheckConstraint("given_by IN ('school', 'council')", name="given_by_known"),
        CheckConstraint("effective_date >= notice_date", name="effective_after_notice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    given_by: Mapped[str] = mapped_column(String(8))
    notice_date: Mapped[date] = mapped_column(Date)
    requested_date: Mapped[date | None] = mapped_column(Date)
    effective_date: Mapped[date] = mapped_column(Date)
    fundamental_breach: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agreement = relationship("Agreement", back_populates="notices")

    __audited__ = True

    @property
    def name(self) -> str:
        return f"notice on agreement {self.agreement_id}, effective {self.effective_date}"

    @property
    def outcome(self) -> "NoticeOutcome":
        """What the notice does to its agreement (§2.4 b): cancelled from the effective date, or
        ended at the term end and not renewed when that date is after the term."""
        from agreements.lifecycle import notice_outcome

        return notice_outcome(self.effective_date, self.agreement.term_end)
