"""Ad hoc requests raised in the call-logging system, imported all or nothing (DESIGN §4; SLA §7.3, §9.4-9.5).

Columns ``urn,reference,kind,description,estimate_hours,authorised_by,authorised_on``
and optionally ``third_party,report``. Each row is a request created, estimated (when it
gives hours) and authorised in writing (when it names who and when) by the same service
functions as the pages - so a Project SR needs its estimate before its authorisation
(§7.3), rework names its third party (§9.5) and the approver is not that third party
(§9.4). Every row is tried in one transaction; if any row is refused, every problem is
reported by row and column and nothing is saved. A row whose reference was imported
before (a request of the same school) is skipped, so the same file twice adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from adhoc.lifecycle import AdhocRuleBroken
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
from contracts_app.services import audit
from contracts_app.services.adhoc.lifecycle import (
    AdhocRefused,
    add_request,
    give_estimate,
    normalise_reference,
    record_authorisation,
)
from contracts_app.services.imports import FIRST_DATA_ROW, cells, parse_whole_number, read_table, require_columns
from contracts_app.services.transactions import discard_changes
from pricing.errors import ImportRefused, Problem

IMPORTED_BY = "ad hoc requests import"
# The service's form fields, as this file's columns name them.
FIELD_COLUMNS = {"urn": "urn", "reference": "reference", "kind": "kind", "description": "description",
                 "third_party": "third_party", "hours": "estimate_hours", "sla_year": "estimate_hours",
                 "name": "authorised_by", "authorised_on": "authorised_on"}


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
        parts = [f"{len(self.created)} request(s) created ({', '.join(self.created)})",
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
    schools = {s.urn: s for s in db.session.scalars(select(School).where(School.urn.in_(
        {u for u in urns.values() if u is not None})))}
    existing = {r.reference: r for r in db.session.scalars(select(AdHocRequest).where(
        AdHocRequest.reference.in_({normalise_reference(row["reference"]) for row in rows})))}
    report = RequestsImportReport(source)
    first_seen: dict[str, int] = {}
    for row in rows:
        if any(p.row == row.number for p in problems):
            continue
        reference, school = normalise_reference(row["reference"]), schools.get(urns[row.number])
        problem = _known_problem(row, reference, school, existing.get(reference), first_seen)
        if problem == "skip":
            report.already_imported += 1
        elif problem is not None:
            problems.append(problem)
        else:
            problems.extend(_stage(row, school, report, today or date.today()))
    if problems:
        discard_changes()
        raise ImportRefused(sorted(problems, key=lambda p: p.row or 0), source)
    if report.created:
        db.session.flush()
        audit.record("import", "AdHocRequest", "-", f"{source}: {report.summary()}")
        db.session.commit()
    return report


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
    """What is wrong with the row's cells on their own: hours, a date, a length."""
    problems: list[Problem] = []
    checks = [("estimate_hours", lambda: parse_hours(row["estimate_hours"])),
              ("authorised_on", lambda: check_authorisation_cells(row["authorised_by"], row["authorised_on"])),
              ("authorised_by", lambda: check_length("authorised_by", row["authorised_by"])),
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


def _stage(row: _Row, school: School, report: RequestsImportReport, today: date) -> list[Problem]:
    """Create, estimate and authorise the row's request as the pages do, uncommitted; or why not."""
    hours = parse_hours(row["estimate_hours"])
    authorised_on = parse_work_date(row["authorised_on"]) if row["authorised_on"] else None
    step = "reference"
    try:
        request = add_request(school, row["reference"], row["kind"].lower(), row["description"],
                              third_party=row["third_party"], intervention_report=row["report"], by=IMPORTED_BY)
        step = "estimate_hours"
        if hours is not None:
            give_estimate(request, hours, estimate_year(authorised_on, today), IMPORTED_BY)
        if row["authorised_by"] or authorised_on is not None:
            record_authorisation(request, name=row["authorised_by"], on=authorised_on, via="written", today=today)
    except AdhocRefused as exc:
        return [Problem(row.number, FIELD_COLUMNS.get(exc.field or "", step), exc.message)]
    report.created.append(request.reference)
    report.estimated += hours is not None
    report.authorised += request.status == "authorised"
    return []
