"""The invoice list's order (issue #30): any column it shows, newest first unless another is chosen.
Outstanding is computed per row by correlated sums, so it sorts in SQL whatever the filters join."""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment
from contracts_app.services.bounds import search_number
from contracts_app.services.queries import Sort, sorted_by

DEFAULT = Sort("issued", descending=True)
KEYS = ("number", "school", "period", "issued", "due", "gross", "outstanding")


def _outstanding() -> ColumnElement:
    credit = Invoice.__table__.alias("credit_sorted")
    paid = (select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.invoice_id == Invoice.id)
            .correlate(Invoice).scalar_subquery())
    credited = (select(func.coalesce(func.sum(credit.c.gross), 0))
                .where(credit.c.credited_invoice_id == Invoice.id, credit.c.kind == "credit_note")
                .correlate(Invoice).scalar_subquery())
    return Invoice.gross - paid + credited  # credit notes' gross is negative


def ordered(query: Select, sort: Sort | None) -> Select:
    """The filtered invoices in the chosen order; ties (and no choice) newest first, by number."""
    sort = sort or DEFAULT
    columns: dict[str, ColumnElement] = {
        "number": Invoice.number, "school": func.lower(Invoice.customer_name), "period": Invoice.period_start,
        "issued": Invoice.issue_date, "due": Invoice.due_date, "gross": Invoice.gross}
    if sort.key == "outstanding":
        columns["outstanding"] = _outstanding()
    return sorted_by(query, sort, columns, (Invoice.issue_date.desc(), Invoice.number.desc()))



def suggest(q: str, limit: int) -> list[Invoice]:
    """Up to ``limit`` invoices whose number, school name or URN holds what was typed, newest first."""
    q = q.strip()
    conditions = [Invoice.number.contains(q.upper()), func.lower(Invoice.customer_name).contains(q.lower())]
    if (number := search_number(q)) is not None:
        conditions.append(Invoice.school_urn == number)
    return list(db.session.scalars(ordered(select(Invoice).where(or_(*conditions)), None).limit(limit)))
