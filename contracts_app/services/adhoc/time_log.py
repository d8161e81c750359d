"""The service desk's time log imported as time entries, all or nothing (DESIGN §4, SLA §2.6, §7.3-7.4).

Every row is checked first (unknown school or kind, a reference that is not a request,
or is another school's or kind's, minutes of zero or less, a date in the future, before
the authorisation or in a year with no published ad hoc rate, a request not authorised
(§7.3) or already complete (§7.4), a row repeated in the file) and nothing is written if
any is wrong. Rows imported before are recognised by their key and skipped, so the same
log twice adds nothing and charges nothing twice; a log with nothing new is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from adhoc.lifecycle import AdhocRuleBroken, check_bookable, check_kind, check_minutes, check_work_date
from adhoc.time_log import COLUMNS, IMPORTED_BY, import_key, parse_work_date
from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, School, TimeEntry
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.adhoc.lifecycle import normalise_reference, transition
from contracts_app.services.adhoc.rates import PriceBook, check_rate
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    analyze_after_bulk_insert,
    cells,
    chunked,
    parse_whole_number,
    read_table,
    require_columns,
)
from pricing.errors import ImportRefused, Problem

Columns = dict[str, list[str]]
LISTED = 20  # requests named in the summary; the rest are counted


@dataclass
class TimeLogReport:
    """What an import added: entries, minutes, the requests they went to, and rows skipped as seen before."""

    source: str
    added: int = 0
    minutes: int = 0
    already_imported: int = 0
    references: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report in one line, for the page and the command."""
        parts = [f"{self.added} time entr{'y' if self.added == 1 else 'ies'} added ({self.minutes} minutes) to "
                 f"{len(self.references)} request(s)"]
        if self.started:
            more = len(self.started) - LISTED
            parts.append(f"work started on {', '.join(self.started[:LISTED])}"
                         + (f" and {more:,} more" if more > 0 else ""))
        if self.already_imported:
            parts.append(f"{self.already_imported} row(s) already imported before, skipped")
        return "; ".join(parts)


@dataclass(frozen=True)
class _Row:
    """A row whose cells all parsed; whether its request takes the time is checked after."""

    number: int
    urn: int | None
    reference: str
    kind: str
    work_date: date
    minutes: int
    note: str
    key: str


def import_time_log(data: bytes | str | Path, source: str = "time log", today: date | None = None) -> TimeLogReport:
    """The service desk's time log (DESIGN §4: urn,reference,kind,date,minutes,description) -> time entries.

    All or nothing, and rows imported before are skipped (see the module's docstring).
    """
    columns = _read_columns(data, source)
    problems: list[Problem] = []
    rows, requests = _parse_rows(columns, problems)
    report = TimeLogReport(source)
    new_rows = _new_rows(rows, requests, report, problems, today or date.today())
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.row or 0), source)
    if not new_rows:
        raise ImportRefused(Problem(None, None, (
            f"all {report.already_imported} row(s) of this time log were imported before; nothing was added, so "
            "nothing is charged twice")), source)
    _save(new_rows, report)
    return report


def _read_columns(data: bytes | str | Path, source: str) -> Columns:
    frame = read_table(data, source)
    frame.columns = [c.strip().lower() for c in frame.columns]
    require_columns(frame, COLUMNS, source, "a service desk time log (urn,reference,kind,date,minutes,description)")
    if frame.empty:
        raise ImportRefused(Problem(None, None, "the time log has no rows"), source)
    return {name: cells(frame, name) for name in COLUMNS}


def _parse_rows(columns: Columns, problems: list[Problem]) -> tuple[list[_Row], dict[str, AdHocRequest]]:
    """The rows whose cells parse, and the requests their references name, in two queries."""
    urns = [parse_whole_number(text, number, "urn", problems)
            for number, text in enumerate(columns["urn"], start=FIRST_DATA_ROW)]
    references = [normalise_reference(r) for r in columns["reference"]]
    known_urns: set[int] = set()
    for chunk in chunked(sorted({u for u in urns if u})):
        known_urns.update(db.session.scalars(select(School.urn).where(School.urn.in_(chunk))))
    requests: dict[str, AdHocRequest] = {}
    for chunk in chunked(sorted({r for r in references if r})):
        requests.update((r.reference, r) for r in db.session.scalars(
            select(AdHocRequest).where(AdHocRequest.reference.in_(chunk)).options(selectinload(AdHocRequest.school))))
    rows = []
    for index, (urn, reference) in enumerate(zip(urns, references)):
        row = _parse_row(columns, index, urn, reference, known_urns, problems)
        if row is not None:
            rows.append(row)
    return rows, requests


def _parse_row(columns: Columns, index: int, urn: int | None, reference: str, known_urns: set[int],
               problems: list[Problem]) -> _Row | None:
    """One row's cells, or None when any is wrong (each problem is added to ``problems``)."""
    number = FIRST_DATA_ROW + index
    found = len(problems)
    kind, date_text = columns["kind"][index].strip().lower(), columns["date"][index]
    description = columns["description"][index]
    work_date = parse_work_date(date_text)
    if not date_text:
        problems.append(Problem(number, "date", "is empty"))
    elif work_date is None:
        problems.append(Problem(number, "date", f"{date_text!r} is not a date (use YYYY-MM-DD)"))
    minutes = parse_whole_number(columns["minutes"][index], number, "minutes", problems, minimum=-(10 ** 9))
    if minutes is not None:
        try:
            check_minutes(minutes)
        except AdhocRuleBroken as exc:
            problems.append(Problem(number, "minutes", str(exc)))
    try:
        check_kind(kind)
    except AdhocRuleBroken as exc:
        problems.append(Problem(number, "kind", str(exc) if kind else "is empty"))
    if urn is not None and urn not in known_urns:
        problems.append(Problem(number, "urn", f"no school with URN {urn}"))
    if not reference:
        problems.append(Problem(number, "reference", "is empty"))
    if len(problems) > found:
        return None
    return _Row(number, urn, reference, kind, work_date, minutes, description.strip(),
                import_key(urn, reference, kind, work_date, minutes, description))


def _new_rows(rows: list[_Row], requests: dict[str, AdHocRequest], report: TimeLogReport,
              problems: list[Problem], today: date) -> list[tuple[AdHocRequest, _Row]]:
    """The rows not imported before, each with the request that takes its time."""
    known: set[str] = set()
    for chunk in chunked(row.key for row in rows):
        known.update(db.session.scalars(select(TimeEntry.import_key).where(TimeEntry.import_key.in_(chunk))))
    first_seen: dict[str, int] = {}
    book = PriceBook()
    new_rows = []
    for row in rows:
        if row.key in known:
            report.already_imported += 1  # imported before: skipped whatever the request's state now
            continue
        if row.key in first_seen:
            problems.append(Problem(row.number, None, f"repeats row {first_seen[row.key]} exactly; the same work "
                                                      "would be charged twice"))
            continue
        first_seen[row.key] = row.number
        request = requests.get(row.reference)
        problem = _request_problem(row, request, book, today)
        if problem is not None:
            problems.append(problem)
        else:
            new_rows.append((request, row))
    return new_rows


def _request_problem(row: _Row, request: AdHocRequest | None, book: PriceBook, today: date) -> Problem | None:
    """Why the row's request cannot take its time (§2.6, §7.3, §7.4), or None."""
    reference = row.reference
    if request is None:
        return Problem(row.number, "reference", f"no ad hoc request {reference}: create it and have the school "
                                                "authorise it before importing its time")
    if request.school.urn != row.urn:
        return Problem(row.number, "urn", f"request {reference} is for {request.school.name} (URN "
                                          f"{request.school.urn}), not URN {row.urn}")
    if request.kind != row.kind:
        return Problem(row.number, "kind", f"request {reference} is a {request.kind} request, not {row.kind}")
    try:
        check_bookable(request.status)
    except AdhocRuleBroken as exc:
        return Problem(row.number, "reference", f"{reference}: {exc}")
    try:
        check_work_date(request.authorised_on, row.work_date, today)
        check_rate(book, row.work_date, request.school.customer_type)
    except AdhocRuleBroken as exc:
        return Problem(row.number, "date", str(exc))
    return None


def _save(new_rows: list[tuple[AdHocRequest, _Row]], report: TimeLogReport) -> None:
    """Insert the entries in one executemany with their audit rows, start the work on requests that had
    none (§7.3), audit the import, commit."""
    now, touched = utcnow(), {}
    entries = [{"request_id": request.id, "work_date": row.work_date, "minutes": row.minutes, "who": IMPORTED_BY,
                "note": row.note, "import_key": row.key, "created_at": now} for request, row in new_rows]
    table = TimeEntry.__table__  # the new ids come back with the insert, matched by import key
    ids = dict(db.session.execute(insert(table).returning(table.c.import_key, table.c.id), entries).all())
    analyze_after_bulk_insert(table)
    audit.record_many(db.session, [
        {"action": "create", "entity_type": "TimeEntry", "entity_id": str(ids[e["import_key"]]),
         "summary": IMPORTED_BY, "changes": {k: str(v) if isinstance(v, (date, datetime)) else v
                                             for k, v in e.items()}} for e in entries])
    for request, row in new_rows:
        report.added += 1
        report.minutes += row.minutes
        touched[request.id] = request
    for request in touched.values():
        db.session.expire(request, ["entries"])  # added in bulk, beside the ORM
        if request.status == "authorised":
            transition(request, "in_progress")
            report.started.append(request.reference)
    report.references = sorted(r.reference for r in touched.values())
    db.session.flush()
    audit.record("import", "TimeEntry", "-", f"{report.source}: {report.summary()}")
    db.session.commit()
