"""The shared import machinery: an uploaded file run through an all-or-nothing import, and
the customer's CSV (and XLSX) files read with pandas (encodings, headers, row numbers)."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
from werkzeug.datastructures import FileStorage

from contracts_app.extensions import db
from contracts_app.services.bounds import MAX_INT, ascii_number
from pricing.errors import ImportRefused, Problem

Report = TypeVar("Report")

# Spreadsheet numbering: the header is row 1, so the first data row is row 2.
FIRST_DATA_ROW = 2


def import_upload(upload: FileStorage, importer: Callable[[bytes, str], Report],
                  default_name: str = "upload") -> tuple[Report | None, ImportRefused | None]:
    """Run an all-or-nothing import on an uploaded file, as every upload page does.

    Returns the importer's report, or the refusal (with every problem named by row and
    column) after rolling back, so that nothing the import began is left in the session.
    """
    try:
        return importer(upload.read(), upload.filename or default_name), None
    except ImportRefused as exc:
        db.session.rollback()
        return None, exc


def decode(raw: bytes, source: str) -> str:
    """UTF-8 (with or without BOM) or, as real GIAS extracts are, Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(Problem(None, None, "the file is neither UTF-8 nor Windows-1252 text"), source)


def read_table(data: bytes | str | Path, source: str, *, excel: bool | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file as text cells (no type guessing: '0123' stays '0123')."""
    if isinstance(data, (str, Path)):
        path = Path(data)
        if not path.exists():
            raise ImportRefused(Problem(None, None, f"no such file: {path}"), source)
        if excel is None:
            excel = path.suffix.lower() in (".xlsx", ".xlsm")
        raw = path.read_bytes()
    else:
        raw = data
        if excel is None:
            excel = raw[:2] == b"PK"  # XLSX files are ZIP archives
    if not raw.strip():
        raise ImportRefused(Problem(None, None, "the file is empty"), source)
    text = None
    try:
        if excel:
            frame = pd.read_excel(io.BytesIO(raw), dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            text = decode(raw, source)
            delimiter = _delimiter(text)
            _refuse_long_rows(text, delimiter, source)
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False,
                skipinitialspace=True, sep=delimiter, index_col=False,
            )
    except ImportRefused:
        raise
    except pd.errors.ParserError as exc:
        raise ImportRefused(Problem(None, None, f"not a well-formed CSV file ({exc})"), source) from exc
    except Exception as exc:  # pandas/openpyxl raise many types for a file that is not a table
        raise ImportRefused(Problem(None, None, f"cannot read the file as a table ({exc})"), source) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    if text is None or "\x00" in text:  # one look at the whole text first (a tenth of a national import)
        _refuse_nul_bytes(frame, source)
    return frame


def _refuse_nul_bytes(frame: pd.DataFrame, source: str) -> None:
    """A NUL character is never data: PostgreSQL refuses it in any text column (a 500 mid-import)
    and SQLite would store it; every import refuses it here, by row and column."""
    problems = [Problem(index + FIRST_DATA_ROW, column, "contains a NUL character")
                for position, column in enumerate(frame.columns)  # by position: two headers may match
                for index in frame.index[frame.iloc[:, position].astype(str).str.contains("\x00", regex=False)]]
    if problems:
        raise ImportRefused(problems, source)


def _refuse_long_rows(text: str, delimiter: str, source: str) -> None:
    """A row with more cells than the header would shift pandas' columns; name it instead."""
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(rows, [])
    problems = [Problem(number, None, f"{len(row)} cells but the header has {len(header)} columns")
                for number, row in enumerate(rows, start=FIRST_DATA_ROW) if len(row) > len(header)]
    if problems:
        raise ImportRefused(problems, source)


def _delimiter(text: str) -> str:
    """Commas usually; a spreadsheet saved with semicolons or tabs is accepted too."""
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def cells(frame: pd.DataFrame, column: str) -> list[str]:
    """A column's cells as stripped strings ('' where absent)."""
    if column not in frame.columns:
        return [""] * len(frame)
    return [str(v).strip() for v in frame[column].tolist()]


def require_columns(frame: pd.DataFrame, required: tuple[str, ...], source: str, what: str) -> None:
    """Refuse a file lacking any required column, naming each one missing on the header row."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(frame.columns[:8]) + ("..." if len(frame.columns) > 8 else "")
        raise ImportRefused(
            [Problem(1, column, f"missing column: this is not {what} (found: {found})") for column in missing],
            source,
        )


def parse_whole_number(value: str, row: int, column: str, problems: list[Problem], *,
                       required: bool = True, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """Parse '412' (or '412.0' as spreadsheets write it) in ASCII digits, no larger than the
    database's integer columns hold; record a problem otherwise."""
    text = value.replace(",", "").strip()
    if not text:
        if required:
            problems.append(Problem(row, column, "is empty"))
        return None
    if text.endswith(".0"):
        text = text[:-2]
    magnitude = ascii_number(text[1:] if text.startswith("-") else text)
    if magnitude is None:
        problems.append(Problem(row, column, f"{value!r} is not a whole number"))
        return None
    number = -magnitude if text.startswith("-") else magnitude
    if number < minimum:
        problems.append(Problem(row, column, f"{number} is less than {minimum}"))
        return None
    if number > maximum:
        problems.append(Problem(row, column, f"{number} is more than {maximum:,}"))
        return None
    return number
