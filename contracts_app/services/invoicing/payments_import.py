"""A bank or remittance file into payments (issue #20): all or nothing, and never twice.

The rows are read and checked in ``invoices.remittance``; here the invoices they name are
locked and their balances read afresh, rows already imported (by their import key) are
skipped, and the rest are recorded in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from invoices.remittance import REQUIRED, InvoiceState, RemittanceRow, check_rows, read_rows
from pricing.errors import ImportRefused, Problem

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment
from contracts_app.services import audit
from contracts_app.services.imports import chunked, read_table, require_columns
from contracts_app.services.invoicing.balances import balances_for
from contracts_app.services.invoicing.locking import lock_invoice

MAX_ROWS = 50_000


@dataclass
class RemittanceReport:
    source: str
    recorded: int = 0
    total: Decimal = Decimal("0.00")
    already: int = 0  # rows of an earlier import of the same lines, skipped
    invoices: list[str] = field(default_factory=list)
    reversed_rows: list[int] = field(default_factory=list)  # skipped rows whose payment was reversed since

    def summary(self) -> str:
        text = f"{self.recorded} payment(s) recorded, £{self.total:,.2f}"
        if self.already:
            text += f"; {self.already} row(s) already imported, skipped"
        if self.reversed_rows:
            rows = ", ".join(str(r) for r in self.reversed_rows[:20])
            text += (f"; the payment of row(s) {rows} was imported before and reversed since: "
                     "record it by hand against the right invoice")
        return text


def _states(numbers: set[str], today: date) -> tuple[dict[str, InvoiceState], dict[str, int]]:
    """The named invoices' states, read after taking their locks (in id order: no deadlocks)."""
    found: dict[str, int] = {}
    for chunk in chunked(sorted(numbers)):  # no parameter per row: a long file passed the databases' limits
        found.update(db.session.execute(select(Invoice.number, Invoice.id).where(Invoice.number.in_(chunk))).all())
    for invoice_id in sorted(found.values()):
        lock_invoice(invoice_id)
    states = {}
    rows, balance = [], {}
    for chunk in chunked(sorted(found.values())):
        part = list(db.session.execute(select(Invoice.number, Invoice.id, Invoice.kind, Invoice.gross,
                                              Invoice.issue_date).where(Invoice.id.in_(chunk))))
        rows += part
        balance.update(balances_for([r.id for r in part], today))
    for r in rows:
        b = balance[r.id]
        cancelled = r.kind == "invoice" and b.credited > 0 and b.credited >= r.gross
        states[r.number] = InvoiceState(r.kind, b.outstanding, cancelled, r.issue_date)
    return states, found


def import_payments(data: bytes | str | Path, source: str, by: str, today: date | None = None) -> RemittanceReport:
    """Record the file's payments, or refuse it whole with every problem by row and column."""
    today = today or date.today()
    frame = read_table(data, source)
    require_columns(frame, REQUIRED, source, "a bank or remittance file (date,amount,reference[,invoice_number])")
    if len(frame) > MAX_ROWS:
        raise ImportRefused(Problem(None, None, f"{len(frame):,} rows; at most {MAX_ROWS:,} in one file"), source)
    if frame.empty:
        raise ImportRefused(Problem(None, None, "the file has a header but no payments"), source)
    rows, problems = read_rows(frame.to_dict("records"))
    report = RemittanceReport(source)
    reversal = aliased(Payment)
    already: dict[str, int | None] = {}
    for chunk in chunked(r.key for r in rows):
        already.update(db.session.execute(
            select(Payment.import_key, reversal.id).outerjoin(reversal, reversal.reverses_payment_id == Payment.id)
            .where(Payment.import_key.in_(chunk))).all())
    new = [r for r in rows if r.key not in already]
    report.already = len(rows) - len(new)
    report.reversed_rows = [r.row for r in rows if already.get(r.key) is not None]
    states, ids = _states({r.invoice_number for r in new}, today)
    problems = sorted(problems + check_rows(new, states, today), key=lambda p: (p.row or 0, p.column or ""))
    if problems:
        db.session.rollback()  # let go of the locks
        raise ImportRefused(problems, source)
    _record(new, ids, by, source, report)
    return report


def _record(rows: list[RemittanceRow], ids: dict[str, int], by: str, source: str, report: RemittanceReport) -> None:
    for r in rows:
        db.session.add(Payment(invoice_id=ids[r.invoice_number], amount=r.amount, paid_on=r.paid_on,
                               reference=r.reference, recorded_by=by, method="import", import_key=r.key))
    report.recorded = len(rows)
    report.total = sum((r.amount for r in rows), Decimal("0.00"))
    report.invoices = sorted({r.invoice_number for r in rows})
    try:
        db.session.flush()
    except IntegrityError:  # the same lines imported at the same moment elsewhere: the keys kept them once
        db.session.rollback()
        raise ImportRefused(Problem(None, None, "these payments were being imported at the same time; "
                                                "import the file again to see what is left"), source) from None
    if rows:
        audit.record("import", "Payment", source[:60], f"{source}: {report.summary()}")
    db.session.commit()
