"""§11.1 standards measured: the share of calls answered within the version's standard (60 s
in the 2022-23 SLA, 20 s on the academy page) and of emails replied to within its business
day(s), per month and per school, against the version's targets (80%, 95%).

A business day is the desk's day (§5.3-5.4: 08:00-17:00, Friday to 16:30, not on bank
holidays nor 25 December - 1 January): an email is answered in time when the first reply
comes before ``add_working_days(received, days)``. A call abandoned before anyone answered
counts as not answered in time. A call or email of a school whose version states no such
standard is not measured. Pure: the caller loads the contacts and each one's standards.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pricing.sla_year import LONDON
from servicedesk.calendar import ServiceDeskCalendar
from servicedesk.targets import KpiStandards

__all__ = ["Contact", "Outcome", "call_outcome", "email_outcome", "email_deadline", "StandardTally",
           "StandardsLine", "SchoolStandards", "StandardsReport", "measure_contacts"]

Outcome = Literal["within", "late", "waiting"]
_ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Contact:
    """A call or email as the report reads it."""

    channel: Literal["call", "email"]
    school_id: int | None
    started_at: datetime
    answered_at: datetime | None
    abandoned: bool = False


def call_outcome(called: datetime, answered: datetime | None, seconds: int) -> Outcome:
    """§11.1 calls: answered within *seconds* of ringing; abandoned (never answered) is late."""
    return "within" if answered is not None and answered - called <= timedelta(seconds=seconds) else "late"


def email_deadline(calendar: ServiceDeskCalendar, received: datetime, days: int) -> datetime:
    """§11.1 emails: the end of *days* business days (the desk's days, §5.3-5.4) after *received*."""
    return calendar.add_working_days(received, days)


def email_outcome(calendar: ServiceDeskCalendar, received: datetime, replied: datetime | None, days: int,
                  now: datetime) -> Outcome:
    """Replied by the deadline (within), after it or not at all once it passed (late), or not yet due."""
    deadline = email_deadline(calendar, received, days)
    if replied is not None:
        return "within" if replied <= deadline else "late"
    return "late" if now > deadline else "waiting"


@dataclass(frozen=True)
class StandardTally:
    """Contacts measured against one §11.1 standard; ``waiting`` emails are not yet decided."""

    within: int = 0
    late: int = 0
    waiting: int = 0
    target: Decimal | None = None  # the share promised (the highest, where versions differ)
    limits: frozenset[int] = frozenset()  # the seconds or business days each contact was measured against

    @property
    def decided(self) -> int:
        return self.within + self.late

    @property
    def percent(self) -> Decimal | None:
        """within / decided as a percentage, 1 decimal place (half up); None with nothing decided."""
        if not self.decided:
            return None
        return (Decimal(self.within * 100) / Decimal(self.decided)).quantize(_ONE_PLACE, ROUND_HALF_UP)

    @property
    def met(self) -> bool | None:
        """At least the promised share within the standard, on the exact ratio."""
        if not self.decided or self.target is None:
            return None
        return self.within * 100 >= self.target * self.decided

    def add(self, outcome: Outcome, target: Decimal, limit: int) -> StandardTally:
        return replace(self, within=self.within + (outcome == "within"), late=self.late + (outcome == "late"),
                       waiting=self.waiting + (outcome == "waiting"),
                       target=max(target, self.target) if self.target is not None else target,
                       limits=self.limits | {limit})


@dataclass(frozen=True)
class StandardsLine:
    """The calls and emails of one month (or of the whole period)."""

    label: str
    calls: StandardTally = field(default_factory=StandardTally)
    emails: StandardTally = field(default_factory=StandardTally)


@dataclass(frozen=True)
class SchoolStandards:
    """One school's calls and emails over the period."""

    urn: int
    name: str
    line: StandardsLine


@dataclass(frozen=True)
class StandardsReport:
    """§11.1 calls and emails: the period's total, each month, each school (whole service only)."""

    total: StandardsLine
    months: tuple[StandardsLine, ...]
    schools: tuple[SchoolStandards, ...] = ()
    unmeasured: int = 0

    @property
    def empty(self) -> bool:
        return not (self.total.calls.decided + self.total.calls.waiting + self.total.emails.decided
                    + self.total.emails.waiting)


def _measure(contact: Contact, kpi: KpiStandards, calendar: ServiceDeskCalendar,
             now: datetime) -> tuple[Outcome, Decimal, int] | None:
    if contact.channel == "call":
        if kpi.calls_seconds is None or kpi.calls_percent is None:
            return None
        return call_outcome(contact.started_at, contact.answered_at, kpi.calls_seconds), kpi.calls_percent, \
            kpi.calls_seconds
    if kpi.emails_days is None or kpi.emails_percent is None:
        return None
    return (email_outcome(calendar, contact.started_at, contact.answered_at, kpi.emails_days, now),
            kpi.emails_percent, kpi.emails_days)


def _added(line: StandardsLine, channel: str, measured: tuple[Outcome, Decimal, int]) -> StandardsLine:
    if channel == "call":
        return replace(line, calls=line.calls.add(*measured))
    return replace(line, emails=line.emails.add(*measured))


def measure_contacts(contacts: Iterable[Contact], standards_for: Callable[[int | None, date], KpiStandards],
                     months: Iterable[date], now: datetime, calendar: ServiceDeskCalendar,
                     schools: Mapping[int, tuple[int, str]] | None = None) -> StandardsReport:
    """Each contact measured against its own school's version's §11.1 standard (*standards_for*
    the school and London day), tallied for the period, per month and, given *schools* (id ->
    URN, name), per school, the furthest below target first."""
    total = StandardsLine("Total")
    by_month = {month: StandardsLine(f"{month:%B %Y}") for month in months}
    by_school: dict[int, StandardsLine] = {}
    unmeasured = 0
    for contact in contacts:
        day = contact.started_at.astimezone(LONDON).date()
        measured = _measure(contact, standards_for(contact.school_id, day), calendar, now)
        if measured is None:
            unmeasured += 1
            continue
        total = _added(total, contact.channel, measured)
        month = day.replace(day=1)
        by_month[month] = _added(by_month.get(month, StandardsLine(f"{month:%B %Y}")), contact.channel, measured)
        if schools is not None and contact.school_id is not None:
            by_school[contact.school_id] = _added(by_school.get(contact.school_id, StandardsLine("Total")),
                                                  contact.channel, measured)
    lines = [SchoolStandards(*schools[i], line) for i, line in by_school.items()] if schools else []
    lines.sort(key=lambda s: (_worst(s.line), s.name))
    return StandardsReport(total, tuple(line for _, line in sorted(by_month.items())), tuple(lines), unmeasured)


def _worst(line: StandardsLine) -> Decimal:
    """How far a school's worse standard is from its target (most negative first)."""
    gaps = [t.percent - t.target for t in (line.calls, line.emails) if t.percent is not None and t.target is not None]
    return min(gaps, default=Decimal(0))
