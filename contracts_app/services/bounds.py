"""What fits the database, written once: whole numbers typed as text, and an imported row's
values checked against the columns that will hold them (lengths, integer ranges, NUL bytes).

SQLite stores a 5,000-character name in a 200-character column and PostgreSQL refuses it
with a 500; both must refuse it the same way, with the row and the column, before any write.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from sqlalchemy import BigInteger, Integer, SmallInteger, String

from contracts_app.models.types import ScaledDecimal
from pricing.errors import Problem

# The databases' integer column (PostgreSQL's ``integer``): every id and URN is one.
MAX_INT = 2**31 - 1
_INTEGER_LIMITS = ((SmallInteger, 2**15 - 1), (BigInteger, 2**63 - 1), (Integer, MAX_INT))


def too_large_message(limit: int | None) -> str:
    """What a 413 says (page and API): MAX_CONTENT_LENGTH, in MB."""
    size = f"{limit / (1024 * 1024):g} MB" if limit else "the configured limit"
    return f"The file or form sent is too large: an upload may be at most {size}. Send a smaller file."


def ascii_number(text: str) -> int | None:
    """'412' -> 412; None for anything else. ``str.isdigit`` (and ``isdecimal``) pass '²' or
    '١٢', which ``int`` then refuses or reads as another script's digits."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def search_number(q: str) -> int | None:
    """A search term that may be a URN or an id: ASCII digits within the integer columns.

    Larger numbers are searched as text only: PostgreSQL refuses to compare an integer
    column with a value past its range.
    """
    number = ascii_number(q)
    return number if number is not None and number <= MAX_INT else None


@lru_cache(maxsize=None)
def _limits(table) -> dict[str, tuple[str, object]]:
    """column name -> ("text", length or None) | ("int", largest) | ("scaled", (places, largest))."""
    limits: dict[str, tuple[str, object]] = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, ScaledDecimal):
            limits[column.name] = ("scaled", (kind.places, 2**63 - 1))
        elif isinstance(kind, Integer):
            limits[column.name] = ("int", next(top for base, top in _INTEGER_LIMITS if isinstance(kind, base)))
        elif isinstance(kind, String):
            limits[column.name] = ("text", kind.length)
    return limits


def column_problems(model, record: dict, row: int | None, labels: dict[str, str] | None = None) -> list[Problem]:
    """Every value of ``record`` (column name -> value) that ``model``'s table cannot hold, named by
    ``row`` and by the file's column (``labels`` maps column names to the file's headers)."""
    limits = _limits(model.__table__)
    problems = []
    for name, value in record.items():
        if value is None or name not in limits:
            continue
        kind, limit = limits[name]
        reason = _reason(kind, limit, value)
        if reason:
            problems.append(Problem(row, (labels or {}).get(name, name), reason))
    return problems


def _column_fits(kind: str, limit: object, values: list) -> bool:
    """Whether every value of a column fits, in C-speed passes (False: look value by value)."""
    if kind == "text":
        try:
            joined = "".join(values)  # TypeError unless every value is text
        except TypeError:
            return False
        return "\x00" not in joined and (limit is None or max(map(len, values), default=0) <= limit)
    if kind == "int":
        present = [v for v in values if v is not None]
        return all(type(v) is int for v in present) and max(map(abs, present), default=0) <= limit
    return False


def records_problems(model, records: list[dict], rows: list[int], labels: dict[str, str] | None = None) -> list[Problem]:
    """``column_problems`` of every record (``rows`` their row numbers). A column at a time
    first: a national file has no problem, and one pass per column is a tenth of one per value."""
    limits = _limits(model.__table__)
    names = {name for record in records for name in record}
    if all(name not in limits or _column_fits(*limits[name], [r.get(name) for r in records]) for name in names):
        return []
    return [problem for record, row in zip(records, rows) for problem in column_problems(model, record, row, labels)]


def _reason(kind: str, limit: object, value: object) -> str | None:
    if isinstance(value, str):
        if "\x00" in value:
            return "contains a NUL character"
        if kind == "text" and limit is not None and len(value) > limit:
            return f"is {len(value):,} characters long; at most {limit:,} fit"
        return None
    if kind == "int" and isinstance(value, int) and not -limit <= value <= limit:
        return f"{value} is out of range (at most {limit:,})"
    if kind == "scaled" and isinstance(value, Decimal):
        places, largest = limit
        if not value.is_finite() or abs(value.scaleb(places)) > largest:
            return f"{value} is out of range"
    return None
