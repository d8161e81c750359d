"""Invoice and credit note numbers (DESIGN §1 "Invoices").

Numbers are gapless per (kind, year): the database assigns ``seq`` when a
document is issued; this module only formats and parses, e.g. ``INV-2025-000001``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["PREFIXES", "KINDS", "NumberError", "format_number", "parse_number"]

PREFIXES: Mapping[str, str] = MappingProxyType({"invoice": "INV", "credit_note": "CRN"})
KINDS = tuple(PREFIXES)

_KIND_BY_PREFIX = {prefix: kind for kind, prefix in PREFIXES.items()}
_SEQ_DIGITS = 6
_PATTERN = re.compile(r"([A-Z]{3})-([0-9]{4})-([0-9]{6,})", re.ASCII)


class NumberError(ValueError):
    """A document number, kind, year or sequence that is not valid."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def format_number(kind: str, year: int, seq: int) -> str:
    """Format a document number: ("invoice", 2025, 1) -> ``INV-2025-000001``.

    DESIGN §1 "Invoices": invoices ``INV-…``, credit notes ``CRN-…``. ``seq``
    starts at 1 and is zero-padded to six digits (more digits if it outgrows them).
    """
    if kind not in PREFIXES:
        raise NumberError(f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not _is_int(year) or not 1000 <= year <= 9999:
        raise NumberError(f"year must be a four-digit int, got {year!r}")
    if not _is_int(seq) or seq < 1:
        raise NumberError(f"sequence must be an int of 1 or more, got {seq!r}")
    return f"{PREFIXES[kind]}-{year}-{seq:0{_SEQ_DIGITS}d}"


def parse_number(number: str) -> tuple[str, int, int]:
    """Parse ``INV-2025-000001`` into ``("invoice", 2025, 1)``.

    Only the exact form ``format_number`` produces is accepted, so each document
    has one spelling (``INV-2025-0000001`` or ``inv-2025-000001`` are refused).
    """
    if not isinstance(number, str):
        raise NumberError(f"document number must be a string, got {type(number).__name__}")
    match = _PATTERN.fullmatch(number)
    if match is None or match.group(1) not in _KIND_BY_PREFIX:
        raise NumberError(f"not a document number: {number!r} (expected e.g. INV-2025-000001)")
    kind = _KIND_BY_PREFIX[match.group(1)]
    year, seq = int(match.group(2)), int(match.group(3))
    try:
        canonical = format_number(kind, year, seq)
    except NumberError as exc:
        raise NumberError(f"not a document number: {number!r} ({exc})") from exc
    if canonical != number:
        raise NumberError(f"not a document number: {number!r} (did you mean {canonical}?)")
    return kind, year, seq
