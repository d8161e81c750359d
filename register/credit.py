"""What a predecessor's invoices give back when its agreement ends early (§2.7, §2.5 d).

The months after the end are credited by the same pro-rata rule that billed them
(invoices.allocation.allocate_line over invoices.schedule.billing_periods, §2.7): what a line
still owes is what its invoices would have charged had the term ended on the end date; the
credit is the rest of what was invoiced. Plain Python: no Flask, no SQLAlchemy.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from decimal import Decimal

from invoices.allocation import allocate_line
from invoices.money import ZERO
from invoices.schedule import billing_periods


@dataclass(frozen=True)
class InvoicedLine:
    """A scheduled invoice line as it was billed: the agreement line's issued annual price and
    start, the agreement's term and customer type, the period's term, and the line's net."""

    annual: Decimal
    line_start: date | None
    customer_type: str
    term_start: date
    term_end: date
    term: str
    net: Decimal


def still_owed(line: InvoicedLine, end: date) -> Decimal:
    """§2.7: what the line's invoice for its term charges when the agreement ends on ``end``:
    the line's share of the shortened term by ``allocate_line``, the rule every invoice run uses."""
    return _still_owed(line.annual, line.line_start, line.customer_type, line.term_start, line.term_end,
                       line.term, end)


@lru_cache(maxsize=65536)
def _still_owed(annual: Decimal, line_start: date | None, customer_type: str, term_start: date, term_end: date,
                term: str, end: date) -> Decimal:
    # Keyed by plain values: flat prices and term dates repeat across a register's changes.
    line = InvoicedLine(annual, line_start, customer_type, term_start, term_end, term, ZERO)
    start = max(line.line_start or line.term_start, line.term_start)
    if end < start:
        return ZERO
    last = min(end, line.term_end)
    periods = billing_periods(line.customer_type, line.term_start, last)
    amounts = allocate_line(line.annual, start, last, periods)
    return next((amount for period, amount in zip(periods, amounts) if period.term == line.term), ZERO)


def credit_for(line: InvoicedLine, end: date, credit_conversions: bool = True) -> Decimal:
    """The credit a line's invoice gets when the agreement ends on ``end``: what was invoiced
    less what is still owed (§2.7 pro rata), never negative nor more than was invoiced.

    §2.5 d: with the council's CONVERSION_CREDIT setting off, the school stays liable for the
    whole term, so nothing is credited."""
    if not credit_conversions:
        return ZERO
    return min(max(line.net - still_owed(line, end), ZERO), line.net)
