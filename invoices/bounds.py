"""The sane bounds of money and business dates a person types (issue #16, item 10).

One check per kind of value, called by every door (page form, command, API schema)
and again by the service, so a bad value is refused with a message naming it
before anything is written:

- an amount is a finite, positive number of pounds and whole pence, below a billion;
- a payment is dated from ``PAYMENT_EARLY`` before its invoice's issue date (money
  received against a purchase order ahead of the invoice) to ``FUTURE_MARGIN`` after
  today (a remittance announcing a transfer a few days ahead);
- an invoice or credit note is dated within its SLA year's window (six months before
  the year starts: runs raised in advance; a year after it ends: late corrections),
  and never before the last document of its number series, so numbers stay in date order. A credit note is
  also never dated before the invoice it credits.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

__all__ = ["MAX_AMOUNT", "FUTURE_MARGIN", "PAYMENT_EARLY", "amount", "document_date", "payment_date",
           "series_window"]

MAX_AMOUNT = Decimal("999999999.99")  # the API's and the export's width; far above any invoice
PAYMENT_EARLY = timedelta(days=90)
FUTURE_MARGIN = timedelta(days=7)
CENT = Decimal("0.01")


def amount(value: object, what: str = "the amount") -> Decimal:
    """``value`` as pounds and pence, or ActionRefused saying why not (NaN, Infinity, 1e400, 0.001, -5)."""
    if isinstance(value, bool) or value is None:
        raise ActionRefused(f"{what} must be an amount in pounds and pence, not {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except (InvalidOperation, ValueError):
        raise ActionRefused(f"{what} must be an amount in pounds and pence, not {value!r}") from None
    if not number.is_finite():
        raise ActionRefused(f"{what} must be a finite amount in pounds and pence, not {value}")
    if number <= 0:
        raise ActionRefused(f"{what} must be more than £0.00, not {number}")
    if number > MAX_AMOUNT:
        raise ActionRefused(f"{what} must be at most £{MAX_AMOUNT:,.2f}")
    if number != number.quantize(CENT):
        raise ActionRefused(f"{what} has more than 2 decimal places: {number}")
    return number.quantize(CENT)


def payment_date(paid_on: date, invoice_number: str, issue_date: date, today: date) -> date:
    """A payment's date: from PAYMENT_EARLY before the invoice's issue date to FUTURE_MARGIN after today."""
    first, last = issue_date - PAYMENT_EARLY, today + FUTURE_MARGIN
    if not first <= paid_on <= last:
        raise ActionRefused(f"the payment date {paid_on.isoformat()} is outside {first.isoformat()} to "
                            f"{last.isoformat()} ({invoice_number} was issued on {issue_date.isoformat()}; "
                            f"a payment is dated at most {FUTURE_MARGIN.days} days ahead)")
    return paid_on


def series_window(sla_year: int) -> tuple[date, date]:
    """The dates an SLA year's invoices and credit notes may carry."""
    year = SlaYear(sla_year)
    try:
        last = year.end + relativedelta(years=1)
    except ValueError:  # SLA year 9998: a year after its end is past the calendar
        last = date.max
    return year.start - relativedelta(months=6), last


def document_date(kind: str, when: date, sla_year: int, last_in_series: date | None,
                  not_before: tuple[str, date] | None = None) -> date:
    """The issue date of an invoice (run) or credit note of the SLA year's series, or ActionRefused.

    ``last_in_series`` is the latest issue date already in the series; ``not_before`` names
    another document it may not precede (the invoice a credit note credits).
    """
    first, last = series_window(sla_year)
    label = SlaYear(sla_year).label
    if not first <= when <= last:
        raise ActionRefused(f"the {kind} date {when.isoformat()} is outside the {label} window "
                            f"{first.isoformat()} to {last.isoformat()}")
    if last_in_series is not None and when < last_in_series:
        raise ActionRefused(f"the {kind} date {when.isoformat()} is before {last_in_series.isoformat()}, the date of "
                            f"the last {kind} of the {label} series: numbers must stay in date order")
    if not_before is not None and when < not_before[1]:
        raise ActionRefused(f"the {kind} date {when.isoformat()} is before {not_before[0]}'s issue date "
                            f"{not_before[1].isoformat()}")
    return when
