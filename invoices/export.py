"""The finance export: one row per invoice line, in the exact columns of DESIGN §4."""
from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from openpyxl import Workbook

EXPORT_COLUMNS = (
    "invoice_number", "kind", "school_urn", "school_name", "customer_type", "sla_year", "term",
    "period_start", "period_end", "issue_date", "due_date", "service_code", "description", "quantity",
    "unit_price", "net", "vat_code", "vat_rate", "invoice_net", "invoice_vat", "invoice_gross",
)


@dataclass(frozen=True)
class ExportRow:
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


def _two(value: Decimal) -> str:
    # Plain decimals with 2 places; credit notes are stored negative already.
    return f"{value:.2f}"


def _cell(row: ExportRow) -> dict[str, str]:
    return {
        "invoice_number": row.invoice_number, "kind": row.kind, "school_urn": str(row.school_urn),
        "school_name": row.school_name, "customer_type": row.customer_type, "sla_year": row.sla_year,
        "term": row.term or "", "period_start": row.period_start.isoformat() if row.period_start else "",
        "period_end": row.period_end.isoformat() if row.period_end else "", "issue_date": row.issue_date.isoformat(),
        "due_date": row.due_date.isoformat(), "service_code": row.service_code, "description": row.description,
        "quantity": _two(row.quantity), "unit_price": _two(row.unit_price), "net": _two(row.net),
        "vat_code": row.vat_code, "vat_rate": _two(row.vat_rate),
        "invoice_net": _two(row.invoice_net), "invoice_vat": _two(row.invoice_vat),
        "invoice_gross": _two(row.invoice_gross),
    }


CHUNK = 5000


def export_frame(rows: Iterable[ExportRow]) -> pd.DataFrame:
    """The rows as a table of text cells, in the export's columns."""
    return pd.DataFrame([_cell(r) for r in rows], columns=list(EXPORT_COLUMNS), dtype=str)


def iter_csv(rows: Iterable[ExportRow], chunk: int = CHUNK) -> Iterator[bytes]:
    """The CSV export in chunks (UTF-8, header first), so memory stays flat at any size."""
    yield (",".join(EXPORT_COLUMNS) + "\n").encode("utf-8")
    for batch in _batched(rows, chunk):
        yield export_frame(batch).to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")


def write_xlsx(rows: Iterable[ExportRow], target: str | Path | BinaryIO) -> None:
    """The export as an Excel workbook, written row by row (openpyxl's write-only mode)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("invoice lines")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        cells = _cell(row)
        sheet.append([cells[c] for c in EXPORT_COLUMNS])
    book.save(target)


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
