"""Service desk tickets: the call log import and the SLA performance reports (§5-7, §11.1).

SLA §5.3-5.4 (when the clock runs), §6.2 and §7.2 (targets), §6.6 (third-party time
excluded), §11.1 (95% of incidents and service requests completed within SLA). The
checking, the clock and the reports are the pure ``servicedesk`` package; this module
loads tickets and the agreements' target tables, calls it, and saves imports.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models import (
    Agreement,
    School,
    SlaTemplate,
    Ticket,
    TicketSuspension,
    school_group_members,
)
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.bounds import MAX_INT
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    cells,
    read_table,
    require_columns,
)
from contracts_app.services.queries import Page
from contracts_app.services.servicedesk.mir import mir_statuses
from contracts_app.services.servicedesk.standards import contact_standards
from pricing.errors import ActionRefused
from servicedesk.clock import Suspension
from servicedesk.coverage import AgreementTerm, TargetTables, target_tables
from servicedesk.major_log import history_text, updates_text
from servicedesk.period import Period
from servicedesk.ticket_log import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    LogRow,
    TicketImportReport,
    header_names,
    parse_rows,
    urns_named,
)
from servicedesk.ticket_report import (
    CALENDAR,
    MeasuredTicket,
    TicketReport,
    measure_tickets,
    ticket_report,
)

__all__ = [
    "COLUMNS", "OPTIONAL_COLUMNS", "ActionRefused", "Period", "TicketImportReport", "agreement_targets",
    "find_school", "import_tickets", "measured_tickets", "school_by_urn", "school_report", "schools_of",
    "schools_page", "service_report", "ticket_count",
]

UTC = timezone.utc
_CHUNK = 500  # IN-list size for lookups, well under every database's parameter limit
_LOG = "a ticket log (" + ",".join(COLUMNS) + "[,suspensions,summary])"


# --- importing the call log -----------------------------------------------------------


def _school_ids(urns: Iterable[int]) -> dict[int, int]:
    """URN -> school id for the URNs named, in chunks (no per-row queries)."""
    # A URN past the integer columns is no school's (the row says so); PostgreSQL would refuse the query.
    wanted = sorted({urn for urn in urns if 0 < urn <= MAX_INT})
    found: dict[int, int] = {}
    for i in range(0, len(wanted), _CHUNK):
        found.update(db.session.execute(select(School.urn, School.id)
                                        .where(School.urn.in_(wanted[i:i + _CHUNK]))).all())
    return found


def _stored(references: Sequence[str]) -> dict[str, Ticket]:
    """The stored tickets with these references, with their suspensions, in chunks."""
    existing: dict[str, Ticket] = {}
    for i in range(0, len(references), _CHUNK):
        existing.update((t.reference, t) for t in db.session.scalars(
            select(Ticket).where(Ticket.reference.in_(references[i:i + _CHUNK]))
            .options(selectinload(Ticket.suspensions))))
    return existing


def _same(ticket: Ticket, row: LogRow) -> bool:
    """Whether saving *row* would change *ticket* (compared in UTC, as stored)."""
    def utc(value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    stored = sorted((s.kind, utc(s.start), utc(s.end)) for s in ticket.suspensions)
    given = sorted((kind, utc(start), utc(end)) for kind, start, end in _pauses(row))
    return (ticket.school_id, ticket.type, ticket.priority, ticket.summary, utc(ticket.logged_at),
            utc(ticket.resolved_at), ticket.resolved_reason, ticket.linked_to, stored, ticket.major,
            ticket.priority_history, ticket.updates, ticket.status) == (
        row.school_id, row.type, row.priority, row.summary, utc(row.logged_at), utc(row.resolved_at),
        row.life.resolved_reason, row.life.linked_to, given, row.major.major, history_text(row.major.history),
        updates_text(row.major.updates), row.major.status)


def _pauses(row: LogRow) -> list[tuple[str, datetime, datetime | None]]:
    """Every stretch the row's clock stands still, by kind: §6.6 third party, §6.3 customer, §6.4 resolved."""
    return ([("third_party", start, end) for start, end in row.suspensions]
            + [("customer", p.start, p.end) for p in row.life.awaiting]
            + [("reopened", p.start, p.end) for p in row.life.reopened])


def _save(rows: Iterable[LogRow], now: datetime, report: TicketImportReport) -> None:
    """Add or update each row's ticket (counted in *report*); a row as stored is left alone."""
    rows = list(rows)
    existing = _stored([r.reference for r in rows])
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
        ticket.resolved_reason, ticket.linked_to = row.life.resolved_reason, row.life.linked_to
        ticket.major, ticket.status = row.major.major, row.major.status  # §6.5
        ticket.priority_history, ticket.updates = history_text(row.major.history), updates_text(row.major.updates)
        # The call log is the source of truth: its pauses replace the stored ones.
        ticket.suspensions = [TicketSuspension(kind=kind, start=start, end=end) for kind, start, end in _pauses(row)]


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
    frame.columns = header_names(list(frame.columns))
    require_columns(frame, COLUMNS, source, _LOG)
    columns = {name: cells(frame, name) for name in COLUMNS + OPTIONAL_COLUMNS}
    schools = _school_ids(urns_named(columns["urn"]))  # one lookup for the file, not one per row
    rows = parse_rows(columns, schools, now, source, FIRST_DATA_ROW, CALENDAR)
    report = TicketImportReport.for_header(list(frame.columns))
    _save(rows, now, report)
    db.session.flush()
    audit.record("import", "Ticket", "-", f"ticket import from {source}: {report.summary()}")
    db.session.commit()
    return report


# --- target tables ---------------------------------------------------------------------


def _group_members(group_ids: set[int]) -> dict[int, list[int]]:
    """Group id -> the ids of its member schools."""
    members: dict[int, list[int]] = defaultdict(list)
    if group_ids:
        for school_id, group_id in db.session.execute(
                select(school_group_members.c.school_id, school_group_members.c.group_id)
                .where(school_group_members.c.group_id.in_(group_ids))):
            members[group_id].append(school_id)
    return members


def agreement_targets(school_ids: Collection[int] | None, period: Period) -> TargetTables:
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
    members = _group_members({r.group_id for r in rows if r.group_id is not None})

    def covered(r: Row) -> tuple[int, ...]:
        """The schools asked for that the agreement covers: its own, or its group's members."""
        schools = [r.school_id] if r.school_id is not None else members.get(r.group_id, [])
        return tuple(s for s in schools if school_ids is None or s in school_ids)

    return target_tables(AgreementTerm(r.id, covered(r), r.status == "cancelled", r.term_start, r.term_end,
                                       r.version, r.targets) for r in rows)


# --- measuring ---------------------------------------------------------------------------


def _tickets_query(school_id: int | None, period: Period) -> Select:
    lo, hi = period.utc_bounds()
    query = (select(Ticket.id, Ticket.reference, Ticket.school_id, School.urn, School.name, Ticket.type,
                    Ticket.priority, Ticket.summary, Ticket.logged_at, Ticket.resolved_at, Ticket.resolved_reason,
                    Ticket.linked_to, Ticket.major, Ticket.priority_history, Ticket.updates, Ticket.status)
             .join(School, Ticket.school_id == School.id)
             .where(Ticket.logged_at >= lo, Ticket.logged_at < hi))
    if school_id is not None:
        query = query.where(Ticket.school_id == school_id)
    return query.order_by(Ticket.logged_at, Ticket.id)


def _suspensions(school_id: int | None, period: Period) -> dict[int, list[tuple[str, Suspension]]]:
    """Ticket id -> its pauses by kind (§6.6 third party, §6.3 customer, §6.4 resolved until re-opened),
    for the tickets logged in *period*."""
    lo, hi = period.utc_bounds()
    query = (select(TicketSuspension.ticket_id, TicketSuspension.kind, TicketSuspension.start, TicketSuspension.end)
             .join(Ticket, TicketSuspension.ticket_id == Ticket.id)
             .where(Ticket.logged_at >= lo, Ticket.logged_at < hi))
    if school_id is not None:
        query = query.where(Ticket.school_id == school_id)
    suspended: dict[int, list[tuple[str, Suspension]]] = defaultdict(list)
    for ticket_id, kind, start, end in db.session.execute(query):
        suspended[ticket_id].append((kind, Suspension(start, end)))
    return suspended


def measured_tickets(school_id: int | None, period: Period, now: datetime, tables: TargetTables | None = None
                     ) -> tuple[list[MeasuredTicket], tuple[str, ...]]:
    """The tickets logged in *period* (of one school, or all), each measured at *now*.

    Three queries whatever the number of tickets: the tickets, their suspensions, the
    agreements with their targets. Returns the tickets in logged order and warnings
    about anything that could not be measured.
    """
    tickets = db.session.execute(_tickets_query(school_id, period)).all()
    suspended = _suspensions(school_id, period)
    tables = tables or agreement_targets(None if school_id is None else {school_id}, period)
    return measure_tickets(tickets, suspended, tables, now)


# --- reports -------------------------------------------------------------------------------


def school_report(school: School, period: Period, now: datetime | None = None) -> TicketReport:
    """One school's SLA performance over *period* (§11.1 "SLA reports are available on request")."""
    now = now or utcnow()
    tables = agreement_targets({school.id}, period)
    tickets, warnings = measured_tickets(school.id, period, now, tables)
    standards = contact_standards(school.id, period, now, tables, CALENDAR)  # §11.1 calls and emails
    return _with_mirs(replace(ticket_report(school.name, school.urn, period, now, tickets, warnings),
                              standards=standards))


def service_report(period: Period, now: datetime | None = None) -> TicketReport:
    """The whole service's SLA performance over *period*, with each school's figures."""
    now = now or utcnow()
    tables = agreement_targets(None, period)
    tickets, warnings = measured_tickets(None, period, now, tables)
    standards = contact_standards(None, period, now, tables, CALENDAR)
    return _with_mirs(replace(ticket_report("All schools", None, period, now, tickets, warnings),
                              standards=standards))


def _with_mirs(report: TicketReport) -> TicketReport:
    """§6.5: whether each major incident's MIR was shared, or why none was produced."""
    return replace(report, mirs=mir_statuses(t.id for t in report.major_incidents))


def schools_page(report: TicketReport, number: int, per_page: int) -> Page:
    """One page of the whole-service report's schools; a page past the end shows the last."""
    total = len(report.schools)
    number = min(max(1, number), max(1, -(-total // per_page)))
    return Page(list(report.schools[(number - 1) * per_page:number * per_page]), total, number, per_page)


# --- schools -------------------------------------------------------------------------------


def school_by_urn(urn: int) -> School | None:
    """The school with this URN, or None."""
    return db.session.scalar(select(School).where(School.urn == urn))


def find_school(urn: int) -> School:
    """The school with this URN, or ActionRefused naming it."""
    school = school_by_urn(urn)
    if school is None:
        raise ActionRefused(f"no school with URN {urn} in the register")
    return school


def schools_of(school_ids: Collection[int]) -> list[School]:
    """These schools by name (a school user's own, for choosing whose report to see)."""
    return list(db.session.scalars(select(School).where(School.id.in_(school_ids)).order_by(School.name)))


def ticket_count() -> int:
    """How many tickets are stored (for the import page)."""
    return db.session.scalar(select(func.count(Ticket.id))) or 0
