"""The one XLSX writer (issue #20): typed cells a spreadsheet can sum and sort; and its CSV twin.

Money and other amounts are numbers with two decimals (rates such as £3.565 a pupil keep
up to four), whole numbers are numbers, dates are
dates (dd/mm/yyyy), text is text (never a formula: see ``pricing.cells``). The header row is
frozen and filtered, and the columns are wide enough to read. Rows are written as they come
(openpyxl's write-only mode), so a national export keeps memory flat.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pricing.cells import safe_text

MONEY_FORMAT = "0.00"
DATE_FORMAT = "DD/MM/YYYY"
WHOLE_FORMAT = "0"
RATE_FORMAT = "0.00##"
KINDS = ("text", "money", "rate", "whole", "date")
_NUMBER_FORMATS = {"money": MONEY_FORMAT, "rate": RATE_FORMAT, "whole": WHOLE_FORMAT}
_DEFAULT_WIDTH = {"money": 14, "rate": 10, "whole": 10, "date": 12}
_SAMPLE = 200  # rows looked at to size the text columns
_MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """A column: its header and what its cells hold (text, money, rate, whole or date)."""

    name: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a column holds one of {', '.join(KINDS)}, not {self.kind!r}")


class _Cells:
    """One styled cell per column, reused row after row: write-only sheets write each row as it is
    appended, and styling a new cell for every value costs more than the rest of the export."""

    def __init__(self, sheet: object, columns: Sequence[Column]) -> None:
        self.kinds = [column.kind for column in columns]
        self.typed = [self._styled(sheet, column.kind) for column in columns]
        self.text = [WriteOnlyCell(sheet) for _ in columns]

    @staticmethod
    def _styled(sheet: object, kind: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet)
        if kind in _NUMBER_FORMATS:
            cell.number_format = _NUMBER_FORMATS[kind]
        elif kind == "date":
            cell.number_format = DATE_FORMAT
        return cell

    def row(self, values: Sequence[object]) -> list[WriteOnlyCell | None]:
        return [self._cell(i, value) for i, value in enumerate(values[:len(self.kinds)])]

    def _cell(self, i: int, value: object) -> WriteOnlyCell | None:
        if value is None or value == "":
            return None
        kind = self.kinds[i]
        if kind in _NUMBER_FORMATS and isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            cell = self.typed[i]
            cell.value = value
            return cell
        if kind == "date" and isinstance(value, date):
            cell = self.typed[i]
            # a datetime is shown as its day: the exports' dates are days
            cell.value = value.date() if isinstance(value, datetime) else value
            return cell
        cell = self.text[i]
        cell.value = safe_text(str(value))
        cell.data_type = "s"  # text from data is never a formula, whatever it starts with
        return cell


def _width(column: Column, sample: list[Sequence[object]], index: int) -> float:
    if column.kind != "text":
        return max(_DEFAULT_WIDTH[column.kind], len(column.name) + 2)
    longest = max((len(str(row[index])) for row in sample if row[index] is not None), default=0)
    return min(max(longest, len(column.name)) + 2, _MAX_WIDTH)


def write_xlsx(target: str | Path | BinaryIO, columns: Sequence[Column], rows: Iterable[Sequence[object]],
               sheet_title: str = "Sheet1") -> int:
    """Write the rows (each a sequence in the columns' order) as one typed sheet; returns the row count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    iterator = iter(rows)
    sample = list(islice(iterator, _SAMPLE))
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = _width(column, sample, index)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = bold
        cell.data_type = "s"
        header.append(cell)
    sheet.append(header)
    count, cells = 0, _Cells(sheet, columns)
    for row in chain(sample, iterator):
        sheet.append(cells.row(row))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    book.save(target)
    return count


def _csv_value(column: Column, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.4f}" if column.kind == "rate" else f"{value:.2f}"
    if isinstance(value, datetime) and column.kind == "date":
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value)) if isinstance(value, str) else str(value)


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> bytes:
    """The same rows as UTF-8 CSV: amounts with two decimals, ISO dates, text made formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    writer.writerows([_csv_value(column, value) for column, value in zip(columns, row)] for row in rows)
    return out.getvalue().encode("utf-8")


# -- a list's export (issue #30): what a staff list shows, in its order, as a file to save ---------

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
