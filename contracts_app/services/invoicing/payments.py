"""Payments after they are recorded (issue #20): listed, reversed, exported.

A payment is never changed or deleted. One recorded wrongly is answered by a reversing
entry: a payment row of the opposite amount that names it, with the reason and who
reversed it, so the invoice's paid and outstanding (which sum the rows) follow at once.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, event, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from pricing.errors import ActionRefused
from pricing.spreadsheet import Column, csv_bytes, write_xlsx

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment
from contracts_app.services import audit
from contracts_app.services.bounds import search_number
from contracts_app.services.invoicing.locking import lock_invoice
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from contracts_app.services.transactions import refusal_rolls_back

MAX_REASON = 500
EXPORT_COLUMNS = (Column("id", "whole"), Column("date", "date"), Column("amount", "money"), Column("invoice"),
                  Column("school_urn", "whole"), Column("school"), Column("reference"), Column("method"),
                  Column("reversed"), Column("reverses", "whole"), Column("reason"), Column("recorded_by"))
METHOD_NAMES = {"manual": "recorded", "import": "bank import", "reversal": "reversal"}


def _refuse_changes(session: Session, flush_context: object, instances: object) -> None:
    """A payment, once recorded, is never changed or deleted: a wrong one is reversed."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Payment) and (obj in session.deleted or session.is_modified(obj, include_collections=False)):
            raise ActionRefused("a recorded payment never changes; reverse it instead")


def install(session_factory: type[Session]) -> None:
    """Hook the never-changes rule for payments into every session (called once by create_app)."""
    if not event.contains(session_factory, "before_flush", _refuse_changes):
        event.listen(session_factory, "before_flush", _refuse_changes)


def payment_by_id(payment_id: int) -> Payment | None:
    """The payment (or reversing entry) with this id, with its invoice."""
    if not 0 < payment_id < 2**31:
        return None
    return db.session.get(Payment, payment_id)


@refusal_rolls_back
def reverse_payment(payment: Payment, reason: str, by: str, on: date | None = None) -> Payment:
    """Reverse a payment recorded wrongly: a reversing entry, audited; the payment itself stays."""
    reason = (reason or "").strip()
    on = on or date.today()
    if payment.is_reversal:
        raise ActionRefused(f"payment {payment.id} is itself a reversal (of payment {payment.reverses_payment_id}); "
                            "record the payment again instead")
    if not reason:
        raise ActionRefused("give the reason for reversing the payment")
    if len(reason) > MAX_REASON:
        raise ActionRefused(f"the reason is {len(reason)} characters; at most {MAX_REASON}")
    if on < payment.paid_on or on > date.today():
        raise ActionRefused(f"a reversal is dated between the payment ({payment.paid_on.isoformat()}) and today, "
                            f"not {on.isoformat()}")
    lock_invoice(payment.invoice_id)
    if db.session.scalar(select(Payment.id).where(Payment.reverses_payment_id == payment.id)) is not None:
        raise ActionRefused(f"payment {payment.id} has been reversed already")
    reversal = Payment(invoice_id=payment.invoice_id, amount=-payment.amount, paid_on=on,
                       reference=f"reversal of payment {payment.id}", recorded_by=by, method="reversal",
                       reverses_payment_id=payment.id, reason=reason)
    db.session.add(reversal)
    try:
        db.session.flush()
    except IntegrityError:  # reversed at the same moment elsewhere: the unique key kept it to one
        db.session.rollback()
        raise ActionRefused(f"payment {payment.id} has been reversed already") from None
    number = payment.invoice.number
    audit.record("reverse", "Payment", payment.id, f"payment {payment.id} of £{payment.amount:,.2f} on {number} "
                                                   f"reversed: {reason}")
    db.session.commit()
    return reversal


@dataclass(frozen=True)
class PaymentRow:
    id: int
    paid_on: date
    amount: Decimal
    invoice_number: str
    school_urn: int
    school_name: str
    reference: str
    method: str
    reversed_by_id: int | None  # the reversing entry of a reversed payment
    reverses_id: int | None  # for a reversing entry: the payment it reverses
    reason: str
    recorded_by: str

    @property
    def reversed(self) -> bool:
        return self.reversed_by_id is not None

    @property
    def method_name(self) -> str:
        return METHOD_NAMES.get(self.method, self.method)


@dataclass(frozen=True)
class PaymentFilter:
    """The payments page's filters (issue #30): an invoice's number, a school (URN or part of its name), the
    dates received between, and reversed or not ("yes": both sides of a reversal; "no": payments standing)."""

    invoice: str = ""
    school: str = ""
    paid_from: date | None = None
    paid_to: date | None = None
    reversed: str = ""


SORT_KEYS = ("id", "date", "invoice", "school", "amount")


def _narrowed(query: Select, f: PaymentFilter, reversal: object) -> Select:
    if f.school.strip():
        number = search_number(f.school)
        name = Invoice.customer_name.ilike(f"%{f.school.strip()}%")
        query = query.where(or_(name, Invoice.school_urn == number) if number is not None else name)
    if f.paid_from:
        query = query.where(Payment.paid_on >= f.paid_from)
    if f.paid_to:
        query = query.where(Payment.paid_on <= f.paid_to)
    in_a_reversal = or_(reversal.id.is_not(None), Payment.reverses_payment_id.is_not(None))
    if f.reversed == "yes":
        query = query.where(in_a_reversal)
    elif f.reversed == "no":
        query = query.where(~in_a_reversal)
    return query


def payments_page(f: PaymentFilter, sort: Sort | None, page: int, per_page: int) -> Page:
    """One page of the filtered payments and reversals, newest first unless another column is chosen."""
    result = paginate(_listed(f, sort), page, per_page, rows=True)
    result.items = [PaymentRow(*row) for row in result.items]
    return result


def _listed(f: PaymentFilter, sort: Sort | None) -> Select:
    query, reversal = _base_query()
    query = _narrowed(_by_invoice(query, f.invoice or None, None, None), f, reversal)
    columns = {"id": Payment.id, "date": Payment.paid_on, "invoice": Invoice.number,
               "school": func.lower(Invoice.customer_name), "amount": Payment.amount}
    return sorted_by(query, sort or Sort("date", descending=True), columns, (Payment.paid_on.desc(), Payment.id.desc()))


def _base_query() -> tuple[Select, object]:
    reversal = aliased(Payment)
    query = (select(Payment.id, Payment.paid_on, Payment.amount, Invoice.number, Invoice.school_urn,
                    Invoice.customer_name, Payment.reference, Payment.method, reversal.id.label("reversed_by_id"),
                    Payment.reverses_payment_id, Payment.reason, Payment.recorded_by)
             .join(Invoice, Invoice.id == Payment.invoice_id)
             .outerjoin(reversal, reversal.reverses_payment_id == Payment.id))
    return query, reversal


def _by_invoice(query: Select, invoice_number: str | None, school_ids: set[int] | None,
                invoice_id: int | None) -> Select:
    if invoice_number:
        query = query.where(Invoice.number == invoice_number.strip().upper())
    if invoice_id is not None:
        query = query.where(Invoice.id == invoice_id)
    if school_ids is not None:
        query = query.where(Invoice.school_id.in_(school_ids or {-1}))
    return query


def _rows_query(invoice_number: str | None, school_ids: set[int] | None, invoice_id: int | None = None):
    query, _ = _base_query()
    return _by_invoice(query, invoice_number, school_ids, invoice_id).order_by(Payment.paid_on.desc(),
                                                                               Payment.id.desc())


def list_payments(invoice_number: str | None = None, school_ids: set[int] | None = None,
                  limit: int | None = 200, invoice_id: int | None = None) -> list[PaymentRow]:
    """Payments and reversals, newest first: one invoice's (by number), or the latest of all."""
    query = _rows_query(invoice_number, school_ids, invoice_id)
    if limit:
        query = query.limit(limit)
    return [PaymentRow(*row) for row in db.session.execute(query)]


def _export_values(row: PaymentRow) -> tuple[object, ...]:
    return (row.id, row.paid_on, row.amount, row.invoice_number, row.school_urn, row.school_name, row.reference,
            row.method_name, "yes" if row.reversed else "no", row.reverses_id, row.reason, row.recorded_by)


def iter_export_rows(invoice_number: str | None = None, f: PaymentFilter | None = None,
                     sort: Sort | None = None) -> Iterator[tuple[object, ...]]:
    """Every payment and reversal as the export's values (oldest first, as a ledger reads); with the page's
    filter, exactly what the page lists, in its order."""
    if f is not None:
        query = _listed(f, sort)
    else:
        query = _rows_query(invoice_number, None).order_by(None).order_by(Payment.paid_on, Payment.id)
    with db.engine.connect() as connection:  # its own connection, so the rows can stream
        for row in connection.execution_options(stream_results=True, yield_per=2000).execute(query):
            yield _export_values(PaymentRow(*row))


def export_payments(fmt: str, invoice_number: str | None = None, f: PaymentFilter | None = None,
                    sort: Sort | None = None) -> bytes:
    """The payments export, CSV (text cells made formula-safe) or a typed XLSX."""
    rows = iter_export_rows(invoice_number, f, sort)
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx(out, EXPORT_COLUMNS, rows, "payments")
        return out.getvalue()
    if fmt == "csv":
        return csv_bytes(EXPORT_COLUMNS, rows)
    raise ValueError(f"the format must be csv or xlsx, not {fmt!r}")
