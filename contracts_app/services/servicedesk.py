"""Service desk tickets: the call log import, each ticket's SLA clock and the performance reports.

SLA §5.3-5.4 (when the clock runs), §6.2 and §7.2 (targets), §6.6 (third-party time
excluded), §11.1 (95% of incidents and service requests completed within SLA). The
clock and the aggregation are the pure ``servicedesk`` package; this module loads
tickets and the target table of each school's agreement, calls it, and saves imports.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from pricing.sla_year import SlaYear
from servicedesk import (
    KPI_PERCENT_MET,
    SLA_2022_23,
    ServiceDeskCalendar,
    SlaReport,
    Suspension,
    Tally,
    TargetTable,
    TicketClock,
    measure,
    sla_report,
    target_table_from_dict,
)

from contracts_app.extensions import db
from contracts_app.models import (
    Agreement,
    School,
    SlaTemplate,
    Ticket,
    TicketSuspension,
    school_group_members,
)
from contracts_app.models.ticket import TICKET_TYPES
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.imports import FIRST_DATA_ROW, cells, read_table, require_columns
from pricing.errors import ActionRefused, ImportRefused, Problem
from pricing.sla_year import LONDON

UTC = timezone.utc

#: The desk's hours and closures (§5.3, §5.4). One shared calendar: it caches days and
#: bank holidays, so every report after the first reuses them.
CALENDAR = ServiceDeskCalendar()
#: Targets for a ticket whose school has no agreement with a template version that sets them.
DEFAULT_TARGETS = SLA_2022_23

COLUMNS = ("reference", "urn", "type", "priority", "logged_at", "resolved_at")
OPTIONAL_COLUMNS = ("suspensions", "summary")
# Names the call logging system may use for the school's URN.
URN_ALIASES = ("school_urn",)
TYPE_NAMES = {"incident": "Incident", "service_request": "Service request", "project": "Project request"}
MAX_REFERENCE = 40  # the column's size
_CHUNK = 500  # IN-list size for lookups, well under every database's parameter limit
_PRIORITY = re.compile(r"^[pP]?\s*([0-9]+)$")
_DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")


# --- parsing the call log -------------------------------------------------------------


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date and time from the call log, as an aware UTC datetime.

    A time without an offset is Europe/London wall-clock time (the desk's clock, §5.3).
    A wall-clock time skipped when the clocks go forward does not exist and is refused;
    one repeated when they go back is read as the first (BST) occurrence. UTC comes
    back because Python never finds a repeated-hour London time equal to anything in
    another zone. Raises ValueError with a reason fit for the user.
    """
    value = text.strip()
    if _DATE_ONLY.match(value):
        raise ValueError(f"{text!r} has no time of day (use e.g. 2026-05-01T09:30)")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date and time (e.g. 2026-05-01T09:30)") from None
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    local = moment.replace(tzinfo=LONDON)
    if local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != moment:
        raise ValueError(f"{text!r} does not exist in Europe/London (the clocks went forward)")
    return local.astimezone(UTC)


def parse_suspensions(text: str) -> list[tuple[datetime, datetime | None]]:
    """The ``suspensions`` cell: ISO 8601 intervals ``start/end`` separated by ``;`` (§6.6).

    An empty end (``2026-05-01T10:00/``) means the ticket is still with the third
    party. Raises ValueError naming the interval that is wrong.
    """
    intervals: list[tuple[datetime, datetime | None]] = []
    parts = [part.strip() for part in text.split(";")]
    for number, part in enumerate((p for p in parts if p), start=1):
        if part.count("/") != 1:
            raise ValueError(f"suspension {number} ({part!r}) is not start/end, "
                             "e.g. 2026-05-01T10:00/2026-05-02T09:00")
        start_text, end_text = (piece.strip() for piece in part.split("/"))
        if not start_text:
            raise ValueError(f"suspension {number} ({part!r}) has no start")
        try:
            start = parse_moment(start_text)
            end = parse_moment(end_text) if end_text else None
        except ValueError as exc:
            raise ValueError(f"suspension {number}: {exc}") from None
        if end is not None and end <= start:
            raise ValueError(f"suspension {number} ends ({end_text}) before it starts ({start_text})")
        intervals.append((start, end))
    return intervals


def _ticket_type(text: str) -> str:
    """incident, service_request or project; 'Service Request' as the call log writes it is accepted."""
    value = re.sub(r"[\s-]+", "_", text.strip().lower())
    if value not in TICKET_TYPES:
        raise ValueError(f"{text!r} is not a ticket type (incident, service_request or project)")
    return value


def _priority(text: str, ticket_type: str) -> int | None:
    """1-4 (or P1-P4); required for incidents (§6.2), optional for requests (§7.2 ignores it)."""
    value = text.strip()
    if not value:
        if ticket_type == "incident":
            raise ValueError("is empty: an incident needs a priority 1-4 (§6.2)")
        return None
    match = _PRIORITY.match(value)
    if not match or not 1 <= int(match.group(1)) <= 4:
        raise ValueError(f"{text!r} is not a priority 1-4")
    return int(match.group(1))


@dataclass(frozen=True)
class _Row:
    """One checked row of the call log, ready to save."""

    row: int
    reference: str
    school_id: int
    type: str
    priority: int | None
    summary: str
    logged_at: datetime
    resolved_at: datetime | None
    suspensions: tuple[tuple[datetime, datetime | None], ...]


@dataclass
class TicketImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        ignored = f" (columns ignored: {', '.join(self.ignored_columns)})" if self.ignored_columns else ""
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged{ignored}"


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%Y-%m-%d %H:%M}"


def _check_times(logged: datetime, resolved: datetime | None,
                 suspensions: list[tuple[datetime, datetime | None]], now: datetime,
                 row: int, problems: list[Problem]) -> None:
    """A ticket's times in order: nothing in the future, resolved after logged, each
    suspension within the ticket's life (§6.6). Records what is wrong in *problems*."""
    if logged > now:
        problems.append(Problem(row, "logged_at", f"{_local(logged)} is in the future"))
    if resolved is not None:
        if resolved < logged:
            problems.append(Problem(row, "resolved_at", "is before the ticket was logged"))
        elif resolved > now:
            problems.append(Problem(row, "resolved_at", f"{_local(resolved)} is in the future"))
    for number, (start, end) in enumerate(suspensions, start=1):
        if start < logged:
            problems.append(Problem(row, "suspensions", f"suspension {number} starts before the ticket was logged"))
        elif resolved is not None and start > resolved:
            problems.append(Problem(row, "suspensions", f"suspension {number} starts after the ticket was resolved"))
        elif end is None and resolved is not None:
            problems.append(Problem(row, "suspensions",
                                    f"suspension {number} has no end, but the ticket is resolved"))
        elif end is not None and resolved is not None and end > resolved:
            problems.append(Problem(row, "suspensions", f"suspension {number} ends after the ticket was resolved"))
        elif (end or start) > now:
            problems.append(Problem(row, "suspensions", f"suspension {number} is in the future"))


def _school_ids(urns: Iterable[int]) -> dict[int, int]:
    """URN -> school id for the URNs named, in chunks (no per-row queries)."""
    wanted = sorted(set(urns))
    found: dict[int, int] = {}
    for i in range(0, len(wanted), _CHUNK):
        found.update(db.session.execute(select(School.urn, School.id)
                                        .where(School.urn.in_(wanted[i:i + _CHUNK]))).all())
    return found


def _parse_rows(frame, source: str, now: datetime) -> list[_Row]:
    """Check every row, collecting every problem with its row and column; refuse the file on any."""
    problems: list[Problem] = []
    references, urns, types, priorities = (cells(frame, c) for c in ("reference", "urn", "type", "priority"))
    logged_col, resolved_col = cells(frame, "logged_at"), cells(frame, "resolved_at")
    suspension_col, summary_col = cells(frame, "suspensions"), cells(frame, "summary")
    parsed_urns: dict[int, int] = {}
    for i, text in enumerate(urns):
        digits = text[:-2] if text.endswith(".0") else text  # as spreadsheets write whole numbers
        if digits.isdigit() and int(digits) > 0:
            parsed_urns[i] = int(digits)
    schools = _school_ids(parsed_urns.values())  # one lookup for the file, not one per row

    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for i in range(len(frame)):
        row = i + FIRST_DATA_ROW
        before = len(problems)
        reference = references[i]
        if not reference:
            problems.append(Problem(row, "reference", "is empty"))
        elif len(reference) > MAX_REFERENCE:
            problems.append(Problem(row, "reference", f"is longer than {MAX_REFERENCE} characters"))
        elif reference in seen:
            problems.append(Problem(row, "reference", f"{reference} appears twice (also on row {seen[reference]})"))
        else:
            seen[reference] = row
        urn = parsed_urns.get(i)
        if urn is None:
            problems.append(Problem(row, "urn", f"{urns[i]!r} is not a URN" if urns[i] else "is empty"))
        elif urn not in schools:
            problems.append(Problem(row, "urn", f"no school with URN {urn} in the register"))
        ticket_type = priority = None
        try:
            ticket_type = _ticket_type(types[i])
        except ValueError as exc:
            problems.append(Problem(row, "type", str(exc)))
        if ticket_type is not None:
            try:
                priority = _priority(priorities[i], ticket_type)
            except ValueError as exc:
                problems.append(Problem(row, "priority", str(exc)))
        logged = resolved = None
        suspensions: list[tuple[datetime, datetime | None]] = []
        before_times = len(problems)
        if not logged_col[i]:
            problems.append(Problem(row, "logged_at", "is empty"))
        else:
            try:
                logged = parse_moment(logged_col[i])
            except ValueError as exc:
                problems.append(Problem(row, "logged_at", str(exc)))
        if resolved_col[i]:
            try:
                resolved = parse_moment(resolved_col[i])
            except ValueError as exc:
                problems.append(Problem(row, "resolved_at", str(exc)))
        try:
            suspensions = parse_suspensions(suspension_col[i])
        except ValueError as exc:
            problems.append(Problem(row, "suspensions", str(exc)))
        if logged is not None and len(problems) == before_times:  # compare times only once all are read
            _check_times(logged, resolved, suspensions, now, row, problems)
        if len(problems) == before:
            rows.append(_Row(row, reference, schools[urn], ticket_type, priority,  # type: ignore[index, arg-type]
                             summary_col[i], logged, resolved, tuple(suspensions)))  # type: ignore[arg-type]
    if problems:
        raise ImportRefused(problems, source)
    return rows


def _same(ticket: Ticket, row: _Row) -> bool:
    """Whether saving *row* would change *ticket* (compared in UTC, as stored)."""
    def utc(value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    stored = [(utc(s.start), utc(s.end)) for s in sorted(ticket.suspensions, key=lambda s: (s.start, s.id))]
    given = sorted((utc(start), utc(end)) for start, end in row.suspensions)
    return (ticket.school_id, ticket.type, ticket.priority, ticket.summary, utc(ticket.logged_at),
            utc(ticket.resolved_at), stored) == (row.school_id, row.type, row.priority, row.summary,
                                                  utc(row.logged_at), utc(row.resolved_at), given)


def import_tickets(data: bytes | str | Path, source: str = "ticket file",
                   now: datetime | None = None) -> TicketImportReport:
    """Import the call logging system's ticket log; all or nothing; re-importing updates by reference.

    Columns: ``reference, urn, type, priority, logged_at, resolved_at`` and optionally
    ``suspensions`` (``start/end;start/end`` ISO 8601 intervals, §6.6) and ``summary``.
    Times are ISO 8601; without an offset they are Europe/London time. A ticket that is
    in the file again replaces what was stored for it, suspensions included.
    """
    now = now or utcnow()
    frame = read_table(data, source)
    frame.columns = [c.strip().lower().replace(" ", "_") for c in frame.columns]
    for alias in URN_ALIASES:
        if alias in frame.columns and "urn" not in frame.columns:
            frame = frame.rename(columns={alias: "urn"})
    require_columns(frame, COLUMNS, source, "a ticket log (" + ",".join(COLUMNS) + "[,suspensions,summary])")
    rows = _parse_rows(frame, source, now)
    if not rows:
        raise ImportRefused(Problem(None, None, "the file has no ticket rows"), source)

    report = TicketImportReport(ignored_columns=[c for c in frame.columns
                                                 if c not in COLUMNS + OPTIONAL_COLUMNS])
    existing: dict[str, Ticket] = {}
    references = [r.reference for r in rows]
    for i in range(0, len(references), _CHUNK):
        existing.update((t.reference, t) for t in db.session.scalars(
            select(Ticket).where(Ticket.reference.in_(references[i:i + _CHUNK]))
            .options(selectinload(Ticket.suspensions))))
    for row in rows:
        ticket = existing.get(row.reference)
        if ticket is not None and _same(ticket, row):
            report.unchanged += 1
            continue
        if ticket is None:
            ticket = Ticket(reference=row.reference)
            db.session.add(ticket)
            report.added += 1
        else:
            report.updated += 1
        ticket.school_id, ticket.type, ticket.priority, ticket.summary = (row.school_id, row.type, row.priority,
                                                                          row.summary)
        ticket.logged_at, ticket.resolved_at, ticket.imported_at = row.logged_at, row.resolved_at, now
        # The call log is the source of truth: its suspensions replace the stored ones.
        ticket.suspensions = [TicketSuspension(start=start, end=end) for start, end in row.suspensions]
    db.session.flush()
    audit.record("import", "Ticket", "-", f"ticket import from {source}: {report.summary()}")
    db.session.commit()
    return report


# --- the report period ----------------------------------------------------------------


def long_date(value: date) -> str:
    """``1 April 2026``, as the SLA document writes dates."""
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Period:
    """The dates a report covers, inclusive, as the desk's (London) calendar dates.

    A report counts the tickets *logged* in the period, each measured as it stands now.
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ActionRefused(f"the period ends ({long_date(self.end)}) before it starts ({long_date(self.start)})")

    @property
    def label(self) -> str:
        """``1 April 2026 to 23 November 2026``."""
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def slug(self) -> str:
        """For file names: ``2026-04-01_2026-11-23``."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first moment, first moment after) in UTC: London midnights, so BST days are whole."""
        lo = datetime.combine(self.start, datetime.min.time(), tzinfo=LONDON)
        hi = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
        return lo.astimezone(UTC), hi.astimezone(UTC)

    def months(self) -> list[date]:
        """The first day of each calendar month the period touches."""
        first, months = self.start.replace(day=1), []
        while first <= self.end:
            months.append(first)
            first += relativedelta(months=1)
        return months


def default_period(today: date) -> Period:
    """The SLA year so far (1 April to today)."""
    return Period(SlaYear.containing(today).start, today)


# --- target tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Cover:
    """An agreement's term and the target table of its template version."""

    start: date
    end: date
    cancelled: bool
    agreement_id: int
    table: TargetTable


class TargetTables:
    """Which targets apply to a school's ticket: those of the template version of the
    agreement covering the day it was logged (§6.2, §7.2), else the default (SLA 2022/23)."""

    def __init__(self, covers: dict[int, list[_Cover]], warnings: Sequence[str] = (),
                 default: TargetTable = DEFAULT_TARGETS) -> None:
        # A live agreement wins over a cancelled one for the same day, then the newest.
        self._covers = {school: sorted(items, key=lambda c: (c.cancelled, -c.agreement_id))
                        for school, items in covers.items()}
        self.warnings = tuple(warnings)
        self.default = default

    def for_ticket(self, school_id: int, logged: date) -> TargetTable:
        for cover in self._covers.get(school_id, ()):
            if cover.start <= logged <= cover.end:
                return cover.table
        return self.default


def target_tables(school_ids: Collection[int] | None, period: Period) -> TargetTables:
    """The agreements (of each school or its group) overlapping *period*, with their
    template versions' targets, in two queries. ``school_ids`` None means every school."""
    query = (select(Agreement.id, Agreement.school_id, Agreement.group_id, Agreement.status,
                    Agreement.term_start, Agreement.term_end, SlaTemplate.version, SlaTemplate.targets)
             .outerjoin(SlaTemplate, Agreement.template_id == SlaTemplate.id)
             .where(Agreement.status != "draft", Agreement.term_start <= period.end,
                    Agreement.term_end >= period.start))
    if school_ids is not None:
        groups = select(school_group_members.c.group_id).where(school_group_members.c.school_id.in_(school_ids))
        query = query.where(or_(Agreement.school_id.in_(school_ids), Agreement.group_id.in_(groups)))
    rows = db.session.execute(query).all()
    group_ids = {r.group_id for r in rows if r.group_id is not None}
    members: dict[int, list[int]] = defaultdict(list)
    if group_ids:
        for school_id, group_id in db.session.execute(
                select(school_group_members.c.school_id, school_group_members.c.group_id)
                .where(school_group_members.c.group_id.in_(group_ids))):
            members[group_id].append(school_id)

    tables: dict[str, TargetTable] = {}
    warnings: list[str] = []
    covers: dict[int, list[_Cover]] = defaultdict(list)
    for r in rows:
        table = DEFAULT_TARGETS
        if r.targets:
            if r.version not in tables:
                try:
                    tables[r.version] = target_table_from_dict(r.targets)
                except (ValueError, TypeError) as exc:
                    # A bad template must not hide the report; say so, and use the default.
                    tables[r.version] = DEFAULT_TARGETS
                    warnings.append(f"SLA template v{r.version} has targets that cannot be read ({exc}); "
                                    f"{DEFAULT_TARGETS.name} targets were used instead.")
            table = tables[r.version]
        for school_id in ([r.school_id] if r.school_id is not None else members.get(r.group_id, [])):
            if school_ids is None or school_id in school_ids:
                covers[school_id].append(_Cover(r.term_start, r.term_end, r.status == "cancelled", r.id, table))
    return TargetTables(covers, warnings)


# --- measuring ---------------------------------------------------------------------------


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

    @property
    def type_name(self) -> str:
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


def _tickets_query(school_id: int | None, period: Period) -> Select:
    lo, hi = period.utc_bounds()
    query = (select(Ticket.id, Ticket.reference, Ticket.school_id, School.urn, School.name, Ticket.type,
                    Ticket.priority, Ticket.summary, Ticket.logged_at, Ticket.resolved_at)
             .join(School, Ticket.school_id == School.id)
             .where(Ticket.logged_at >= lo, Ticket.logged_at < hi))
    if school_id is not None:
        query = query.where(Ticket.school_id == school_id)
    return query.order_by(Ticket.logged_at, Ticket.id)


def measured_tickets(school_id: int | None, period: Period, now: datetime
                     ) -> tuple[list[MeasuredTicket], tuple[str, ...]]:
    """The tickets logged in *period* (of one school, or all), each measured at *now*.

    Three queries whatever the number of tickets: the tickets, their suspensions, the
    agreements with their targets. Returns the tickets in logged order and warnings
    about anything that could not be measured.
    """
    tickets = db.session.execute(_tickets_query(school_id, period)).all()
    lo, hi = period.utc_bounds()
    suspension_query = (select(TicketSuspension.ticket_id, TicketSuspension.start, TicketSuspension.end)
                        .join(Ticket, TicketSuspension.ticket_id == Ticket.id)
                        .where(Ticket.logged_at >= lo, Ticket.logged_at < hi))
    if school_id is not None:
        suspension_query = suspension_query.where(Ticket.school_id == school_id)
    suspended: dict[int, list[Suspension]] = defaultdict(list)
    for ticket_id, start, end in db.session.execute(suspension_query):
        suspended[ticket_id].append(Suspension(start, end))
    tables = target_tables(None if school_id is None else {school_id}, period)
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
        # An open ticket is measured at now; a clock skew must not put now before it was logged.
        clock = measure(CALENDAR, target, logged, t.resolved_at, suspended.get(t.id, ()), now=max(now, logged))
        measured.append(MeasuredTicket(t.id, t.reference, t.urn, t.name, t.type, t.priority, t.summary or "",
                                       table.name, len(suspended.get(t.id, ())), clock))
    return measured, tuple(warnings)


# --- reports -------------------------------------------------------------------------------


def combine(*tallies: Tally) -> Tally:
    """Several tallies as one (e.g. incidents and service requests for the §11.1 KPI)."""
    return Tally(count=sum(t.count for t in tallies), resolved=sum(t.resolved for t in tallies),
                 met=sum(t.met for t in tallies), breached=sum(t.breached for t in tallies))


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

    @property
    def kpi(self) -> Tally:
        """§11.1: incidents and service requests together (project requests have agreed targets)."""
        return combine(self.sla.by_type.get("incident", Tally()), self.sla.by_type.get("service_request", Tally()))

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
        return [row.ticket_id for row in self.sla.breached]

    @property
    def open_tickets(self) -> list[MeasuredTicket]:
        """Open tickets with a clock, the least time left first."""
        waiting = [t for t in self.tickets if t.clock.is_open and t.clock.target.has_clock]
        return sorted(waiting, key=lambda t: t.clock.remaining)  # type: ignore[arg-type, return-value]

    @property
    def targets_used(self) -> list[str]:
        return sorted({t.targets for t in self.tickets})


def _monthly(tickets: Iterable[MeasuredTicket], period: Period) -> tuple[tuple[date, Tally], ...]:
    """Incidents and service requests per month logged, every month of the period present."""
    months: dict[date, Tally] = {month: Tally() for month in period.months()}
    for t in tickets:
        if t.type in ("incident", "service_request"):
            month = t.clock.logged_at.astimezone(LONDON).date().replace(day=1)
            months[month] = months.get(month, Tally()).add(t.clock)
    return tuple(sorted(months.items()))


def _by_school(tickets: Iterable[MeasuredTicket]) -> tuple[SchoolLine, ...]:
    """Each school's KPI tally, the furthest below target first (then by name)."""
    tallies: dict[tuple[int, str], Tally] = {}
    for t in tickets:
        if t.type in ("incident", "service_request"):
            key = (t.school_urn, t.school_name)
            tallies[key] = tallies.get(key, Tally()).add(t.clock)
    lines = [SchoolLine(urn, name, tally) for (urn, name), tally in tallies.items()]
    lines.sort(key=lambda s: (s.tally.percent_met is None, s.tally.percent_met or 0, -s.tally.breached, s.name))
    return tuple(lines)


def school_report(school: School, period: Period, now: datetime | None = None) -> TicketReport:
    """One school's SLA performance over *period* (§11.1 "SLA reports are available on request")."""
    now = now or utcnow()
    tickets, warnings = measured_tickets(school.id, period, now)
    return TicketReport(title=school.name, school_urn=school.urn, period=period, now=now, tickets=tuple(tickets),
                        sla=sla_report((t.type, t.priority, t.clock, t) for t in tickets),
                        months=_monthly(tickets, period), warnings=warnings)


def service_report(period: Period, now: datetime | None = None) -> TicketReport:
    """The whole service's SLA performance over *period*, with each school's figures."""
    now = now or utcnow()
    tickets, warnings = measured_tickets(None, period, now)
    return TicketReport(title="All schools", school_urn=None, period=period, now=now, tickets=tuple(tickets),
                        sla=sla_report((t.type, t.priority, t.clock, t) for t in tickets),
                        months=_monthly(tickets, period), warnings=warnings, schools=_by_school(tickets))


def find_school(urn: int) -> School:
    """The school with this URN, or ActionRefused naming it."""
    school = db.session.scalar(select(School).where(School.urn == urn))
    if school is None:
        raise ActionRefused(f"no school with URN {urn} in the register")
    return school


def ticket_count() -> int:
    """How many tickets are stored (for the import page)."""
    return db.session.scalar(select(func.count(Ticket.id))) or 0
