"""The buying round (§2.6 "SLA setting period"): one round per SLA year, an offer per school,
its basket lines, every acceptance (kept for good), declines and reminders."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow

ROUND_DEFAULTS = ("renew", "lapse")
ROUND_APPROVALS = ("immediate", "approval")
ROUND_STATUSES = ("open", "closing", "closed")
OFFER_STATES = ("not_opened", "viewed", "in_progress", "accepted", "declined", "no_answer")
OFFER_STATE_NAMES = {"not_opened": "Not opened", "viewed": "Viewed", "in_progress": "In progress",
                     "accepted": "Accepted", "declined": "Declined", "no_answer": "No answer"}
ANSWERED = ("accepted", "declined")


class BuyingRound(db.Model):
    __tablename__ = "buying_rounds"
    __table_args__ = (
        CheckConstraint("default_action IN ('renew', 'lapse')", name="default_known"),
        CheckConstraint("approval IN ('immediate', 'approval')", name="approval_known"),
        CheckConstraint("status IN ('open', 'closing', 'closed')", name="status_known"),
        CheckConstraint("closes_on >= opens_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sla_year: Mapped[int] = mapped_column(unique=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"), index=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    # What the close does to a school that has not answered: renew (rollover rules) or lapse.
    default_action: Mapped[str] = mapped_column(String(8))
    # immediate: an acceptance issues the agreement; approval: it waits as a draft for the SLA team.
    approval: Mapped[str] = mapped_column(String(10), default="immediate")
    status: Mapped[str] = mapped_column(String(8), default="open")
    opened_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(254))
    close_summary: Mapped[str] = mapped_column(Text, default="")

    price_list = relationship("PriceList")
    offers = relationship("Offer", back_populates="round", order_by="Offer.id")

    __audited__ = True

    @property
    def name(self) -> str:
        from pricing.sla_year import SlaYear

        return f"buying round {SlaYear(self.sla_year).label}"

    @property
    def dates(self):
        """The round's dates as its rules read them (rounds.rules.RoundDates)."""
        from pricing.sla_year import LONDON
        from rounds.rules import RoundDates

        closed_on = self.closed_at.astimezone(LONDON).date() if self.closed_at and self.status == "closed" else None
        return RoundDates(self.name, self.opens_on, self.closes_on, self.status, closed_on)


class Offer(db.Model):
    """One school's offer for the round's year: its basket, where it stands, the agreement made from it."""

    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("round_id", "school_id"),
        CheckConstraint("state IN ('not_opened', 'viewed', 'in_progress', 'accepted', 'declined', 'no_answer')",
                        name="state_known"),
        Index("ix_offers_round_state", "round_id", "state"),
        CheckConstraint("outcome IS NULL OR outcome IN ('accepted', 'renewed', 'lapsed', 'declined', 'not_done')",
                        name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("buying_rounds.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # A group sharing one agreement (§2.1) has one offer: ``school`` is the member who answers
    # for it (the group's lead school), ``group`` the party, priced per member (pricing.group).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_groups.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="not_opened")
    # The agreement the basket was pre-filled from (this year's), and the one made from it (next year's).
    source_agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    # Bumped by every change to the basket: an acceptance is of one revision, exactly once.
    revision: Mapped[int] = mapped_column(default=1)
    po_number: Mapped[str] = mapped_column(String(60), default="")
    invoice_contact: Mapped[str] = mapped_column(String(200), default="")
    invoice_email: Mapped[str] = mapped_column(String(254), default="")
    agreement_contact: Mapped[str] = mapped_column(String(200), default="")
    agreement_email: Mapped[str] = mapped_column(String(254), default="")
    # The last pricing of the subscribed basket (the round page's figures), or why it cannot be priced.
    total: Mapped[Decimal | None] = mapped_column(Money())
    problem: Mapped[str] = mapped_column(Text, default="")
    viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What the close gave the school (rounds.rules.OUTCOMES) and, without an agreement, why.
    outcome: Mapped[str | None] = mapped_column(String(10))
    outcome_reason: Mapped[str] = mapped_column(Text, default="")

    round = relationship("BuyingRound", back_populates="offers")
    school = relationship("School")
    group = relationship("SchoolGroup")
    source_agreement = relationship("Agreement", foreign_keys=[source_agreement_id])
    agreement = relationship("Agreement", foreign_keys=[agreement_id])
    lines = relationship("OfferLine", back_populates="offer", cascade="all, delete-orphan",
                         order_by="(OfferLine.list_name, OfferLine.service_code)")
    acceptances = relationship("OfferAcceptance", back_populates="offer", order_by="OfferAcceptance.id")
    declines = relationship("OfferDecline", back_populates="offer", order_by="OfferDecline.id")
    reminders = relationship("OfferReminder", back_populates="offer", order_by="OfferReminder.id")

    __audited__ = True

    @property
    def name(self) -> str:
        return f"offer {self.id} ({self.party_name})"

    @property
    def party_name(self) -> str:
        """The school, or the group sharing one agreement, the offer is for."""
        return self.group.name if self.group is not None else self.school.name

    @property
    def members(self) -> list:
        """The schools the offer covers: the group's members, else the one school."""
        return list(self.group.schools) if self.group is not None else [self.school]

    @property
    def acceptance(self) -> "OfferAcceptance | None":
        """The latest acceptance: the one the agreement follows."""
        return self.acceptances[-1] if self.acceptances else None

    @property
    def pending_changes(self) -> bool:
        """An accepted offer whose basket changed since: changes not yet accepted (they stand apart)."""
        from rounds.rules import has_pending_changes

        latest = self.acceptance
        return has_pending_changes(self.state, self.revision, latest.revision if latest else None)

    @property
    def decline(self) -> "OfferDecline | None":
        return self.declines[-1] if self.declines else None

    def lines_in(self, list_name: str) -> list["OfferLine"]:
        return [line for line in self.lines if line.list_name == list_name]


class OfferLine(db.Model):
    """A service in the basket: subscribed with quantity (§4.1), additional (§4.2) or excluded (§4.3)."""

    __tablename__ = "offer_lines"
    __table_args__ = (
        UniqueConstraint("offer_id", "service_code"),
        CheckConstraint("list_name IN ('subscribed', 'additional', 'excluded')", name="list_known"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    service_code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    list_name: Mapped[str] = mapped_column(String(12))
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(2), default=Decimal(1))

    offer = relationship("Offer", back_populates="lines")
    service = relationship("Service")


class OfferAcceptance(db.Model):
    """An acceptance, kept for good: who, when, from where, the basket and the exact PDF accepted."""

    __tablename__ = "offer_acceptances"
    __table_args__ = (
        # A double click or a repeated request accepts the same revision: one row only.
        UniqueConstraint("offer_id", "revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    user_email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200))
    authorised: Mapped[bool] = mapped_column(default=False)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    basket: Mapped[dict] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Money())
    document_sha256: Mapped[str] = mapped_column(String(64))
    # Before issue #33 the PDF was a file under instance/ named here; it now lives in `blobs`.
    document_path: Mapped[str | None] = mapped_column(String(500))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))

    offer = relationship("Offer", back_populates="acceptances")
    user = relationship("User")
    agreement = relationship("Agreement")

    __audited__ = True

    @property
    def name(self) -> str:
        return f"acceptance {self.id} of offer {self.offer_id}"


class OfferDecline(db.Model):
    __tablename__ = "offer_declines"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    user_email: Mapped[str] = mapped_column(String(254), default="")
    reason: Mapped[str] = mapped_column(Text)
    declined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    offer = relationship("Offer", back_populates="declines")

    __audited__ = True

    @property
    def name(self) -> str:
        return f"decline of offer {self.offer_id}"


class OfferReminder(db.Model):
    """A reminder sent to a school that has not answered (through the outbox)."""

    __tablename__ = "offer_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    sent_by: Mapped[str] = mapped_column(String(254), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    offer = relationship("Offer", back_populates="reminders")

    __audited__ = True

    @property
    def name(self) -> str:
        return f"reminder for offer {self.offer_id}"
