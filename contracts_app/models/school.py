"""The school register: schools, groups of schools, key stakeholders, census figures."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint, false, true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import UTCDateTime, utcnow

CUSTOMER_TYPES = ("maintained", "academy")

school_group_members = Table(
    "school_group_members",
    db.metadata,
    Column("group_id", ForeignKey("school_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class School(db.Model):
    __tablename__ = "schools"
    __table_args__ = (
        CheckConstraint(
            "customer_type_derived IN ('maintained', 'academy')", name="derived_type_known"
        ),
        CheckConstraint(
            "customer_type_override IS NULL OR customer_type_override IN ('maintained', 'academy')",
            name="override_type_known",
        ),
        Index("ix_schools_name_lower", "name_lower"),
        Index("ix_schools_postcode_compact", "postcode_compact"),
        Index("ix_schools_type_name", "customer_type", "name_lower"),
        # Register changes (issue #28) look only at the few schools GIAS has closed.
        Index("ix_schools_closed_on", "closed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Lower-cased copies kept for indexed, case-insensitive search on both databases.
    name_lower: Mapped[str] = mapped_column(String(200))
    establishment_type: Mapped[str] = mapped_column(String(120))
    phase: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(60), default="Open")
    la_code: Mapped[int] = mapped_column()
    la_name: Mapped[str] = mapped_column(String(120))
    street: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(12), default="")
    postcode_compact: Mapped[str] = mapped_column(String(12), default="")
    telephone: Mapped[str] = mapped_column(String(40), default="")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    gias_pupils: Mapped[int | None] = mapped_column()
    # GIAS's open and close dates and reasons (issue #28): a conversion is the maintained
    # school closing ("Academy converter") and a new URN opening the next day.
    opened_on: Mapped[date | None] = mapped_column(Date)
    open_reason: Mapped[str] = mapped_column(String(120), default="", server_default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str] = mapped_column(String(120), default="", server_default="")
    customer_type_derived: Mapped[str] = mapped_column(String(12))
    customer_type_override: Mapped[str | None] = mapped_column(String(12))
    override_reason: Mapped[str | None] = mapped_column(Text)
    # The effective type, kept in step by set_customer_type() so lists can filter by index.
    customer_type: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    stakeholders = relationship(
        "KeyStakeholder", back_populates="school", cascade="all, delete-orphan",
        order_by="KeyStakeholder.name",
    )
    census_figures = relationship(
        "CensusFigure", back_populates="school", cascade="all, delete-orphan",
        order_by="CensusFigure.census.desc()",
    )
    groups = relationship("SchoolGroup", secondary=school_group_members, back_populates="schools")

    __audited__ = True

    def refresh_derived_fields(self) -> None:
        self.name_lower = self.name.lower()
        self.postcode_compact = self.postcode.replace(" ", "").lower()
        self.customer_type = self.customer_type_override or self.customer_type_derived

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.street, self.town, self.postcode) if part)

    @property
    def customer_type_label(self) -> str:
        return "Maintained school" if self.customer_type == "maintained" else "Academy / free school"

    def __repr__(self) -> str:
        return f"<School {self.urn} {self.name}>"


class SchoolGroup(db.Model):
    """A named group of schools that takes one agreement (§2.1), e.g. a federation or trust."""

    __tablename__ = "school_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    lead_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    schools = relationship(
        "School", secondary=school_group_members, back_populates="groups", order_by="School.name"
    )
    lead_school = relationship("School", foreign_keys=[lead_school_id])

    __audited__ = True


class KeyStakeholder(db.Model):
    """A key contact at a school (§9.6, §10.2)."""

    __tablename__ = "key_stakeholders"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Which messages this contact receives by email (issue #18): invoices and credit notes,
    # agreements, service notices (cancellation acknowledgements, estimates, reminders).
    invoices: Mapped[bool] = mapped_column(default=True, server_default=true())
    agreements: Mapped[bool] = mapped_column(default=True, server_default=true())
    notices: Mapped[bool] = mapped_column(default=True, server_default=true())
    # With each invoice and credit note, its e-invoice (UBL XML) too, for finance systems that
    # take invoices as data (issue #32); only for contacts who ask for it.
    einvoices: Mapped[bool] = mapped_column(default=False, server_default=false())

    school = relationship("School", back_populates="stakeholders")

    __audited__ = True


class CensusFigure(db.Model):
    """Pupils on roll in one school census (`2025-01` January, `2025-10` October)."""

    __tablename__ = "census_figures"
    __table_args__ = (
        UniqueConstraint("school_id", "census"),
        Index("ix_census_figures_census", "census"),
        CheckConstraint("pupils >= 0", name="pupils_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    census: Mapped[str] = mapped_column(String(7))
    pupils: Mapped[int] = mapped_column()
    # 'census' for imported figures; 'override' for a figure the SLA team entered by hand.
    source: Mapped[str] = mapped_column(String(12), default="census")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    school = relationship("School", back_populates="census_figures")

    __audited__ = True

    @property
    def census_description(self) -> str:
        year, month = self.census.split("-")
        return f"{'January' if month == '01' else 'October'} {year}"


class SchoolLink(db.Model):
    """One row of GIAS's links file (issue #28): `urn` is linked to `link_urn` as `link_type`
    (Predecessor, Successor, "Successor - merged", ...). Kept by URN, not by school, because GIAS
    links schools the register does not hold (a predecessor closed before the council's time)."""

    __tablename__ = "school_links"
    __table_args__ = (
        UniqueConstraint("urn", "link_urn", "link_type", name="uq_school_links_urn_link_type"),
        Index("ix_school_links_link_urn", "link_urn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[int] = mapped_column()
    link_urn: Mapped[int] = mapped_column()
    link_name: Mapped[str] = mapped_column(String(200), default="")
    # As GIAS spells it; its longest is 62 characters ("Merged - expansion in school capacity ...").
    link_type: Mapped[str] = mapped_column(String(120))
    established_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<SchoolLink {self.urn} {self.link_type} {self.link_urn}>"
