"""Ad hoc requests raised in the call-logging system, imported all or nothing (DESIGN §4; SLA §7.3, §9.4-9.5).

Columns ``urn,reference,kind,description,estimate_hours,authorised_by,authorised_on``
and optionally ``third_party,report``. Each row is a request created, estimated (when it
gives hours) and authorised in writing (when it names who and when) by the same service
functions as the pages - so a Project SR needs its estimate before its authorisation
(§7.3), rework names its third party (§9.5) and the approver is not that third party
(§9.4). Every row is tried in one transaction; if any row is refused, every problem is
reported by row and column and nothing is saved. A row whose reference was imported
before (a request of the same school) is skipped, so the same file twice adds nothing.

It works in bulk (issue #27: one row at a time it was quadratic, 703 s for 40,000 rows):
schools and references are looked up in chunks, each row is checked by the same domain
rules as the pages (adhoc.lifecycle), the requests are inserted in one executemany with
their audit rows, and their emails are queued in batches (``adhoc.requests_imported``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

from adhoc.lifecycle import (
    AdhocRuleBroken,
    check_authorisation,
    check_details,
    check_estimate,
    check_new_request,
    check_one_line,
)
from adhoc.requests_import import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    check_authorisation_cells,
    check_length,
    estimate_year,
    parse_hours,
)
from adhoc.time_log import parse_work_date
from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, School
from contracts_app.models.types import utcnow
from contracts_app.services import audit, events
from contracts_app.services.adhoc.lifecycle import AdhocRefused, estimate_rate, normalise_reference
from contracts_app.services.adhoc.rates import PriceBook
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    analyze_after_bulk_insert,
    cells,
    chunked,
    parse_whole_number,
    read_table,
    require_columns,
)
from contracts_app.services.transactions import discard_changes
from pricing.errors import ImportRefused, Problem

IMPORTED_BY = "ad hoc requests import"
# The service's form fields, as this file's columns name them.
FIELD_COLUMNS = {"urn": "urn", "reference": "reference", "kind": "kind", "description": "description",
                 "third_party": "third_party", "hours": "estimate_hours", "sla_year": "estimate_hours",
                 "name": "authorised_by", "authorised_on": "authorised_on", "intervention_report": "report"}
LISTED = 20  # references named in the summary; the rest are counted

@dataclass
class RequestsImportReport:
    """What an import created, and the rows skipped as imported before."""

    source: str
    created: list[str] = field(default_factory=list)
    estimated: int = 0
    authorised: int = 0
    already_imported: int = 0

    def summary(self) -> str:
        """The report in one line, for the page and the command."""
        if not self.created:
            return f"nothing new: {self.already_imported} row(s) imported before, skipped"
        named = ", ".join(self.created[:LISTED]) + (f" and {len(self.created) - LISTED:,} more"
                                                     if len(self.created) > LISTED else "")
        parts = [f"{len(self.created):,} request(s) created ({named})",
                 f"{self.estimated} estimated", f"{self.authorised} authorised"]
        if self.already_imported:
            parts.append(f"{self.already_imported} row(s) imported before, skipped")
        return ", ".join(parts)


@dataclass(frozen=True)
class _Row:
    """One row's number (spreadsheet numbering) and its cells, stripped ('' for an absent optional column)."""

    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]


def import_requests(data: bytes | str | Path, source: str = "ad hoc requests",
                    today: date | None = None) -> RequestsImportReport:
    """The ad hoc requests file -> requests, estimated and authorised as the pages would (see the module)."""
    rows = _read_rows(data, source)
    problems: list[Problem] = []
    urns = {row.number: parse_whole_number(row["urn"], row.number, "urn", problems) for row in rows}
    problems += [p for row in rows for p in _cell_problems(row)]
    schools = _schools({u for u in urns.values() if u is not None})
    existing = _existing({normalise_reference(row["reference"]) for row in rows} - {""})
    report = RequestsImportReport(source)
    first_seen: dict[str, int] = {}
    book, today = PriceBook(), today or date.today()
    bad_rows = {p.row for p in problems}
    planned: list[dict] = []
    for row in rows:
        if row.number in bad_rows:
            continue
        reference, school = normalise_reference(row["reference"]), schools.get(urns[row.number])
        problem = _known_problem(row, reference, school, existing.get(reference), first_seen)
        if problem == "skip":
            report.already_imported += 1
            continue
        plan = problem or _plan(row, school, book, today)
        if isinstance(plan, Problem):
            problems.append(plan)
        else:
            planned.append(plan)
    if problems:
        discard_changes()
        raise ImportRefused(sorted(problems, key=lambda p: p.row or 0), source)
    if planned:
        _save(planned, report)
    return report


def _schools(urns: set[int]) -> dict[int, School]:
    found: dict[int, School] = {}
    for chunk in chunked(sorted(urns)):
        found.update((s.urn, s) for s in db.session.scalars(select(School).where(School.urn.in_(chunk))))
    return found


def _existing(references: set[str]) -> dict[str, AdHocRequest]:
    found: dict[str, AdHocRequest] = {}
    for chunk in chunked(sorted(references)):
        found.update((r.reference, r) for r in db.session.scalars(
            select(AdHocRequest).where(AdHocRequest.reference.in_(chunk))))
    return found


def _read_rows(data: bytes | str | Path, source: str) -> list[_Row]:
    frame = read_table(data, source)
    frame.columns = [c.strip().lower() for c in frame.columns]
    require_columns(frame, COLUMNS, source, "an ad hoc requests file (" + ",".join(COLUMNS) + "[,third_party,report])")
    if frame.empty:
        raise ImportRefused(Problem(None, None, "the file has no rows"), source)
    columns = {name: cells(frame, name) for name in COLUMNS + OPTIONAL_COLUMNS}
    return [_Row(FIRST_DATA_ROW + index, {name: values[index] for name, values in columns.items()})
            for index in range(len(frame))]


def _cell_problems(row: _Row) -> list[Problem]:
    """What is wrong with the row's cells on their own: hours, a date, a length, a line break in a name."""
    problems: list[Problem] = []
    checks = [("estimate_hours", lambda: parse_hours(row["estimate_hours"])),
              ("authorised_on", lambda: check_authorisation_cells(row["authorised_by"], row["authorised_on"])),
              ("authorised_by", lambda: check_length("authorised_by", row["authorised_by"])),
              ("authorised_by", lambda: check_one_line("name", "name of who authorised the work",
                                                       row["authorised_by"])),
              ("third_party", lambda: check_length("third_party", row["third_party"]))]
    for column, check in checks:
        try:
            check()
        except AdhocRuleBroken as exc:
            problems.append(Problem(row.number, column, str(exc)))
    if row["authorised_on"] and parse_work_date(row["authorised_on"]) is None:
        problems.append(Problem(row.number, "authorised_on", f"{row['authorised_on']!r} is not a date "
                                                             "(use YYYY-MM-DD)"))
    return problems


def _known_problem(row: _Row, reference: str, school: School | None, existing: AdHocRequest | None,
                   first_seen: dict[str, int]) -> Problem | str | None:
    """"skip" for a row imported before; a problem for an unknown school or a reference already used."""
    if school is None:
        return Problem(row.number, "urn", f"no school with URN {row['urn']}")
    if reference and reference in first_seen:
        return Problem(row.number, "reference", f"repeats the reference of row {first_seen[reference]}")
    first_seen[reference] = row.number
    if existing is None:
        return None
    if existing.school_id == school.id:
        return "skip"
    return Problem(row.number, "reference", f"{reference} is already used by a request for {existing.school.name} "
                                            f"(URN {existing.school.urn})")


def _plan(row: _Row, school: School, book: PriceBook, today: date) -> dict | Problem:
    """The row's request as the pages would leave it (created, estimated, authorised in writing), or why not.

    The same domain checks as ``add_request``, ``give_estimate`` and ``record_authorisation``, in order.
    """
    kind, reference = row["kind"].lower(), normalise_reference(row["reference"])
    hours = parse_hours(row["estimate_hours"])
    authorised_on = parse_work_date(row["authorised_on"]) if row["authorised_on"] else None
    values = {"reference": reference, "school_id": school.id, "kind": kind, "status": "requested",
              "description": row["description"].strip(), "third_party": row["third_party"].strip(),
              "intervention_report": row["report"].strip(), "created_by": IMPORTED_BY}
    step = "reference"
    try:
        check_new_request(kind, row["reference"], row["third_party"])
        check_details(row["description"], row["report"])
        step = "estimate_hours"
        if hours is not None:
            check_estimate("requested", hours)
            year = estimate_year(authorised_on, today)
            values.update(estimate_hours=hours, estimate_rate=estimate_rate(year, school.customer_type, book),
                          estimate_sla_year=year, estimated_by=IMPORTED_BY, status="estimated")
        if row["authorised_by"] or authorised_on is not None:
            check_authorisation(kind, values["status"], name=row["authorised_by"], on=authorised_on,
                                via="written", third_party=row["third_party"], today=today)
            values.update(authorised_by_name=row["authorised_by"].strip(), authorised_on=authorised_on,
                          authorised_via="written", status="authorised")
    except AdhocRuleBroken as exc:
        prefix = f"{reference}: " if step != "reference" else ""
        return Problem(row.number, FIELD_COLUMNS.get(exc.field or "", step), prefix + str(exc))
    except AdhocRefused as exc:
        return Problem(row.number, FIELD_COLUMNS.get(exc.field or "", step), exc.message)
    return values


def _save(planned: list[dict], report: RequestsImportReport) -> None:
    """Insert the requests in one executemany, audit each, queue their emails, commit."""
    now = utcnow()
    for values in planned:
        values.update(created_at=now, estimated_at=now if "estimate_hours" in values else None)
    columns = {name for values in planned for name in values}
    rows = [{name: values.get(name) for name in columns} for values in planned]  # one shape: one executemany
    # The new ids come back with the insert, matched by reference (RETURNING without parameter order).
    table = AdHocRequest.__table__
    ids = dict(db.session.execute(insert(table).returning(table.c.reference, table.c.id), rows).all())
    analyze_after_bulk_insert(table)
    audit.record_many(db.session, [
        {"action": "create", "entity_type": "AdHocRequest", "entity_id": str(ids[r["reference"]]),
         "summary": f"{r['reference']} ({IMPORTED_BY})", "changes": {k: _plain(v) for k, v in r.items()}}
        for r in rows])
    report.created = [r["reference"] for r in rows]
    report.estimated = sum(r["estimate_hours"] is not None for r in rows) if "estimate_hours" in columns else 0
    report.authorised = sum(r["status"] == "authorised" for r in rows)
    # Only an estimate or an authorisation is emailed (as on the pages); a bare request is not.
    events.emit("adhoc.requests_imported", request_ids=[ids[r["reference"]] for r in rows
                                                        if r["status"] != "requested"])
    audit.record("import", "AdHocRequest", "-", f"{report.source}: {report.summary()}")
    db.session.commit()


def _plain(value: object) -> object:
    """A value as the audit trail's JSON keeps it (as services.audit writes the ORM's)."""
    return str(value) if isinstance(value, (Decimal, date, datetime)) else value
