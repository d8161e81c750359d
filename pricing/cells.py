"""Spreadsheet cells that stay what they are: text that a spreadsheet would run as a formula
is neutralised, as OWASP advises for CSV and XLSX exports (issue #16 item 2).

The one rule every CSV and XLSX writer calls: a school name, a description or a reference
written by someone else must never become a live formula when finance opens the file.
"""
from __future__ import annotations

# A cell starting with one of these is a formula (or the start of one) to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """The text with a leading single quote when a spreadsheet would read it as a formula.

    Only for text: numbers (a negative amount is a number, not a formula) are written as
    numbers and never pass through here.
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_row(values: dict[str, object]) -> dict[str, object]:
    """Every text cell of a row made safe; numbers, dates and empty cells left as they are."""
    return {key: safe_text(value) if isinstance(value, str) else value for key, value in values.items()}
