"""A staff list downloaded as exactly what its filters show, in its chosen order (issue #30): CSV or
XLSX through the one typed writer the finance export uses (pricing.spreadsheet: numbers as numbers,
dates as dates, text never a formula)."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pricing.spreadsheet import Column, csv_bytes, write_xlsx

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Download:
    """The file's bytes, the name to save it as, and its media type."""

    data: bytes
    filename: str
    media_type: str


def download(columns: Sequence[Column], rows: Iterable[Sequence[object]], stem: str, fmt: str,
             today: date | None = None) -> Download:
    """The rows as ``stem-YYYY-MM-DD.csv`` or ``.xlsx`` (the date says when the list was taken)."""
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(MEDIA_TYPES)}")
    rows = list(rows)
    if fmt == "csv":
        data = csv_bytes(columns, rows)
    else:
        out = io.BytesIO()
        write_xlsx(out, columns, rows, stem[:31])
        data = out.getvalue()
    return Download(data, f"{stem}-{(today or date.today()).isoformat()}.{fmt}", MEDIA_TYPES[fmt])
