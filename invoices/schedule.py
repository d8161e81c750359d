"""Invoice schedule per customer type (SLA §2.7).

Maintained schools get one summer-term invoice for the agreement's whole term;
academies get a summer-term invoice for 1 Apr - 31 Aug and an autumn-term invoice
for 1 Sep - 31 Mar, each clipped to the agreement's term.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from invoices.proration import overlap
from pricing.sla_year import SlaYear

__all__ = [
    "TERMS",
    "CUSTOMER_TYPES",
    "BillingPeriod",
    "ScheduleError",
    "billing_periods",
    "check_term",
    "early_issue_date",
    "period_for",
    "schedule_description",
    "usual_issue_date",
]

TERMS = ("summer", "autumn")
CUSTOMER_TYPES = ("maintained", "academy")

_ONE_DAY = timedelta(days=1)


class ScheduleError(ValueError):
    """An agreement term or customer type that no invoice schedule fits."""


@dataclass(frozen=True)
class BillingPeriod:
    """One invoice's share of an agreement term; ``start`` and ``end`` are inclusive."""

    term: str
    start: date
    end: date


def _academy_windows(sla_year: int) -> list[tuple[str, date, date]]:
    """The academy invoice windows of one SLA year (SLA §2.7)."""
    year_start = date(sla_year, 4, 1)
    autumn_start = year_start + relativedelta(months=5)  # 1 September
    year_end = year_start + relativedelta(years=1) - _ONE_DAY  # 31 March
    return [
        ("summer", year_start, autumn_start - _ONE_DAY),
        ("autumn", autumn_start, year_end),
    ]


def _check(customer_type: str, term_start: date, term_end: date) -> None:
    if customer_type not in CUSTOMER_TYPES:
        raise ScheduleError(
            f"unknown customer type {customer_type!r}; expected one of {', '.join(CUSTOMER_TYPES)}"
        )
    if term_end < term_start:
        raise ScheduleError(f"agreement term ends ({term_end}) before it starts ({term_start})")


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_term(customer_type: str, term_start: date, term_end: date) -> None:
    """§2.7: refuse an agreement term that no invoice schedule fits, saying why.

    An academy is invoiced for 1 Apr - 31 Aug and 1 Sep - 31 Mar of one SLA year, so its
    term must end by the 31 March after it starts: a term crossing into the next SLA year
    would need a second summer and autumn invoice and no run would ever invoice it. A
    maintained school's single invoice covers whatever term it has. Unknown customer types
    and terms that end before they start are refused too. Every door that sets a term, and
    every invoice run, calls this one rule.
    """
    _check(customer_type, term_start, term_end)
    if customer_type != "academy":
        return
    year = SlaYear.containing(term_start)
    if term_end > year.end:
        raise ScheduleError(
            f"an academy agreement term must lie within one SLA year (1 April - 31 March): "
            f"{_long(term_start)} to {_long(term_end)} runs past {_long(year.end)}, and academies are "
            f"invoiced per SLA year (summer and autumn, §2.7); end the term by {_long(year.end)} and "
            f"make a separate agreement for the next year"
        )


def billing_periods(customer_type: str, term_start: date, term_end: date) -> list[BillingPeriod]:
    """Return the invoice periods of an agreement term, in date order.

    SLA §2.7: maintained -> one ``summer`` period covering the whole term;
    academy -> ``summer`` = the part of the term in 1 Apr - 31 Aug and
    ``autumn`` = the part in 1 Sep - 31 Mar (a term inside one window yields one
    period). An academy term must lie within one SLA year, because a second
    year would need a second summer and autumn invoice; such a term is refused
    with ``ScheduleError``, as are unknown customer types and reversed terms.
    """
    check_term(customer_type, term_start, term_end)
    if customer_type == "maintained":
        return [BillingPeriod("summer", term_start, term_end)]
    sla_year = SlaYear.containing(term_start).start_year
    periods = []
    for term, window_start, window_end in _academy_windows(sla_year):
        shared = overlap(term_start, term_end, window_start, window_end)
        if shared is not None:
            periods.append(BillingPeriod(term, shared[0], shared[1]))
    return periods


def period_for(customer_type: str, term_start: date, term_end: date, term: str) -> BillingPeriod | None:
    """Return the period invoiced in ``term`` (SLA §2.7), or ``None`` if that term has none.

    ``term`` must be one of ``TERMS``; anything else raises ``ScheduleError``.
    """
    if term not in TERMS:
        raise ScheduleError(f"unknown invoice term {term!r}; expected one of {', '.join(TERMS)}")
    for period in billing_periods(customer_type, term_start, term_end):
        if period.term == term:
            return period
    return None


def schedule_description(customer_type: str) -> list[str]:
    """Sentences describing the invoice schedule for the SLA document (SLA §2.7)."""
    if customer_type == "maintained":
        return ["Summer term invoice covering the whole term of the agreement"]
    if customer_type == "academy":
        return [
            "Summer term invoice covering 1 April to 31 August",
            "Autumn term invoice covering 1 September to 31 March",
        ]
    raise ScheduleError(
        f"unknown customer type {customer_type!r}; expected one of {', '.join(CUSTOMER_TYPES)}"
    )


def usual_issue_date(sla_year: int, term: str) -> date:
    """The date a term's run is usually dated (SLA §2.7): the first day its invoices cover, so the
    summer run on 1 April (the SLA year's start, when maintained and academy summer periods begin)
    and the autumn run on 1 September (the academy autumn period's first day)."""
    if term not in TERMS:
        raise ScheduleError(f"unknown invoice term {term!r}; expected one of {', '.join(TERMS)}")
    start = SlaYear(sla_year).start
    return start if term == "summer" else date(start.year, 9, 1)


def early_issue_date(sla_year: int, issue_date: date) -> str | None:
    """Why an issue date needs a second look, or None: dated before the SLA year starts, the invoices
    bill services the school is not yet receiving (allowed: runs raised in advance)."""
    year = SlaYear(sla_year)
    if issue_date >= year.start:
        return None
    return (f"The issue date {_long(issue_date)} is before the {year.label} SLA year starts on "
            f"{_long(year.start)}: the invoices would be dated before the services they bill begin.")
