"""The SLA performance report of a school or the whole service (§11.1): each ticket logged
in a period measured against its target (§5.3, §5.4, §6.2, §6.6, §7.2), and the KPI tallies.

Pure: the caller loads the tickets, their suspensions and the agreements' target tables.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Protocol

from pricing.sla_year import LONDON
from servicedesk.calendar import ServiceDeskCalendar
from servicedesk.clock import Suspension, TicketClock, measure
from servicedesk.coverage import TargetTables
from servicedesk.period import Period
from servicedesk.report import SlaReport, Tally, sla_report
from servicedesk.standards import StandardsReport
from servicedesk.targets import KPI_PERCENT_MET
from servicedesk.major_incidents import MajorIncident, is_major, major_incident
from servicedesk.major_log import read_history, read_updates
from servicedesk.ticket_life import TicketLife, awaiting_days, no_response_too_soon

__all__ = [
    "CALENDAR", "KPI_TYPES", "TYPE_NAMES", "LoggedTicket", "MeasuredTicket", "Line", "SchoolLine", "TicketReport",
    "combine", "counts_for_kpi", "measure_tickets", "ticket_report",
]

#: The desk's hours and closures (§5.3, §5.4). One shared calendar: it caches days and
#: bank holidays, so every report after the first reuses them.
CALENDAR = ServiceDeskCalendar()

TYPE_NAMES = {"incident": "Incident", "service_request": "Service request", "project": "Project request"}
#: §11.1: the KPI counts incidents and service requests (project requests have agreed targets, §7.2).
KPI_TYPES = ("incident", "service_request")


def counts_for_kpi(ticket_type: str) -> bool:
    """Whether tickets of this type count towards the §11.1 KPI (incidents and service requests)."""
    return ticket_type in KPI_TYPES


class LoggedTicket(Protocol):
    """A stored ticket as the report reads it, with its school's URN and name."""

    id: int
    reference: str
    school_id: int
    urn: int
    name: str
    type: str
    priority: int | None
    summary: str | None
    logged_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class MeasuredTicket:
    """A ticket as the report shows it: who, what, and its SLA clock (all desk time)."""

    id: int
    reference: str
    school_urn: int
    school_name: str
    type: str
    priority: int | None
    summary: str
    targets: str  # the name of the target table used
    suspensions: int
    clock: TicketClock
    kpi_percent: Decimal = KPI_PERCENT_MET  # §11.1 share promised by that table's version
    life: TicketLife = TicketLife()  # §6.3 awaiting the customer, §6.4 re-opens, the ticket it continues
    awaiting_days: Fraction = Fraction(0)  # §6.3 working days awaiting the customer before its resolution
    no_response_early: bool = False  # §6.3 closed for no response with fewer than 3 of them
    major: MajorIncident | None = None  # §6.5, for a major incident
    status: str = ""  # as the call logging system words it

    @property
    def reopens(self) -> int:
        """§6.4: how many times it was re-opened (within 5 working days of a resolution)."""
        return len(self.life.reopened)

    @property
    def type_name(self) -> str:
        """``Incident``, ``Service request`` or ``Project request``."""
        return TYPE_NAMES.get(self.type, self.type)

    @property
    def category(self) -> str:
        """``P1`` ... ``P4`` for incidents (§6.2), ``SR`` and ``Project`` for requests (§7.2)."""
        if self.type == "incident":
            return f"P{self.priority}"
        return "SR" if self.type == "service_request" else "Project"

    @property
    def outcome(self) -> str:
        """``met``, ``breached`` (resolved late, or open and past its target), ``open`` or ``agreed``."""
        if not self.clock.target.has_clock:
            return "agreed"
        if self.clock.breached:
            return "breached"
        return "met" if self.clock.met else "open"


def measure_tickets(tickets: Iterable[LoggedTicket],
                    suspended: Mapping[int, Sequence[Suspension | tuple[str, Suspension]]],
                    tables: TargetTables, now: datetime,
                    calendar: ServiceDeskCalendar = CALENDAR) -> tuple[list[MeasuredTicket], tuple[str, ...]]:
    """Each ticket measured at *now* against the targets covering it (§6.2, §7.2), with its
    third-party time excluded (§6.6). Returns the tickets in the order given and warnings
    about anything that could not be measured (and the tables' own warnings)."""
    warnings = list(tables.warnings)
    measured: list[MeasuredTicket] = []
    for t in tickets:
        logged = t.logged_at
        table = tables.for_ticket(t.school_id, logged.astimezone(LONDON).date())
        try:
            target = table.target_for(t.type, t.priority)
        except ValueError as exc:
            warnings.append(f"Ticket {t.reference} was not measured: {exc}.")
            continue
        away, life = _pauses(t, suspended.get(t.id, ()))
        # An open ticket is measured at now; a clock skew must not put now before it was logged.
        clock = measure(calendar, target, logged, t.resolved_at, away + life.pauses, now=max(now, logged))
        waited = awaiting_days(calendar, life.awaiting, t.resolved_at or max(now, logged)) if life.awaiting else \
            Fraction(0)
        measured.append(MeasuredTicket(t.id, t.reference, t.urn, t.name, t.type, t.priority, t.summary or "",
                                       table.name, len(away), clock, table.kpi.resolved_percent, life, waited,
                                       no_response_too_soon(calendar, life, t.resolved_at), _major(t, calendar),
                                       getattr(t, "status", "") or ""))
    return measured, tuple(warnings)


def _pauses(ticket: LoggedTicket, pauses: Iterable[Suspension | tuple[str, Suspension]]
            ) -> tuple[tuple[Suspension, ...], TicketLife]:
    """The §6.6 third-party suspensions, and the ticket's life (§6.3 customer waits, §6.4 re-opens)."""
    kinds: dict[str, list[Suspension]] = {"third_party": [], "customer": [], "reopened": []}
    for pause in pauses:
        kind, suspension = ("third_party", pause) if isinstance(pause, Suspension) else pause
        kinds.setdefault(kind, []).append(suspension)
    return tuple(kinds["third_party"]), TicketLife(tuple(kinds["customer"]), tuple(kinds["reopened"]),
                                                   getattr(ticket, "resolved_reason", None),
                                                   getattr(ticket, "linked_to", None))


def _major(ticket: LoggedTicket, calendar: ServiceDeskCalendar) -> MajorIncident | None:
    """§6.5: the major incident's figures, or None for any other ticket (project and service requests too)."""
    history = read_history(getattr(ticket, "priority_history", ""))
    if ticket.type != "incident" or not is_major(ticket.priority, history, getattr(ticket, "major", None)):
        return None
    return major_incident(calendar, ticket.logged_at, ticket.priority, history,
                          read_updates(getattr(ticket, "updates", "")))


def combine(*tallies: Tally) -> Tally:
    """Several tallies as one (e.g. incidents and service requests for the §11.1 KPI)."""
    return Tally(count=sum(t.count for t in tallies), resolved=sum(t.resolved for t in tallies),
                 met=sum(t.met for t in tallies), breached=sum(t.breached for t in tallies),
                 standard=max((t.standard for t in tallies), default=KPI_PERCENT_MET))


@dataclass(frozen=True)
class Line:
    """One row of the KPI table: a label and its tally."""

    label: str
    tally: Tally
    key: str = ""


@dataclass(frozen=True)
class SchoolLine:
    """One school's incidents and service requests, for the whole-service report."""

    urn: int
    name: str
    tally: Tally


@dataclass(frozen=True)
class TicketReport:
    """SLA performance over a period for one school or the whole service (§11.1)."""

    title: str
    school_urn: int | None
    period: Period
    now: datetime
    tickets: tuple[MeasuredTicket, ...]
    sla: SlaReport
    months: tuple[tuple[date, Tally], ...]
    warnings: tuple[str, ...] = ()
    schools: tuple[SchoolLine, ...] = ()
    kpi_percent: Decimal = KPI_PERCENT_MET
    standards: StandardsReport | None = None  # §11.1 calls and emails, when loaded
    mirs: Mapping[int, Any] = field(default_factory=dict)  # §6.5 ticket id -> its MIR's status, when loaded

    @property
    def kpi(self) -> Tally:
        """§11.1: incidents and service requests together (project requests have agreed targets)."""
        return combine(*(self.sla.by_type.get(t, Tally()) for t in KPI_TYPES))

    @property
    def lines(self) -> list[Line]:
        """The KPI table: each incident priority, incidents, service requests, and the KPI line."""
        lines = [Line(f"Priority {p} incidents", self.sla.by_priority.get(p, Tally()), f"P{p}") for p in (1, 2, 3, 4)]
        lines.append(Line("All incidents", self.sla.by_type.get("incident", Tally()), "incident"))
        lines.append(Line("Service requests", self.sla.by_type.get("service_request", Tally()), "service_request"))
        lines.append(Line("Incidents and service requests", self.kpi, "kpi"))
        return lines

    @property
    def projects(self) -> Tally:
        """Project requests: counted, never met or breached (targets agreed with the school, §7.2)."""
        return self.sla.by_type.get("project", Tally())

    @property
    def breached(self) -> list[MeasuredTicket]:
        """The breached tickets, in logged order."""
        return [row.ticket_id for row in self.sla.breached]

    @property
    def open_tickets(self) -> list[MeasuredTicket]:
        """Open tickets with a clock, the least time left first."""
        waiting = [t for t in self.tickets if t.clock.is_open and t.clock.target.has_clock]
        return sorted(waiting, key=lambda t: t.clock.remaining)  # type: ignore[arg-type, return-value]

    @property
    def no_response(self) -> list[MeasuredTicket]:
        """§6.3: the tickets resolved for no response (those with fewer than 3 days waiting are flagged)."""
        return [t for t in self.tickets if t.life.resolved_reason == "no_response"]

    @property
    def reopened(self) -> list[MeasuredTicket]:
        """§6.4: the tickets re-opened (within 5 working days of a resolution)."""
        return [t for t in self.tickets if t.reopens]

    @property
    def major_incidents(self) -> list[MeasuredTicket]:
        """§6.5: the major incidents, in logged order."""
        return [t for t in self.tickets if t.major is not None]

    @property
    def reopen_rate(self) -> Decimal | None:
        """§6.4: the share of resolved tickets that were re-opened, 1 decimal place; None with none resolved."""
        resolved = sum(1 for t in self.tickets if not t.clock.is_open)
        if not resolved:
            return None
        return (Decimal(len(self.reopened) * 100) / Decimal(resolved)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def targets_used(self) -> list[str]:
        """The names of the target tables the tickets were measured against."""
        return sorted({t.targets for t in self.tickets})


def promised_share(tickets: Iterable[MeasuredTicket]) -> Decimal:
    """§11.1: the share of incidents and service requests to complete within SLA that a report
    is judged against - the highest any of its tickets' template versions promises (95% when
    there are none), so a report mixing versions never passes on the weaker promise."""
    return max((t.kpi_percent for t in tickets if counts_for_kpi(t.type)), default=KPI_PERCENT_MET)


def _monthly(tickets: Sequence[MeasuredTicket], period: Period) -> tuple[tuple[date, Tally], ...]:
    """Incidents and service requests per month logged, every month of the period present."""
    empty = Tally(standard=promised_share(tickets))
    months: dict[date, Tally] = {month: empty for month in period.months()}
    for t in tickets:
        if counts_for_kpi(t.type):
            month = t.clock.logged_at.astimezone(LONDON).date().replace(day=1)
            months[month] = months.get(month, empty).add(t.clock)
    return tuple(sorted(months.items()))


def _by_school(tickets: Iterable[MeasuredTicket]) -> tuple[SchoolLine, ...]:
    """Each school's KPI tally, the furthest below target first (then by name)."""
    tallies: dict[tuple[int, str], Tally] = {}
    for t in tickets:
        if counts_for_kpi(t.type):
            key = (t.school_urn, t.school_name)
            found = tallies.get(key, Tally(standard=t.kpi_percent))
            tallies[key] = replace(found.add(t.clock), standard=max(found.standard, t.kpi_percent))
    lines = [SchoolLine(urn, name, tally) for (urn, name), tally in tallies.items()]
    lines.sort(key=lambda s: (s.tally.percent_met is None, s.tally.percent_met or 0, -s.tally.breached, s.name))
    return tuple(lines)


def ticket_report(title: str, school_urn: int | None, period: Period, now: datetime,
                  tickets: Sequence[MeasuredTicket], warnings: tuple[str, ...] = ()) -> TicketReport:
    """The report of measured tickets (§11.1): a school's when *school_urn* is given, else the
    whole service's, which also has each school's figures."""
    standard = promised_share(tickets)
    return TicketReport(title=title, school_urn=school_urn, period=period, now=now, tickets=tuple(tickets),
                        sla=sla_report(((t.type, t.priority, t.clock, t) for t in tickets), standard),
                        months=_monthly(tickets, period), warnings=warnings,
                        schools=() if school_urn is not None else _by_school(tickets), kpi_percent=standard)
