"""Splitting a line's annual price across a term's invoices (DESIGN §1, SLA §2.7).

The rounding rule: the annual price is already whole pence; the line is charged
for its months inside the term, rounded half-up once; every invoice but the last
the line appears on is rounded half-up; the last takes the remainder, so the
invoices always add up to the line's total (the annual price for a full term).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from invoices.money import require_pennies, round_half_up
from invoices.proration import months_between, overlap
from invoices.schedule import BillingPeriod

__all__ = ["AllocationError", "exact_share", "prorated_amount", "line_total", "allocate_line"]

_MONTHS_IN_YEAR = 12
_ONE_DAY = timedelta(days=1)


class AllocationError(ValueError):
    """A line or set of periods the rounding rule cannot be applied to."""


def _checked_annual(annual: Decimal) -> Fraction:
    try:
        require_pennies(annual, "annual price")
    except (TypeError, ValueError) as exc:
        raise AllocationError(str(exc)) from exc
    return Fraction(annual)


def _checked_line(line_start: date, line_end: date) -> None:
    if line_end < line_start:
        raise AllocationError(f"line ends ({line_end}) before it starts ({line_start})")


def exact_share(annual: Decimal, line_start: date, line_end: date, start: date, end: date) -> Fraction:
    """The unrounded charge for a line over ``start``..``end``: annual x months / 12.

    DESIGN §1 "Invoice schedule": pro rata by calendar month, a part month by its days.
    """
    exact_annual = _checked_annual(annual)
    _checked_line(line_start, line_end)
    shared = overlap(line_start, line_end, start, end)
    if shared is None:
        return Fraction(0)
    return exact_annual * months_between(*shared) / _MONTHS_IN_YEAR


def prorated_amount(annual: Decimal, line_start: date, line_end: date, period: BillingPeriod) -> Decimal:
    """A line's charge for one period on its own, rounded half-up to the penny.

    DESIGN §1 "Invoice schedule". This is what a period is charged when it is not
    the last of the term; use ``allocate_line`` to split a line over a whole term.
    """
    return round_half_up(exact_share(annual, line_start, line_end, period.start, period.end))


def line_total(annual: Decimal, line_start: date, line_end: date, term_start: date, term_end: date) -> Decimal:
    """A line's charge for the whole term: round_half_up(annual x months in term / 12).

    DESIGN §1 "Invoice schedule" (SLA §2.7): a line starting 15 Nov is charged
    (16/30 + 4)/12 of its annual price; a line covering the term, the annual price.
    """
    return round_half_up(exact_share(annual, line_start, line_end, term_start, term_end))


def _check_periods(periods: Sequence[BillingPeriod]) -> None:
    if not periods:
        raise AllocationError("no billing periods to allocate the line to")
    for period in periods:
        if period.end < period.start:
            raise AllocationError(f"billing period {period} ends before it starts")
    for earlier, later in zip(periods, periods[1:]):
        # A gap would charge days no invoice covers; an overlap would charge twice.
        if later.start != earlier.end + _ONE_DAY:
            raise AllocationError(
                f"billing periods must be in order and contiguous: {earlier.end} is not followed by {later.start}"
            )


def _pence(annual: Decimal) -> int:
    try:
        require_pennies(annual, "annual price")
    except (TypeError, ValueError) as exc:
        raise AllocationError(str(exc)) from exc
    return int(annual * 100)


def _share_pence(pence: int, months: Fraction) -> int:
    """round_half_up(pence x months / 12) in whole pence, in integers (halves away from zero)."""
    numerator, denominator = pence * months.numerator, _MONTHS_IN_YEAR * months.denominator
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def allocate_line(
    annual: Decimal, line_start: date, line_end: date, periods: Sequence[BillingPeriod]
) -> list[Decimal]:
    """Split one line's charge over a term's billing periods, one amount per period.

    DESIGN §1 "Invoice schedule" (SLA §2.7): the line is charged
    total = round_half_up(annual x months(line within term) / 12), the term being
    the first period's start to the last period's end. Each period's exact share is
    annual x months(line within period) / 12; every period but the last the line
    overlaps is rounded half-up and that last one takes total minus the others, so
    the amounts add up to the total exactly (for a full term, the annual price).
    Periods the line does not overlap get 0.00.

    ``annual`` must be a Decimal with at most two places (the caller rounds the
    annual price first); ``periods`` must be in order and contiguous. The sums are
    done in whole pence with integers: exact, and fast enough for a national run.
    """
    _check_periods(periods)
    _checked_line(line_start, line_end)
    pence = _pence(annual)
    in_term = overlap(line_start, line_end, periods[0].start, periods[-1].end)
    total = _share_pence(pence, months_between(*in_term)) if in_term else 0
    shares = [overlap(line_start, line_end, p.start, p.end) for p in periods]
    overlapping = [i for i, shared in enumerate(shares) if shared is not None]
    amounts = [0] * len(periods)
    if overlapping:
        # The remainder goes to the last period the line is on, never to one it is not on.
        for i in overlapping[:-1]:
            amounts[i] = _share_pence(pence, months_between(*shares[i]))
        amounts[overlapping[-1]] = total - sum(amounts)
    return [Decimal(amount).scaleb(-2) for amount in amounts]
