"""A bank or remittance file of payments received (issue #20): its rows read and checked.

Columns ``date,amount,reference[,invoice_number]``. Each row pays the invoice named in its
``invoice_number`` cell or, failing that, the invoice number written in its reference
("BACS INV-2025-000123"). The file is all or nothing: every problem is named by row and
column. Each row gets an import key (a hash of what it says and which occurrence of those
words it is), so the same file imported again pays nothing twice.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from invoices import bounds
from pricing.errors import ActionRefused, Problem

REQUIRED = ("date", "amount", "reference")
COLUMNS = (*REQUIRED, "invoice_number")
_NUMBER = re.compile(r"\b([A-Z]{3}-[0-9]{4}-[0-9]{6,})\b", re.ASCII)
FIRST_ROW = 2  # spreadsheet numbering: the header is row 1
MAX_REFERENCE = 120


@dataclass(frozen=True)
class RemittanceRow:
    row: int
    paid_on: date
    amount: Decimal
    reference: str
    invoice_number: str
    key: str


@dataclass(frozen=True)
class InvoiceState:
    """What the import needs to know of an invoice the file names."""

    kind: str
    outstanding: Decimal
    cancelled: bool  # credited in full: it takes no payments
    issue_date: date


def find_invoice_number(text: str) -> str | None:
    """The first invoice or credit-note number written in a text, upper-cased."""
    match = _NUMBER.search(text.upper())
    return match.group(1) if match else None


def import_key(paid_on: date, amount: Decimal, reference: str, invoice_number: str, occurrence: int) -> str:
    """The row's identity across imports: the same words (and the n-th time they repeat) give the same key."""
    text = "|".join((paid_on.isoformat(), f"{amount:.2f}", reference, invoice_number, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _amount(raw: str, row: int, problems: list[Problem]) -> Decimal | None:
    if not raw:
        problems.append(Problem(row, "amount", "is empty"))
        return None
    try:
        return bounds.amount(raw, f"{raw!r}")  # the one money check every door uses
    except ActionRefused as exc:
        problems.append(Problem(row, "amount", exc.message))
        return None


_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00$")  # a date cell of an XLSX, read as text


def _date(raw: str, row: int, problems: list[Problem]) -> date | None:
    """ISO (2025-05-02) as the exports write, or dd/mm/yyyy as UK bank statements do."""
    text = raw.strip()
    if match := _MIDNIGHT.match(text):
        text = match.group(1)
    try:
        return date.fromisoformat(text) if "-" in text else datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        problems.append(Problem(row, "date", f"{raw!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
                                if raw else "is empty"))
        return None


def read_rows(records: Iterable[Mapping[str, str]]) -> tuple[list[RemittanceRow], list[Problem]]:
    """The file's rows checked on their own (dates, amounts, an invoice number), with their keys."""
    rows, problems, seen = [], [], Counter()
    for row, record in enumerate(records, start=FIRST_ROW):
        cell = {column: str(record.get(column) or "").strip() for column in COLUMNS}
        found = len(problems)
        paid_on = _date(cell["date"], row, problems)
        amount = _amount(cell["amount"], row, problems)
        reference = cell["reference"]
        if len(reference) > MAX_REFERENCE:
            problems.append(Problem(row, "reference", f"is {len(reference)} characters; at most {MAX_REFERENCE}"))
        number = cell["invoice_number"].upper() or find_invoice_number(reference)
        if not number:
            problems.append(Problem(row, "invoice_number", "no invoice number, and none found in the reference"))
        if len(problems) > found:
            continue
        words = (paid_on, amount, reference, number)
        seen[words] += 1
        rows.append(RemittanceRow(row, paid_on, amount, reference, number,
                                  import_key(paid_on, amount, reference, number, seen[words])))
    return rows, problems


def _date_refused(r: RemittanceRow, state: InvoiceState, today: date) -> str | None:
    try:
        bounds.payment_date(r.paid_on, r.invoice_number, state.issue_date, today)  # as a payment by hand
    except ActionRefused as exc:
        return exc.message
    return None


def check_rows(rows: list[RemittanceRow], invoices: Mapping[str, InvoiceState], today: date) -> list[Problem]:
    """Each new row against the invoice it pays: known, an invoice, not cancelled, not overpaid.

    Several rows for one invoice are added up: the row that takes the total past what is
    owed is named.
    """
    problems, taken = [], Counter()
    for r in rows:
        state = invoices.get(r.invoice_number)
        column = "invoice_number"
        if state is None:
            problems.append(Problem(r.row, column, f"no invoice numbered {r.invoice_number}"))
        elif state.kind != "invoice":
            problems.append(Problem(r.row, column, f"{r.invoice_number} is a credit note; it takes no payments"))
        elif state.cancelled:
            problems.append(Problem(r.row, column, f"{r.invoice_number} has been cancelled by credit note"))
        elif (early := _date_refused(r, state, today)) is not None:
            problems.append(Problem(r.row, "date", early))
        else:
            taken[r.invoice_number] += r.amount
            if taken[r.invoice_number] > state.outstanding:
                earlier = taken[r.invoice_number] - r.amount
                problems.append(Problem(r.row, "amount", (
                    f"£{r.amount:,.2f} is more than the £{state.outstanding - earlier:,.2f} still owed on "
                    f"{r.invoice_number}" + (f" after £{earlier:,.2f} in earlier rows of this file"
                                             if earlier else ""))))
    return problems
