"""Ad hoc work is charged "per hour or part thereof" (SLA §2.6, DESIGN §1 "Ad hoc work").

The rule is written once, here: minutes booked -> whole hours, an estimate's hours ->
whole hours, and a request's charge split by the SLA year the work was done in. The
invoice run, the estimate and §9.5 report documents, the pages and the commands all
call these functions, so what a page shows is what the invoice charges.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from pricing.money import round_money
from pricing.sla_year import SlaYear

__all__ = ["TimeEntryRefused", "MissingRate", "WorkEntry", "ChargePart", "whole_hours", "charged_hours",
           "net_charge", "adhoc_charge", "charge_breakdown", "invoiced_breakdown", "estimated_hours",
           "estimated_charge", "customer_types_name"]

_MINUTES_PER_HOUR = 60


class TimeEntryRefused(ValueError):
    """A time-log entry that cannot be charged (not a positive whole number of minutes)."""


class MissingRate(ValueError):
    """Work was done in an SLA year with no ad hoc rate given."""

    def __init__(self, sla_year: int) -> None:
        self.sla_year = sla_year
        super().__init__(f"no ad hoc rate for {SlaYear(sla_year).label}")


@dataclass(frozen=True)
class WorkEntry:
    """One time entry as the charge and the documents see it."""

    work_date: date
    minutes: int
    who: str = ""
    note: str = ""


@dataclass(frozen=True)
class ChargePart:
    """The part of one request's charge that falls in one SLA year, at that year's rate."""

    sla_year: int
    first: date
    last: date
    minutes: int
    hours: int
    rate: Decimal
    net: Decimal

    @property
    def label(self) -> str:
        """The SLA year as people write it, e.g. "2025-26"."""
        return SlaYear(self.sla_year).label


def customer_types_name(customer_type: str) -> str:
    """Whom an ad hoc rate is published for (§2.6: one rate per customer type), in words."""
    return "maintained schools" if customer_type == "maintained" else "academies and free schools"


def whole_hours(hours: Fraction) -> int:
    """§2.6: work is charged "per hour or part thereof", so any part of an hour is a whole hour."""
    return -(-hours.numerator // hours.denominator)  # ceiling division in integers


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
    return whole_hours(Fraction(total, _MINUTES_PER_HOUR))


def net_charge(hourly_rate: Decimal, hours: int) -> Decimal:
    """§2.6: whole hours at the hourly ad hoc rate, rounded half-up to the penny."""
    return round_money(hourly_rate * hours)


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
    return hours, net_charge(hourly_rate, hours)


def _by_sla_year(ordered: Sequence[WorkEntry]) -> dict[int, list[WorkEntry]]:
    by_year: dict[int, list[WorkEntry]] = {}
    for entry in ordered:
        by_year.setdefault(SlaYear.containing(entry.work_date).start_year, []).append(entry)
    return by_year


def charge_breakdown(entries: Iterable[WorkEntry], rates: Mapping[int, Decimal]) -> list[ChargePart]:
    """How one request's time is charged, one part per SLA year the work was done in.

    SLA §2.6: work is charged "per hour or part thereof" at the published ad hoc rate,
    so the minutes booked to the request are summed and rounded up to whole hours once
    (``charged_hours``: 70 -> 2, 30 + 45 -> 2). Each hour is charged at the rate of the
    SLA year the work was done in: counting the minutes in date order, an hour belongs
    to the year in which it was begun. So the parts' hours always add up to the
    request's charged hours, and a year whose minutes only finish an hour begun in the
    year before has 0 hours. ``rates`` maps an SLA year's start year to its hourly rate;
    a year without one raises ``MissingRate``.
    """
    ordered = sorted(entries, key=lambda e: e.work_date)
    charged_hours([e.minutes for e in ordered])  # refuses zero, negative and non-whole minutes
    by_year = _by_sla_year(ordered)
    parts = []
    before = 0
    for year in sorted(by_year):
        if year not in rates:
            raise MissingRate(year)
        year_entries = by_year[year]
        minutes = sum(e.minutes for e in year_entries)
        hours = charged_hours([before + minutes]) - charged_hours([before] if before else [])
        before += minutes
        rate = rates[year]
        parts.append(ChargePart(year, year_entries[0].work_date, year_entries[-1].work_date, minutes, hours, rate,
                                net_charge(rate, hours)))
    return parts


def invoiced_breakdown(entries: Sequence[WorkEntry], invoiced_rates: Sequence[Decimal]) -> list[ChargePart]:
    """The §2.6 breakdown at the rates an invoice charged, whatever the price lists say today.

    The invoice has one line per SLA year that was charged hours, in year order, so its
    lines' unit prices are those years' rates; a year whose minutes only finished an
    hour already charged has no line and costs nothing.
    """
    years = {SlaYear.containing(e.work_date).start_year for e in entries}
    hours_only = charge_breakdown(entries, {year: Decimal(0) for year in years})
    charged_years = [part.sla_year for part in hours_only if part.hours]
    rates = dict(zip(charged_years, invoiced_rates))
    for year in years - rates.keys():
        rates[year] = Decimal("0.00")
    return charge_breakdown(entries, rates)


def estimated_hours(hours: Decimal) -> int:
    """§2.6, §7.3: an estimate of 2.5 hours is charged, if the work takes that long, as 3."""
    if not isinstance(hours, Decimal) or not hours.is_finite() or hours < 0:
        raise ValueError(f"estimated hours must be a non-negative Decimal, not {hours!r}")
    return whole_hours(Fraction(hours))


def estimated_charge(hours: Decimal, rate: Decimal) -> tuple[int, Decimal]:
    """An estimate's charge: its hours rounded up to whole hours, times the rate (§2.6, §7.3)."""
    whole = estimated_hours(hours)
    return whole, net_charge(rate, whole)
