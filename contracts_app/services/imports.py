"""The shared import machinery: an uploaded file run through an all-or-nothing import, and
the customer's CSV (and XLSX) files read with pandas (encodings, headers, row numbers)."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import pandas as pd
from sqlalchemy import text as sa_text
from werkzeug.datastructures import FileStorage

from contracts_app.extensions import db
from contracts_app.services.bounds import MAX_INT, ascii_number
from pricing import text as text_rules
from pricing.errors import ImportRefused, Problem
from pricing.text import control_problem, one_line_problem, printable
from pricing.workbook import MAX_ROWS, MAX_UNCOMPRESSED, WorkbookRefused, read_rows

Report = TypeVar("Report")
Value = TypeVar("Value")

# Spreadsheet numbering: the header is row 1, so the first data row is row 2.
FIRST_DATA_ROW = 2
# Values per IN (...) look-up: one bound parameter per row would pass the databases' limits
# (PostgreSQL's 65,535; SQLite's 250,000) on a long file and answer 500.
LOOKUP_CHUNK = 500
# No file is read past this, CSV or XLSX (an XLSX's uncompressed size is bounded the same).
MAX_FILE_BYTES = MAX_UNCOMPRESSED


def import_upload(upload: FileStorage, importer: Callable[[bytes, str], Report],
                  default_name: str = "upload") -> tuple[Report | None, ImportRefused | None]:
    """Run an all-or-nothing import on an uploaded file, as every upload page does.

    Returns the importer's report, or the refusal (with every problem named by row and
    column) after rolling back, so that nothing the import began is left in the session.
    """
    try:
        return importer(upload.read(), upload_name(upload, default_name)), None
    except ImportRefused as exc:
        db.session.rollback()
        return None, exc


def upload_name(upload: FileStorage, default_name: str = "upload") -> str:
    """The file name an upload gives, as messages may quote it (a browser may send anything)."""
    return printable(upload.filename or default_name, 120)


def decode(raw: bytes, source: str) -> str:
    """The file's text by its byte order mark, else UTF-8, else Windows-1252 (``pricing.text.decode``)."""
    try:
        return text_rules.decode(raw)
    except text_rules.EncodingRefused as exc:
        raise ImportRefused(Problem(None, None, str(exc)), source) from None


def _raw(data: bytes | str | Path, source: str) -> bytes:
    """The file's bytes: no more than MAX_FILE_BYTES (a command may name any file)."""
    if not isinstance(data, (str, Path)):
        raw = data
    else:
        path = Path(data)
        if not path.is_file():
            raise ImportRefused(Problem(None, None, f"no such file: {printable(str(path))}"), source)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportRefused(Problem(None, None, _too_big(path.stat().st_size)), source)
        raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise ImportRefused(Problem(None, None, _too_big(len(raw))), source)
    return raw


def _too_big(size: int) -> str:
    return f"the file is {size / 2**20:,.1f} MB; at most {MAX_FILE_BYTES / 2**20:,.0f} MB is read. Split it"


def read_table(data: bytes | str | Path, source: str, *, excel: bool | None = None,
               max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Read a CSV or XLSX file as text cells (no type guessing: '0123' stays '0123'), within bounds:
    at most ``max_rows`` rows and MAX_FILE_BYTES, text in an encoding we read, no control characters
    (line breaks and tabs inside a cell are kept: a description may have several lines)."""
    raw = _raw(data, source)
    if not raw.strip():
        raise ImportRefused(Problem(None, None, "the file is empty"), source)
    if excel is None:
        excel = raw[:4] == b"PK\x03\x04"  # XLSX files are ZIP archives, whatever their name says
    try:
        frame = _read_excel(raw, max_rows) if excel else _read_csv(decode(raw, source), source, max_rows)
    except ImportRefused:
        raise
    except WorkbookRefused as exc:
        raise ImportRefused(Problem(None, None, str(exc)), source) from None
    except pd.errors.ParserError as exc:
        raise ImportRefused(Problem(None, None, f"not a well-formed CSV file ({printable(str(exc))})"),
                            source) from exc
    except Exception as exc:  # pandas raises many types for a file that is not a table
        raise ImportRefused(Problem(None, None, f"cannot read the file as a table ({printable(str(exc))})"),
                            source) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    _refuse_control_characters(frame, source)
    return frame


def _read_excel(raw: bytes, max_rows: int) -> pd.DataFrame:
    header, rows = read_rows(raw, max_rows)
    if not header:
        raise WorkbookRefused("the file is empty")
    return pd.DataFrame(rows, columns=_column_names(header), dtype=str)


def _column_names(header: list[str]) -> list[str]:
    """As pandas names a sheet's columns: 'Unnamed: 3' for an empty cell, 'x.1' for a second 'x'."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = cell.strip() or f"Unnamed: {position}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        names.append(name)
    return names


def _read_csv(text: str, source: str, max_rows: int) -> pd.DataFrame:
    delimiter = _delimiter(text)
    _refuse_long_rows(text, delimiter, source, max_rows)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True,
                       sep=delimiter, index_col=False)


def _refuse_control_characters(frame: pd.DataFrame, source: str) -> None:
    """A NUL or other control character is never data: PostgreSQL refuses NUL in any text column
    (a 500 mid-import) and SQLite would store it; every import refuses it here, by row and column.
    One look at all the cells first (a tenth of a national import), then cell by cell to name them."""
    header = [Problem(1, printable(c), f"the column name {reason}") for c in frame.columns
              if (reason := control_problem(c))]
    if not header and not any(control_problem("".join(frame.iloc[:, i].tolist()))
                              for i in range(frame.shape[1])):
        return
    problems = header + [Problem(index + FIRST_DATA_ROW, printable(column), reason)
                         for position, column in enumerate(frame.columns)  # by position: two headers may match
                         for index, value in zip(frame.index, frame.iloc[:, position].tolist())
                         if (reason := control_problem(str(value)))]
    raise ImportRefused(problems, source)


def _refuse_long_rows(text: str, delimiter: str, source: str, max_rows: int) -> None:
    """A row with more cells than the header would shift pandas' columns; name it instead. More
    than ``max_rows`` rows is refused before pandas reads any."""
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(rows, [])
    problems = []
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        if number > max_rows + 1:
            raise ImportRefused(Problem(None, None, f"the file has more than {max_rows:,} rows; at most "
                                                    f"{max_rows:,} are read. Split the file"), source)
        if len(row) > len(header):
            problems.append(Problem(number, None, f"{len(row)} cells but the header has {len(header)} columns"))
    if problems:
        raise ImportRefused(problems, source)


def _delimiter(text: str) -> str:
    """Commas usually; a spreadsheet saved with semicolons or tabs is accepted too."""
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def analyze_after_bulk_insert(table) -> None:
    """PostgreSQL: refresh the table's statistics after a bulk insert. Plans psycopg prepared while
    the table was empty would go on scanning it whole for each chunk's IN (...) look-up (1-2 s a
    chunk at 80,000 rows); ANALYZE gives the planner the real size and drops those plans."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa_text(f"ANALYZE {table.name}"))


def chunked(values: Iterable[Value], size: int = LOOKUP_CHUNK) -> Iterator[list[Value]]:
    """``values`` (in their order, each once) in lists of at most ``size``: one IN (...) look-up each."""
    ordered = list(dict.fromkeys(values))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def cells(frame: pd.DataFrame, column: str) -> list[str]:
    """A column's cells as stripped strings ('' where absent)."""
    if column not in frame.columns:
        return [""] * len(frame)
    return [str(v).strip() for v in frame[column].tolist()]


def one_line_problems(columns: dict[str, list[str]]) -> list[Problem]:
    """Every cell of these columns (names, references: one line each) holding a line break, by row and
    column. One look at each whole column first: a national file has none."""
    return [Problem(index + FIRST_DATA_ROW, column, reason)
            for column, values in columns.items() if one_line_problem("".join(values))
            for index, value in enumerate(values) if (reason := one_line_problem(value))]


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
