"""An uploaded XLSX read within bounds (issue #27): its first sheet as rows of text.

An XLSX is a ZIP of XML. A 0.6 MB file can hold 600 MB of spaces, and a sheet can claim
a million rows; parsed whole, either takes minutes and gigabytes. So, before any XML is
parsed: the members' uncompressed sizes (from the ZIP's directory; reading never goes past
a member's stated size) and the sheet's stated dimension are checked; then the rows are
read one at a time and the reading stops at the limit, whatever the dimension said.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

MAX_ROWS = 100_000  # data rows, the header not counted
MAX_UNCOMPRESSED = 50 * 1024 * 1024


class WorkbookRefused(ValueError):
    """A workbook refused before or while reading; the message names the limit or the fault."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def check_archive(raw: bytes, max_uncompressed: int = MAX_UNCOMPRESSED) -> None:
    """Refuse a file that is not a ZIP, or whose members hold more than ``max_uncompressed`` bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookRefused(f"not a readable XLSX workbook ({exc})") from None
    if total > max_uncompressed:
        raise WorkbookRefused(f"the workbook holds {_mb(total)} uncompressed; at most {_mb(max_uncompressed)} is "
                              "read. Split it, or save it as CSV")


def _stated_rows(sheet) -> int | None:
    """The rows the sheet's <dimension> says it has (None when it says nothing usable)."""
    try:
        dimension = sheet.calculate_dimension()
        _, min_row, _, max_row = range_boundaries(dimension)
    except (ValueError, TypeError):
        return None
    return None if max_row is None else max_row - (min_row or 1) + 1


def cell_text(value: object) -> str:
    """A cell as the text a CSV would hold: 412.0 -> '412', a date -> '2026-03-12 00:00:00'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return str(value)
    return str(value)


def _rows(sheet, max_rows: int) -> Iterator[list[str]]:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > max_rows + 1:
            raise WorkbookRefused(f"the sheet has more than {max_rows:,} rows; at most {max_rows:,} are read. "
                                  "Split the file")
        yield [cell_text(v) for v in values]


def read_rows(raw: bytes, max_rows: int = MAX_ROWS,
              max_uncompressed: int = MAX_UNCOMPRESSED) -> tuple[list[str], list[list[str]]]:
    """(header, data rows) of the first sheet, every cell as text; trailing empty rows and cells dropped."""
    check_archive(raw, max_uncompressed)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
    except WorkbookRefused:
        raise
    except Exception as exc:  # openpyxl raises many types for a ZIP that is not a workbook
        raise WorkbookRefused(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    try:
        if not book.worksheets:
            raise WorkbookRefused("the workbook has no sheet")
        sheet = book.worksheets[0]
        stated = _stated_rows(sheet)
        if stated is not None and stated > max_rows + 1:
            raise WorkbookRefused(f"the sheet says it has {stated:,} rows; at most {max_rows:,} are read. "
                                  "Split the file")
        rows = list(_rows(sheet, max_rows))
    except WorkbookRefused:
        raise
    except Exception as exc:  # a damaged sheet's XML
        raise WorkbookRefused(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return [], []
    width = max(len(_trimmed(r)) for r in rows)
    rows = [(r + [""] * width)[:width] for r in rows]
    return rows[0], rows[1:]


def _trimmed(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    return row[:end]
