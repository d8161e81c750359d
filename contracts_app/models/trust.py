"""Trusts (issue #29): a multi-academy trust, its contacts, and each academy's membership with
the dates it joined and left (history kept: an academy that changes trust keeps its past row)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import UTCDateTime, utcnow
from register.trusts import is_member_on


class Trust(db.Model):
    """A trust as GIAS names it (`Trusts (code)`, the group UID) - a buyer of its academies' SLAs."""

    __tablename__ = "trusts"
    __table_args__ = (
        CheckConstraint("billing IN ('per_academy', 'consolidated')", name="billing_known"),
        Index("ix_trusts_name_lower", "name_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_lower: Mapped[str] = mapped_column(String(200))
    companies_house_number: Mapped[str] = mapped_column(String(8), default="", server_default="")
    street: Mapped[str] = mapped_column(String(200), default="", server_default="")
    town: Mapped[str] = mapped_column(String(120), default="", server_default="")
    postcode: Mapped[str] = mapped_column(String(12), default="", server_default="")
    # Stored now; a later part of issue #29 bills by it (one invoice per academy, or one per run).
    billing: Mapped[str] = mapped_column(String(12), default="per_academy", server_default="per_academy")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contacts = relationship("TrustContact", back_populates="trust", cascade="all, delete-orphan",
                            order_by="TrustContact.name")
    memberships = relationship("TrustMembership", back_populates="trust", order_by="TrustMembership.id")

    __audited__ = True

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.street, self.town, self.postcode) if part)

    def academy_ids_on(self, day: date) -> set[int]:
        """The schools that are the trust's academies on ``day``."""
        return {m.school_id for m in self.memberships if is_member_on(m.joined_on, m.left_on, day)}

    def __repr__(self) -> str:
        return f"<Trust {self.code} {self.name}>"


class TrustContact(db.Model):
    """A contact at the trust, as a school's key stakeholder: finance receives the invoices,
    a signatory commits the trust's spending."""

    __tablename__ = "trust_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trusts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    finance: Mapped[bool] = mapped_column(default=True, server_default=true())
    signatory: Mapped[bool] = mapped_column(default=False, server_default=false())

    trust = relationship("Trust", back_populates="contacts")

    __audited__ = True


class TrustMembership(db.Model):
    """An academy's membership of a trust from ``joined_on`` (None: before the register knew)
    to the day before ``left_on`` (None: still a member); ``source`` gias or override."""

    __tablename__ = "trust_memberships"
    __table_args__ = (
        CheckConstraint("source IN ('gias', 'override')", name="membership_source_known"),
        CheckConstraint("left_on IS NULL OR joined_on IS NULL OR joined_on <= left_on", name="membership_dates"),
        Index("ix_trust_memberships_school", "school_id", "left_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trusts.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(10), default="gias", server_default="gias")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    trust = relationship("Trust", back_populates="memberships")
    school = relationship("School")

    __audited__ = True

    @property
    def trust_code(self) -> str:
        return self.trust.code
