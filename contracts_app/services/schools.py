"""The school register: the GIAS import (all or nothing), the search, and the school
page's changes (customer type override, key stakeholders)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from flask import current_app
from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import selectinload

from pricing.customer_type import derive_customer_type
from register.extract import BadDate, gias_date, is_closed, reason

from contracts_app.extensions import db
from contracts_app.models import KeyStakeholder, School
from contracts_app.services import audit
from contracts_app.services.bounds import MAX_INT, records_problems
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    cells,
    one_line_problems,
    parse_whole_number,
    read_table,
    require_columns,
)
from pricing.spreadsheet import Download, download
from contracts_app.services.queries import Page, Sort, paginate, school_filter, sorted_by
from contracts_app.services.register import trusts
from pricing.errors import ImportRefused, Problem
from pricing.spreadsheet import Column

REQUIRED = ("URN", "EstablishmentName", "TypeOfEstablishment (name)", "LA (code)", "LA (name)")
# GIAS column -> our field, for the optional ones we keep.
OPTIONAL = {
    "PhaseOfEducation (name)": "phase",
    "EstablishmentStatus (name)": "status",
    "Street": "street",
    "Town": "town",
    "Postcode": "postcode",
    "TelephoneNum": "telephone",
}
# Our field -> the GIAS column it comes from, to name a value the schema cannot hold.
LABELS = {"urn": "URN", "name": "EstablishmentName", "establishment_type": "TypeOfEstablishment (name)",
          "la_code": "LA (code)", "la_name": "LA (name)", "gias_pupils": "NumberOfPupils",
          "head_name": "HeadFirstName and HeadLastName", **{ours: gias for gias, ours in OPTIONAL.items()}}
# GIAS's open and close (issue #28): dates DD-MM-YYYY, blank allowed; reasons as GIAS names them.
DATES = {"OpenDate": "opened_on", "CloseDate": "closed_on"}
REASONS = {"ReasonEstablishmentOpened (name)": "open_reason", "ReasonEstablishmentClosed (name)": "close_reason"}
LABELS.update({ours: gias for gias, ours in (*DATES.items(), *REASONS.items())})
COMPARED = ("name", "establishment_type", "phase", "status", "la_code", "la_name", "street", "town",
            "postcode", "telephone", "head_name", "gias_pupils", "customer_type_derived",
            "opened_on", "open_reason", "closed_on", "close_reason")


@dataclass
class SchoolsImportReport:
    """What a GIAS import did: schools added, updated, unchanged, closed (schools of the register the
    file says have closed: updated too) and skipped (closed establishments the register never held)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    trusts: trusts.TrustImportReport | None = None  # issue #29: None when the file has no trust columns

    def summary(self) -> str:
        """One line for the page's message and the command's output."""
        closed = f" ({len(self.closed)} closed)" if self.closed else ""
        return (f"{self.added} added, {self.updated} updated{closed}, {self.unchanged} unchanged, "
                f"{len(self.skipped)} skipped (closed)")


def _parse(frame: pd.DataFrame, source: str, home_la: int) -> list[dict]:
    """Every school row as our fields (closed ones too: a school of the register may have closed),
    or the refusal naming every problem by row and column."""
    require_columns(frame, REQUIRED, source, "a GIAS extract")
    columns = {name: cells(frame, name) for name in (*REQUIRED, *OPTIONAL, *REASONS, "NumberOfPupils",
                                                      "HeadFirstName", "HeadLastName")}
    # Every field kept is one line: a school's name goes into emails' subjects (issue #27).
    problems: list[Problem] = one_line_problems(columns)
    dates, bad_dates = _date_columns(frame, problems)
    first_row: dict[int, int] = {}
    records: list[dict] = []
    rows: list[int] = []
    for i in range(len(frame)):
        row = i + FIRST_DATA_ROW
        urn = parse_whole_number(columns["URN"][i], row, "URN", problems, minimum=1)
        la_code = parse_whole_number(columns["LA (code)"][i], row, "LA (code)", problems)
        pupils = parse_whole_number(columns["NumberOfPupils"][i], row, "NumberOfPupils", problems,
                                    required=False)
        name = columns["EstablishmentName"][i]
        est_type = columns["TypeOfEstablishment (name)"][i]
        if not name:
            problems.append(Problem(row, "EstablishmentName", "is empty"))
        if not est_type:
            problems.append(Problem(row, "TypeOfEstablishment (name)", "is empty"))
        if urn is not None:
            if urn in first_row:
                problems.append(Problem(row, "URN", f"duplicate URN {urn} (also on row {first_row[urn]})"))
                continue
            first_row[urn] = row
        if urn is None or la_code is None or not name or not est_type or i in bad_dates:
            continue
        head = " ".join(p for p in (columns["HeadFirstName"][i], columns["HeadLastName"][i]) if p)
        record = {
            "urn": urn, "name": name, "establishment_type": est_type, "la_code": la_code,
            "la_name": columns["LA (name)"][i], "gias_pupils": pupils, "head_name": head,
            "customer_type_derived": derive_customer_type(est_type, la_code, home_la),
        }
        for gias, ours in OPTIONAL.items():
            record[ours] = columns[gias][i]
        record["status"] = record["status"] or "Open"
        for gias, ours in REASONS.items():
            record[ours] = reason(columns[gias][i])
        for ours, values in dates.items():
            record[ours] = values[i]
        records.append(record)
        rows.append(row)
    problems.extend(records_problems(School, records, rows, LABELS))
    if problems:
        raise ImportRefused(problems, source)
    if not records:
        raise ImportRefused(Problem(None, None, "the file has no school rows"), source)
    return records


def _date_columns(frame: pd.DataFrame, problems: list[Problem]) -> tuple[dict[str, list], set[int]]:
    """OpenDate and CloseDate as dates (blank: None), each distinct cell read once, and the indexes
    of the rows with a bad one (named in ``problems`` by row and column)."""
    dates: dict[str, list] = {}
    bad_rows: set[int] = set()
    for gias, ours in DATES.items():
        values = cells(frame, gias)
        parsed, bad = {}, {}
        for value in set(values):
            try:
                parsed[value] = gias_date(value)
            except BadDate as exc:
                parsed[value], bad[value] = None, str(exc)
        for i, value in enumerate(values) if bad else ():
            if value in bad:
                problems.append(Problem(i + FIRST_DATA_ROW, gias, bad[value]))
                bad_rows.add(i)
        dates[ours] = [parsed[value] for value in values]
    return dates, bad_rows


def _plain(value: object) -> object:
    """A value as the audit trail's JSON holds it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def _with_derived(record: dict, override: str | None) -> dict:
    return {
        **record,
        "name_lower": record["name"].lower(),
        "postcode_compact": record["postcode"].replace(" ", "").lower(),
        "customer_type": override or record["customer_type_derived"],
    }


def import_schools(data: bytes | str | Path, source: str = "GIAS file") -> SchoolsImportReport:
    """Add new schools and update existing ones by URN, their open and close dates and reasons
    included: a school of the register that GIAS says has closed is updated (closed), a closed
    establishment the register does not hold is skipped.

    The whole file is validated before anything is written; one transaction.
    """
    frame = read_table(data, source)
    records = _parse(frame, source, current_app.config["HOME_LA_CODE"])
    trust_rows, frame = trusts.parse_extract(frame, source), None  # issue #29: refused before any write
    report = SchoolsImportReport()

    existing = {
        row.urn: row
        for row in db.session.execute(
            select(School.id, School.urn, School.customer_type_override,
                   *(getattr(School, c) for c in COMPARED))
        )
    }
    inserts: list[dict] = []
    updates: list[dict] = []
    audit_rows: list[dict] = []
    for record in records:
        current = existing.get(record["urn"])
        closing = is_closed(record["status"])
        if current is None:
            if closing:  # never in the register: nothing to close
                report.skipped.append(f"{record['urn']} {record['name']}")
            else:
                inserts.append(_with_derived(record, None))
            continue
        changes = {c: [_plain(getattr(current, c)), _plain(record[c])] for c in COMPARED
                   if getattr(current, c) != record[c]}
        if not changes:
            report.unchanged += 1
            continue
        if closing and not is_closed(current.status):
            report.closed.append(f"{record['urn']} {record['name']}")
        updates.append({"id": current.id, **_with_derived(record, current.customer_type_override)})
        audit_rows.append({"action": "update", "entity_type": "School", "entity_id": str(current.id),
                           "summary": f"{record['urn']} {record['name']} (GIAS import)", "changes": changes})
    del records, existing  # the rows to write are copies: a national file's parse goes before the writes
    # Bulk statements: no per-row round trips for a 25,000-school file.
    if inserts:
        # Core, not the ORM's bulk insert: a third of a national import went on its bookkeeping.
        db.session.execute(insert(School.__table__), inserts)
        new_ids = dict(db.session.execute(select(School.urn, School.id)).all())
        audit_rows.extend(
            {"action": "create", "entity_type": "School", "entity_id": str(new_ids.get(r["urn"], "?")),
             "summary": f"{r['urn']} {r['name']} (GIAS import)", "changes": None}
            for r in inserts
        )
    if updates:
        db.session.execute(update(School), updates)
    report.added, report.updated = len(inserts), len(updates)
    report.trusts = trusts.apply_extract(trust_rows, date.today()) if trust_rows is not None else None
    audit.record_many(db.session, audit_rows)
    audit.record("import", "School", "-", f"GIAS import from {source}: {report.summary()}")
    db.session.commit()
    return report


# -- the register's pages --------------------------------------------------------------

# URNs are six digits; a number past the database's integers (a typed URN) would not even
# bind on SQLite, and no school has it.
STAKEHOLDER_FIELDS = ("name", "role", "email", "phone", "invoices", "agreements", "notices")


def by_urn(urn: int | None, *, details: bool = False) -> School | None:
    """The school with this URN, or None; ``details`` loads its contacts, census figures and groups."""
    if urn is None or not 0 < urn <= MAX_INT:
        return None
    query = select(School).where(School.urn == urn)
    if details:
        query = query.options(selectinload(School.stakeholders), selectinload(School.census_figures),
                              selectinload(School.groups))
    return db.session.scalar(query)


# The columns the schools list shows, by the key its ``?sort=`` names (issue #30).
SORTS = {"urn": School.urn, "name": School.name_lower, "establishment_type": School.establishment_type,
         "customer_type": School.customer_type, "la": School.la_code, "postcode": School.postcode_compact}
EXPORT_COLUMNS = (Column("urn", "whole"), Column("name"), Column("establishment_type"), Column("customer_type"),
                  Column("customer_type_override"), Column("la_code", "whole"), Column("la_name"),
                  Column("postcode"), Column("status"), Column("opened_on", "date"), Column("closed_on", "date"))


def _searched(q: str, customer_type: str, school_ids: set[int] | None, sort: Sort | None) -> Select:
    query = school_filter(select(School), q, customer_type)
    if school_ids is not None:
        query = query.where(School.id.in_(school_ids or {-1}))
    return sorted_by(query, sort or Sort("name"), SORTS, (School.name_lower, School.urn))


def search(q: str = "", customer_type: str = "", page: int = 1, per_page: int = 50,
           school_ids: set[int] | None = None, sort: Sort | None = None) -> Page:
    """Schools by name, URN or postcode, a page at a time, by name unless another column is chosen.

    ``school_ids`` limits the search to a school user's own schools (None: staff, all).
    """
    return paginate(_searched(q, customer_type, school_ids, sort), page, per_page)


def export(q: str, customer_type: str, sort: Sort | None, fmt: str) -> Download:
    """Every school the filters find, in the list's order, as CSV or XLSX."""
    rows = ([s.urn, s.name, s.establishment_type, s.customer_type, s.customer_type_override or "", s.la_code,
             s.la_name, s.postcode, s.status, s.opened_on, s.closed_on]
            for s in db.session.scalars(_searched(q, customer_type, None, sort)))
    return download(EXPORT_COLUMNS, rows, "schools", fmt)


def set_customer_type(school: School, override: str | None, reason: str | None) -> School:
    """Override the type derived from GIAS (or go back to it); an override needs a reason."""
    school.customer_type_override = override or None
    school.override_reason = (reason or "").strip() or None if override else None
    school.refresh_derived_fields()
    db.session.commit()
    return school


def stakeholder(school: School, contact_id: int) -> KeyStakeholder | None:
    """One of the school's key stakeholders, or None (another school's contact included)."""
    contact = db.session.get(KeyStakeholder, contact_id)
    return contact if contact is not None and contact.school_id == school.id else None


def add_stakeholder(school: School, **values: str) -> KeyStakeholder:
    """A new key stakeholder (§9.6) with the given name, role, email and phone."""
    contact = KeyStakeholder(school=school)
    _fill_stakeholder(contact, values)
    db.session.add(contact)
    db.session.commit()
    return contact


def update_stakeholder(contact: KeyStakeholder, **values: str) -> KeyStakeholder:
    """Change a key stakeholder's name, role, email or phone."""
    _fill_stakeholder(contact, values)
    db.session.commit()
    return contact


def remove_stakeholder(contact: KeyStakeholder) -> None:
    """Remove a key stakeholder from its school."""
    db.session.delete(contact)
    db.session.commit()


def _fill_stakeholder(contact: KeyStakeholder, values: dict[str, str]) -> None:
    for name in STAKEHOLDER_FIELDS:
        if name in values:
            setattr(contact, name, values[name])
