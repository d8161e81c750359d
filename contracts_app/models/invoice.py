"""Invoices and credit notes, their lines, payments, numbering and runs."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import Money, Rate, ScaledDecimal, UTCDateTime, utcnow

KINDS = ("invoice", "credit_note")


class NumberSeries(db.Model):
    """The last number used per kind and year: a gapless series (DESIGN "Invoices").

    Numbers are taken by an UPDATE of this row inside the issuing transaction, so a
    rolled-back issue gives its number back and concurrent issuers queue on the row.
    """

    __tablename__ = "number_series"

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class InvoiceRun(db.Model):
    __tablename__ = "invoice_runs"
    __table_args__ = (CheckConstraint("term IN ('summer', 'autumn')", name="term_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sla_year: Mapped[int] = mapped_column()
    term: Mapped[str] = mapped_column(String(8))
    issue_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(String(254), default="")
    invoices_raised: Mapped[int] = mapped_column(default=0)
    total_net: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    total_gross: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))


class Invoice(db.Model):
    """An issued invoice or credit note. Issued documents never change (see services.invoicing)."""

    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("kind IN ('invoice', 'credit_note')", name="kind_known"),
        CheckConstraint("term IS NULL OR term IN ('summer', 'autumn')", name="term_known"),
        CheckConstraint("trust_billing IS NULL OR trust_billing IN ('per_academy', 'consolidated')",
                        name="trust_billing_known"),
        Index("ix_invoices_year_term", "sla_year", "term"),
        # The invoice list's order within a year, so a page is read off the index.
        Index("ix_invoices_year_issue_number", "sla_year", "issue_date", "number"),
        Index("ix_invoices_school_issue", "school_id", "issue_date"),
        Index("ix_invoices_due", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="invoice")
    sla_year: Mapped[int] = mapped_column()
    term: Mapped[str | None] = mapped_column(String(8))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    adhoc_request_id: Mapped[int | None] = mapped_column(ForeignKey("adhoc_requests.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_runs.id"), index=True)
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    # Snapshots: the document says what it said on the day it was issued.
    customer_name: Mapped[str] = mapped_column(String(200))
    school_urn: Mapped[int] = mapped_column()
    customer_type: Mapped[str] = mapped_column(String(12))
    po_number: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    net: Mapped[Decimal] = mapped_column(Money())
    vat: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(254), default="")
    # Issue #29: the trust billed for its academy (per_academy) or for all of them (consolidated),
    # with its name and address as they were on the day (empty: the school is the buyer).
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trusts.id"), index=True)
    trust_billing: Mapped[str | None] = mapped_column(String(12))
    bill_to_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bill_to_street: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bill_to_town: Mapped[str] = mapped_column(String(120), default="", server_default="")
    bill_to_postcode: Mapped[str] = mapped_column(String(12), default="", server_default="")

    school = relationship("School")
    trust = relationship("Trust")
    agreement = relationship("Agreement")
    adhoc_request = relationship("AdHocRequest")
    lines = relationship("InvoiceLine", back_populates="invoice", order_by="InvoiceLine.position",
                         cascade="all, delete-orphan")
    payments = relationship("Payment", back_populates="invoice", order_by="Payment.paid_on")
    credited_invoice = relationship("Invoice", remote_side=[id], foreign_keys=[credited_invoice_id],
                                    back_populates="credit_notes")
    credit_notes = relationship("Invoice", foreign_keys=[credited_invoice_id], back_populates="credited_invoice",
                                order_by="Invoice.id")

    __audited__ = True

    @property
    def name(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"

    @property
    def consolidated(self) -> bool:
        return self.trust_billing == "consolidated"


class InvoiceLine(db.Model):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        # What a line bills ("line:42:summer", "charge:7", "adhoc:3") can be billed once only:
        # the database, not just a check, keeps a re-run or a concurrent run from billing twice.
        UniqueConstraint("billing_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    service_code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    unit_price: Mapped[Decimal] = mapped_column(Rate())
    net: Mapped[Decimal] = mapped_column(Money())
    vat_code: Mapped[str] = mapped_column(String(1))
    vat_rate: Mapped[Decimal] = mapped_column(Rate())
    billing_key: Mapped[str | None] = mapped_column(String(60))
    agreement_line_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_lines.id"), index=True)
    credited_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_lines.id"), index=True)
    # A consolidated trust invoice's section (issue #29): the academy, its agreement and its order number.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    section: Mapped[str] = mapped_column(String(260), default="", server_default="")
    po_number: Mapped[str] = mapped_column(String(60), default="", server_default="")

    invoice = relationship("Invoice", back_populates="lines")

    __audited__ = True


PAYMENT_METHODS = ("manual", "import", "reversal")


class Payment(db.Model):
    """Money received against an invoice, or the reversing entry of a payment recorded wrongly.

    Payments are never changed or deleted: a wrong one is answered by a reversal, a row of
    the opposite amount naming it (at most one), so every total simply sums the rows.
    """

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("(reverses_payment_id IS NULL AND amount > 0) OR "
                        "(reverses_payment_id IS NOT NULL AND amount < 0)", name="amount_sign"),
        CheckConstraint("method IN ('manual', 'import', 'reversal')", name="method_known"),
        # a payment is reversed once; a line of a bank file is paid once, however often it is imported
        UniqueConstraint("reverses_payment_id"),
        UniqueConstraint("import_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    reference: Mapped[str] = mapped_column(String(120), default="")
    recorded_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    method: Mapped[str] = mapped_column(String(12), default="manual", server_default="manual")
    reverses_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    import_key: Mapped[str | None] = mapped_column(String(64))

    invoice = relationship("Invoice", back_populates="payments")
    reverses = relationship("Payment", remote_side=[id], foreign_keys=[reverses_payment_id],
                            back_populates="reversal")
    reversal = relationship("Payment", foreign_keys=[reverses_payment_id], back_populates="reverses",
                            uselist=False)

    __audited__ = True

    @property
    def name(self) -> str:
        if self.reverses_payment_id is not None:
            return f"reversal of payment {self.reverses_payment_id} on {self.paid_on}"
        return f"payment of {self.amount} on {self.paid_on}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_payment_id is not None
