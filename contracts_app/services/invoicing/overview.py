"""What the finance home page watches (issue #20): invoiced this year by term, collected,
outstanding, overdue, aged debt and the last runs; and aged debt as a file."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select, type_coerce

from invoices.due import AGE_BUCKETS
from pricing.sla_year import SlaYear
from pricing.spreadsheet import Column, csv_bytes, write_xlsx

from contracts_app.extensions import db
from contracts_app.services.queries import Sort
from contracts_app.models import Invoice, InvoiceRun, Payment
from contracts_app.models.types import Money
from contracts_app.services.invoicing.aged_debt import aged_debt_report
from contracts_app.services.invoicing.runs import recent_runs

ZERO = Decimal("0.00")
TERM_NAMES = {"summer": "Summer term", "autumn": "Autumn term", None: "Ad hoc and one-off"}
AGED_COLUMNS = (Column("urn", "whole"), Column("name"), Column("customer_type"),
                Column("trust_code"), Column("trust_name"),  # the trust the invoices were issued in (#29)
                *(Column(bucket, "money") for bucket in AGE_BUCKETS), Column("total", "money"))


@dataclass(frozen=True)
class FinanceOverview:
    year: SlaYear
    invoiced_by_term: dict[str, Decimal]
    credited: Decimal
    collected: Decimal
    outstanding: Decimal
    overdue_count: int
    overdue_value: Decimal
    aged: dict[str, Decimal]
    runs: list[InvoiceRun]

    @property
    def invoiced(self) -> Decimal:
        return sum(self.invoiced_by_term.values(), ZERO)


def _money(value: object) -> Decimal:
    return ZERO if value is None else Decimal(value)


def overview(today: date | None = None) -> FinanceOverview:
    """The figures of the SLA year containing today, and what is owed and overdue now (any year)."""
    today = today or date.today()
    year = SlaYear.containing(today)
    by_term = dict(db.session.execute(
        select(Invoice.term, func.sum(Invoice.gross)).where(Invoice.sla_year == year.start_year,
                                                             Invoice.kind == "invoice").group_by(Invoice.term)).all())
    credited = -_money(db.session.scalar(select(func.sum(Invoice.gross)).where(
        Invoice.sla_year == year.start_year, Invoice.kind == "credit_note")))
    collected = _money(db.session.scalar(select(func.sum(Payment.amount)).where(
        Payment.paid_on >= year.start, Payment.paid_on <= year.end)))
    _, outstanding = _owed(today, overdue=False)
    overdue_count, overdue_value = _owed(today, overdue=True)
    return FinanceOverview(
        year, {TERM_NAMES.get(t, t): _money(v) for t, v in sorted(by_term.items(), key=lambda kv: str(kv[0]))},
        credited, collected, outstanding, overdue_count, overdue_value, _aged(today),
        recent_runs(5))


def _left():
    """What is still owed per invoice, as an expression over the invoices joined to their totals."""
    paid = select(Payment.invoice_id, func.sum(Payment.amount).label("paid")).group_by(Payment.invoice_id).subquery()
    credit = Invoice.__table__.alias("credit")
    credited = (select(credit.c.credited_invoice_id.label("invoice_id"), (-func.sum(credit.c.gross)).label("credited"))
                .where(credit.c.kind == "credit_note").group_by(credit.c.credited_invoice_id).subquery())
    left = Invoice.gross - func.coalesce(paid.c.paid, 0) - func.coalesce(credited.c.credited, 0)
    return left, lambda query: (query.outerjoin(paid, paid.c.invoice_id == Invoice.id)
                                .outerjoin(credited, credited.c.invoice_id == Invoice.id)
                                .where(Invoice.kind == "invoice", left > 0))


def _owed(today: date, overdue: bool) -> tuple[int, Decimal]:
    """How many invoices still owe something (past due, if asked) and how much: one aggregate query."""
    left, joined = _left()
    # the sum of an expression has no column type: read it as money (stored in pence)
    query = joined(select(func.count(), type_coerce(func.sum(left), Money())).select_from(Invoice))
    if overdue:
        query = query.where(Invoice.due_date < today)
    count, total = db.session.execute(query).one()
    return count, _money(total)


def _aged(today: date) -> dict[str, Decimal]:
    """What is owed per age bucket (invoices.due.age_bucket's limits), summed in the database."""
    left, joined = _left()
    bucket = case((Invoice.due_date >= today, "current"), (Invoice.due_date >= today - timedelta(days=30), "1-30"),
                  (Invoice.due_date >= today - timedelta(days=60), "31-60"),
                  (Invoice.due_date >= today - timedelta(days=90), "61-90"), else_="90+")
    rows = db.session.execute(joined(select(bucket, type_coerce(func.sum(left), Money())).select_from(Invoice))
                              .group_by(bucket))
    totals = dict(rows.all())
    return {b: _money(totals.get(b)) for b in AGE_BUCKETS}


def aged_debt_totals(today: date | None = None) -> dict[str, Decimal]:
    """What is owed per age bucket (the chart)."""
    return _aged(today or date.today())


def aged_debt_file(fmt: str, today: date | None = None, year: int | None = None,
                   trust_code: str | None = None, sort: Sort | None = None) -> bytes:
    """The aged-debt table as CSV or a typed XLSX, one row per customer (and trust), in the page's order."""
    rows, _ = aged_debt_report(today or date.today(), year, trust_code, sort)
    values = [(r["urn"], r["name"], r["customer_type"], r["trust_code"], r["trust_name"], *(r[b] for b in AGE_BUCKETS),
               r["total"]) for r in rows]
    if fmt == "csv":
        return csv_bytes(AGED_COLUMNS, values)
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx(out, AGED_COLUMNS, values, "aged debt")
        return out.getvalue()
    raise ValueError(f"the format must be csv or xlsx, not {fmt!r}")
