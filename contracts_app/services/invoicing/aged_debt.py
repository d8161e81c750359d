"""Aged debt (issue #20): outstanding invoices by customer in age buckets past their due dates; by
trust too (issue #29): each row names the trust its invoices were issued in - an invoice is the
trust's when its academy was a member on the invoice's date, as on the trust's statement - and the
report can be limited to one trust."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from invoices.due import AGE_BUCKETS
from pricing.errors import ActionRefused

from contracts_app.extensions import db
from contracts_app.models import Invoice
from contracts_app.services.invoicing.balances import ZERO, InvoiceFilter, balances_for, filtered
from contracts_app.services.queries import Sort
from contracts_app.services.register import belonging
from contracts_app.services.register.trusts import by_code


def aged_debt(today: date | None = None, year: int | None = None, trust_code: str | None = None) -> list[dict]:
    """Outstanding invoices by customer (and the trust they were issued in), in age buckets past their
    due dates; ``trust_code`` keeps one trust's. An unknown trust is refused, naming it."""
    today = today or date.today()
    if trust_code and by_code(trust_code) is None:
        raise ActionRefused(f"trust: no trust with code {trust_code[:20]!r}")
    query = filtered(select(Invoice.id), InvoiceFilter(year=year, kind="invoice"), today)
    if trust_code:  # the one rule of belonging, as the invoice lists' filter and the statement use it
        query = query.where(belonging.invoice_in_trust(trust_code))
    ids = list(db.session.scalars(query))
    invoices = {i.id: i for i in db.session.scalars(select(Invoice).where(Invoice.id.in_(ids)))} if ids else {}
    trusts = belonging.invoice_trusts(ids)
    rows: dict[tuple[int, str, str], dict] = {}
    for invoice_id, state in balances_for(ids, today).items():
        invoice = invoices[invoice_id]
        if state.outstanding <= 0:
            continue
        code, name = trusts.get(invoice_id, ("", ""))
        key = (invoice.school_urn, invoice.customer_name, code)
        row = rows.setdefault(key, {"urn": invoice.school_urn, "name": invoice.customer_name,
                                    "customer_type": invoice.customer_type, "trust_code": code,
                                    "trust_name": name, "total": ZERO,
                                    **{bucket: ZERO for bucket in AGE_BUCKETS}})
        row[state.age] += state.outstanding
        row["total"] += state.outstanding
    return sorted(rows.values(), key=lambda r: (-r["total"], r["name"], r["trust_code"]))


SORT_KEYS = ("customer", "type", "trust", *AGE_BUCKETS, "total")
_SORT_FIELDS = {"customer": "name", "type": "customer_type", "trust": "trust_name"}


def sorted_rows(rows: list[dict], sort: Sort | None) -> list[dict]:
    """The rows by the column chosen (issue #30), rows alike keeping the usual order (most owed first): the
    table is a sum per customer, so it is ordered here, after the sums."""
    if sort is None or sort.key not in SORT_KEYS:
        return rows
    field = _SORT_FIELDS.get(sort.key, sort.key)
    return sorted(rows, key=lambda r: (r[field].lower() if isinstance(r[field], str) else r[field]),
                  reverse=sort.descending)


def aged_debt_report(today: date | None = None, year: int | None = None, trust_code: str | None = None,
                     sort: Sort | None = None) -> tuple[list[dict], dict[str, Decimal]]:
    """The aged debt page: the customers' rows and the totals of each bucket and overall."""
    rows = sorted_rows(aged_debt(today, year, trust_code), sort)
    totals_by_bucket = {b: sum((r[b] for r in rows), ZERO) for b in (*AGE_BUCKETS, "total")}
    return rows, totals_by_bucket
