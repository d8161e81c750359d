"""School contacts as email recipients (issue #18): who receives invoices, agreements and
notices, and the contacts import (urn,name,role,email,phone,invoices,agreements,notices[,einvoices]);
``einvoices``: the e-invoice (UBL) with each invoice too (issue #32)."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import KeyStakeholder, School
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    cells,
    one_line_problems,
    parse_whole_number,
    read_table,
    require_columns,
)
from pricing.errors import ImportRefused, Problem

FLAGS = ("invoices", "agreements", "notices")
OPTIONAL_FLAGS = ("einvoices",)  # a file without the column leaves it as it is (new contacts: no)
COLUMNS = ("urn", "name", "role", "email", "phone", *FLAGS, *OPTIONAL_FLAGS)
REQUIRED = ("urn", "name", "role", "email", *FLAGS)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_PHONE = re.compile(r"^[0-9 +()-]*$")


def contacts_for(school_id: int, flag: str) -> list[str]:
    """The addresses of a school's contacts who receive `flag` ("invoices", "agreements", "notices")."""
    return contacts_by_school([school_id], flag).get(school_id, [])


def contacts_by_school(school_ids: Iterable[int], flag: str) -> dict[int, list[str]]:
    """{school id: addresses} for many schools in one query (schools without any are absent)."""
    if flag not in FLAGS + OPTIONAL_FLAGS:
        raise ValueError(f"unknown contact flag {flag!r}")
    ids = list(set(school_ids))
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            select(KeyStakeholder.school_id, KeyStakeholder.email)
            .where(KeyStakeholder.school_id.in_(ids[start:start + 500]), getattr(KeyStakeholder, flag).is_(True),
                   KeyStakeholder.email != "")
            .order_by(KeyStakeholder.school_id, KeyStakeholder.name)
        )
        for school_id, email in rows:
            if email.strip().lower() not in (e.lower() for e in found[school_id]):
                found[school_id].append(email.strip())
    return dict(found)


@dataclass
class ContactsImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


def import_contacts(data: bytes | str | Path, source: str = "contacts file") -> ContactsImportReport:
    """All or nothing: every row checked first, each problem named by row and column."""
    frame = read_table(data, source)
    require_columns(frame, REQUIRED, source, "a contacts file (urn,name,role,email,phone,invoices,agreements,notices)")
    columns = {name: cells(frame, name) for name in COLUMNS}
    given = set(FLAGS) | {flag for flag in OPTIONAL_FLAGS if flag in frame.columns}
    # A contact's name goes into emails: a line break would cut a subject (issue #27).
    problems = one_line_problems({name: columns[name] for name in ("name", "role", "email", "phone")})
    bad_cells = {(p.row, p.column) for p in problems}
    urns = [parse_whole_number(v, row, "urn", problems, minimum=100000)
            for row, v in enumerate(columns["urn"], start=FIRST_DATA_ROW)]
    schools = _schools_by_urn({u for u in urns if u is not None})
    records = []
    seen: dict[tuple[int, str], int] = {}
    for index, urn in enumerate(urns):
        row = index + FIRST_DATA_ROW
        values = {name: columns[name][index] for name in COLUMNS}
        if any((row, name) in bad_cells for name in COLUMNS):
            continue
        record = _parse_row(row, values, problems, given)
        if urn is not None and urn not in schools:
            problems.append(Problem(row, "urn", f"no school with URN {urn} in the register"))
        if urn is None or record is None:
            continue
        pair = (urn, record["email"].lower())
        if pair in seen:
            problems.append(Problem(row, "email", f"{record['email']} is already on row {seen[pair]} for URN {urn}"))
            continue
        seen[pair] = row
        records.append((schools.get(urn), record))
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.row or 0), source)  # by row, as the file reads
    return _save(records)


def _parse_row(row: int, values: dict[str, str], problems: list[Problem], given: set[str]) -> dict | None:
    before = len(problems)
    for name, limit in (("name", 200), ("role", 120), ("phone", 40)):
        if name != "phone" and not values[name]:
            problems.append(Problem(row, name, "is empty"))
        elif len(values[name]) > limit:
            problems.append(Problem(row, name, f"is longer than {limit} characters"))
    if values["phone"] and not _PHONE.match(values["phone"]):
        problems.append(Problem(row, "phone", f"{values['phone']!r}: use digits, spaces and + ( ) - only"))
    email = _email(values["email"], row, problems)
    flags = {}
    for flag in (f for f in FLAGS + OPTIONAL_FLAGS if f in given):
        answer = values[flag].lower()
        if answer not in _YES | _NO:
            problems.append(Problem(row, flag, f"{values[flag]!r} is not yes or no" if answer else "is empty (yes or no)"))
        flags[flag] = answer in _YES
    if len(problems) > before:
        return None
    return {"name": values["name"], "role": values["role"], "email": email, "phone": values["phone"], **flags}


def _email(value: str, row: int, problems: list[Problem]) -> str:
    if not value:
        problems.append(Problem(row, "email", "is empty"))
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        problems.append(Problem(row, "email", f"{value!r} is not an email address ({exc})"))
        return ""


def _schools_by_urn(urns: set[int]) -> dict[int, School]:
    found: dict[int, School] = {}
    ordered = sorted(urns)
    for start in range(0, len(ordered), 500):
        query = select(School).where(School.urn.in_(ordered[start:start + 500]))
        found.update((s.urn, s) for s in db.session.scalars(query))
    return found


def _save(records: list[tuple[School, dict]]) -> ContactsImportReport:
    """Update the school's contact with the same email, or add one."""
    report = ContactsImportReport()
    school_ids = {school.id for school, _ in records}
    existing: dict[tuple[int, str], KeyStakeholder] = {}
    ids = sorted(school_ids)
    for start in range(0, len(ids), 500):
        for contact in db.session.scalars(select(KeyStakeholder).where(KeyStakeholder.school_id.in_(ids[start:start + 500]))):
            existing.setdefault((contact.school_id, contact.email.lower()), contact)
    for school, record in records:
        contact = existing.get((school.id, record["email"].lower()))
        if contact is None:
            db.session.add(KeyStakeholder(school_id=school.id, **record))
            report.added += 1
            continue
        changes = {name: value for name, value in record.items() if name != "email" and getattr(contact, name) != value}
        if changes:  # the address is the match: kept as the school typed it first
            for name, value in changes.items():
                setattr(contact, name, value)
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.commit()
    return report
