"""The successor's agreement: its term, its invoice schedule and which services carry over.

Source: DESIGN §1 "The register moves (GIAS)" and SLA §2.7. The successor's agreement runs
from its open date (or the day after the predecessor's ends, if it opened earlier) to the end
of the SLA year, on its own customer type's schedule with the periods clipped to its start
(an academy opening on 1 December has only an autumn period, 1 December - 31 March). It takes
the predecessor's services and quantities; a service with no price for the successor's
customer type (SIMS under the council's licence: "academy and free schools ... must licence
directly", academy service page) is listed and left out. Plain Python.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from invoices.schedule import BillingPeriod, billing_periods
from pricing.sla_year import SlaYear

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CarriedLine:
    """One of the predecessor's services as it carries over: list, quantity, start (None: the term's)."""

    service_code: str
    list_name: str
    quantity: Decimal
    start_date: date | None = None
    end_date: date | None = None


def successor_term(opened_on: date | None, predecessor_end: date) -> tuple[date, date]:
    """DESIGN §1: from the successor's opening (never before the day after the predecessor's
    agreement ends) to the end of that SLA year (1 April - 31 March)."""
    start = max(opened_on or predecessor_end + _ONE_DAY, predecessor_end + _ONE_DAY)
    return start, SlaYear.containing(start).end


def successor_schedule(customer_type: str, start: date, end: date) -> list[BillingPeriod]:
    """§2.7: the successor's invoice periods, clipped to its term (raises ScheduleError if none fits)."""
    return billing_periods(customer_type, start, end)


def carried_lines(lines: Iterable[CarriedLine], start: date) -> list[CarriedLine]:
    """The predecessor's services on the successor's agreement: a service removed before the
    successor starts is gone; one starting later keeps its start; every other starts with the term."""
    carried = []
    for line in lines:
        if line.end_date is not None and line.end_date < start:
            continue
        later = line.start_date if line.start_date is not None and line.start_date > start else None
        carried.append(CarriedLine(line.service_code, line.list_name, line.quantity,
                                   later if line.list_name == "subscribed" else None))
    return carried


def left_out(lines: Sequence[CarriedLine], priced_codes: set[str]) -> tuple[list[CarriedLine], list[str]]:
    """Split subscribed services into those the successor's prices cover and the codes with no
    price for it (listed and left out, academy service page on SIMS)."""
    kept, dropped = [], []
    for line in lines:
        if line.list_name == "subscribed" and line.service_code not in priced_codes:
            dropped.append(line.service_code)
        else:
            kept.append(line)
    return kept, dropped
