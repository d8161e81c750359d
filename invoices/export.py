"""The finance export: one row per invoice line, in the columns of DESIGN §4 and then
``po_number`` and ``credits_invoice`` (issue #20), then the trust columns (issue #29): the trust the
invoice is the trust's of, how the trust was billed, and on a consolidated invoice the academy each
line is for (``line_school_urn``: elsewhere the invoice's school). Text cells are made safe from formula
injection (pricing.cells); the XLSX is typed (pricing.spreadsheet), so it sums."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, NamedTuple

import pandas as pd

from pricing.cells import safe_text
from pricing.spreadsheet import Column
from pricing.spreadsheet import write_xlsx as write_typed_xlsx

EXPORT_COLUMNS = (
    "invoice_number", "kind", "school_urn", "school_name", "customer_type", "sla_year", "term",
    "period_start", "period_end", "issue_date", "due_date", "service_code", "description", "quantity",
    "unit_price", "net", "vat_code", "vat_rate", "invoice_net", "invoice_vat", "invoice_gross",
    "po_number", "credits_invoice", "trust_code", "trust_name", "trust_billing", "line_school_urn",
)
_KINDS = {"school_urn": "whole", "period_start": "date", "period_end": "date", "issue_date": "date",
          "due_date": "date", "quantity": "money", "unit_price": "rate", "net": "money", "vat_rate": "rate",
          "invoice_net": "money", "invoice_vat": "money", "invoice_gross": "money", "line_school_urn": "whole"}
XLSX_COLUMNS = tuple(Column(name, _KINDS.get(name, "text")) for name in EXPORT_COLUMNS)


class ExportRow(NamedTuple):
    # A named tuple, not a frozen dataclass: one is built per line, 740,000 in a national
    # export, and the frozen dataclass's __init__ (a setattr per field) cost seconds of it.
    invoice_number: str
    kind: str
    school_urn: int
    school_name: str
    customer_type: str
    sla_year: str
    term: str | None
    period_start: date | None
    period_end: date | None
    issue_date: date
    due_date: date
    service_code: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    vat_code: str
    vat_rate: Decimal
    invoice_net: Decimal
    invoice_vat: Decimal
    invoice_gross: Decimal
    po_number: str = ""
    credits_invoice: str = ""  # for a credit note: the number of the invoice it credits
    trust_code: str = ""  # the trust whose academy the school was on the invoice's date
    trust_name: str = ""
    trust_billing: str = ""  # per_academy | consolidated: the invoice is addressed to the trust
    line_school_urn: int | None = None  # the academy a consolidated invoice's line is for


def _two(value: Decimal) -> str:
    # Plain decimals with 2 places; credit notes are stored negative already.
    return f"{value:.2f}"


def _cell(row: ExportRow) -> dict[str, str]:
    t = safe_text  # every text cell: a description or school name must never run as a formula
    return {
        "invoice_number": t(row.invoice_number), "kind": row.kind, "school_urn": str(row.school_urn),
        "school_name": t(row.school_name), "customer_type": t(row.customer_type), "sla_year": row.sla_year,
        "term": row.term or "", "period_start": row.period_start.isoformat() if row.period_start else "",
        "period_end": row.period_end.isoformat() if row.period_end else "", "issue_date": row.issue_date.isoformat(),
        "due_date": row.due_date.isoformat(), "service_code": t(row.service_code), "description": t(row.description),
        "quantity": _two(row.quantity), "unit_price": _two(row.unit_price), "net": _two(row.net),
        "vat_code": t(row.vat_code), "vat_rate": _two(row.vat_rate),
        "invoice_net": _two(row.invoice_net), "invoice_vat": _two(row.invoice_vat),
        "invoice_gross": _two(row.invoice_gross), "po_number": t(row.po_number),
        "credits_invoice": t(row.credits_invoice), "trust_code": t(row.trust_code), "trust_name": t(row.trust_name),
        "trust_billing": row.trust_billing,
        "line_school_urn": str(row.line_school_urn if row.line_school_urn is not None else row.school_urn),
    }


def _typed(row: ExportRow) -> tuple[object, ...]:
    """The row's values as they are (numbers, dates, text) for the typed XLSX."""
    return (row.invoice_number, row.kind, row.school_urn, row.school_name, row.customer_type, row.sla_year,
            row.term, row.period_start, row.period_end, row.issue_date, row.due_date, row.service_code,
            row.description, row.quantity, row.unit_price, row.net, row.vat_code, row.vat_rate, row.invoice_net,
            row.invoice_vat, row.invoice_gross, row.po_number, row.credits_invoice, row.trust_code, row.trust_name,
            row.trust_billing, row.line_school_urn if row.line_school_urn is not None else row.school_urn)


CHUNK = 5000


def export_frame(rows: Iterable[ExportRow]) -> pd.DataFrame:
    """The rows as a table of text cells, in the export's columns."""
    return pd.DataFrame([_cell(r) for r in rows], columns=list(EXPORT_COLUMNS), dtype=str)


def iter_csv(rows: Iterable[ExportRow], chunk: int = CHUNK) -> Iterator[bytes]:
    """The CSV export in chunks (UTF-8, header first), so memory stays flat at any size."""
    yield (",".join(EXPORT_COLUMNS) + "\n").encode("utf-8")
    # The csv module itself (pandas' to_csv writes through it too, byte for byte the same):
    # building a DataFrame per chunk was a third of a national export.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    in_order = itemgetter(*EXPORT_COLUMNS)
    for batch in _batched(rows, chunk):
        writer.writerows(in_order(_cell(r)) for r in batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def write_xlsx(rows: Iterable[ExportRow], target: str | Path | BinaryIO) -> None:
    """The export as a typed Excel workbook (amounts are numbers, dates are dates), row by row."""
    write_typed_xlsx(target, XLSX_COLUMNS, (_typed(r) for r in rows), "invoice lines")


def export_bytes(rows: Iterable[ExportRow], fmt: str) -> bytes:
    """CSV (UTF-8) or XLSX bytes of the export (for small exports and tests)."""
    if fmt == "csv":
        return b"".join(iter_csv(rows))
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(rows, buffer)
        return buffer.getvalue()
    raise ValueError(f"the format must be csv or xlsx, not {fmt!r}")


def _batched(rows: Iterable[ExportRow], size: int) -> Iterator[list[ExportRow]]:
    batch: list[ExportRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
