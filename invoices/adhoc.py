"""Ad hoc work charged "per hour or part thereof" (SLA §2.6, DESIGN §1 "Ad hoc work")."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from invoices.money import round_half_up

__all__ = ["TimeEntryRefused", "charged_hours", "adhoc_charge"]

_MINUTES_PER_HOUR = 60


class TimeEntryRefused(ValueError):
    """A time-log entry that cannot be charged (not a positive whole number of minutes)."""


def charged_hours(minutes: Iterable[int]) -> int:
    """Whole hours to charge for one request's time entries.

    SLA §2.6: work is charged "per hour or part thereof", so the total minutes
    booked to one request are rounded up to whole hours (70 -> 2, 60 -> 1,
    30 + 45 -> 2, no entries -> 0). Entries are summed first, not rounded one by
    one. Zero, negative or non-integer entries raise ``TimeEntryRefused``.
    """
    total = 0
    for entry in minutes:
        if isinstance(entry, bool) or not isinstance(entry, int):
            raise TimeEntryRefused(f"minutes must be whole numbers, got {entry!r}")
        if entry <= 0:
            raise TimeEntryRefused(f"minutes must be more than zero, got {entry}")
        total += entry
    return -(-total // _MINUTES_PER_HOUR)  # ceiling division in integers


def adhoc_charge(minutes: Iterable[int], hourly_rate: Decimal) -> tuple[int, Decimal]:
    """Charged hours and the net charge, rounded half-up to the penny (SLA §2.6).

    ``hourly_rate`` is the SLA year's published ad hoc rate for the school's
    customer type, a non-negative Decimal.
    """
    if isinstance(hourly_rate, bool) or not isinstance(hourly_rate, Decimal):
        raise TypeError(f"hourly rate must be a Decimal, got {type(hourly_rate).__name__}")
    if not hourly_rate.is_finite() or hourly_rate < 0:
        raise ValueError(f"hourly rate must be a finite, non-negative amount, got {hourly_rate}")
    hours = charged_hours(minutes)
    return hours, round_half_up(Fraction(hourly_rate) * hours)
