"""Pro rata by calendar month (DESIGN §1 "Invoice schedule").

A whole calendar month counts as 1; a part month counts as the days covered over
the days in that month. So 15 Nov 2025 - 31 Mar 2026 is 16/30 + 4 months.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from dateutil.relativedelta import relativedelta

__all__ = ["months_between", "overlap"]

_ONE_DAY = timedelta(days=1)


def overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> tuple[date, date] | None:
    """Return the inclusive date range shared by two inclusive ranges, or ``None``."""
    start = max(a_start, b_start)
    end = min(a_end, b_end)
    if end < start:
        return None
    return start, end


@lru_cache(maxsize=65536)
def months_between(start: date, end: date) -> Fraction:
    """Count the calendar months in the inclusive range ``start``..``end``.

    DESIGN §1 "Invoice schedule" (SLA §2.7): pro rata is by calendar month, a
    part month by its days. Whole months count 1; a part month counts
    days covered / days in that month. An empty range (``end < start``) is 0.
    """
    if end < start:
        return Fraction(0)
    total = Fraction(0)
    month_start = start.replace(day=1)
    while month_start <= end:
        next_month = month_start + relativedelta(months=1)
        month_end = next_month - _ONE_DAY
        covered_from = max(start, month_start)
        covered_to = min(end, month_end)
        days_covered = (covered_to - covered_from).days + 1
        days_in_month = (next_month - month_start).days
        total += Fraction(days_covered, days_in_month)
        month_start = next_month
    return total
