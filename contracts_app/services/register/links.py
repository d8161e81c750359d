"""GIAS's links file in the register (issue #28): `schools links import` (all or nothing, the
stored links replaced by the file's) and a school's predecessors and successors for its page
and the API."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, insert, or_, select, update

from contracts_app.extensions import db
from contracts_app.models import School, SchoolLink
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.bounds import records_problems
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    analyze_after_bulk_insert,
    cells,
    chunked,
    one_line_problems,
    parse_whole_number,
    read_table,
    require_columns,
)
from pricing.bulk import cyclic_gc_paused
from pricing.errors import ImportRefused, Problem
from register.extract import BadDate, gias_date, is_proposed_to_close
from register.links import PREDECESSOR, SUCCESSOR, link_meaning

COLUMNS = ("URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate")
# Our field -> the GIAS column it comes from, to name a value the schema cannot hold.
LABELS = {"urn": "URN", "link_urn": "LinkURN", "link_name": "LinkName", "link_type": "LinkType",
          "established_on": "LinkEstablishedDate"}
Key = tuple[int, int, str]
INSERT_BATCH = 5000


@dataclass
class LinksImportReport:
    """What a links import did to the stored links: added, removed, changed (name or date), unchanged."""

    added: int = 0
    removed: int = 0
    unchanged: int = 0
    updated: int = 0

    def summary(self) -> str:
        """One line for the page's message and the command's output."""
        updated = f", {self.updated} updated" if self.updated else ""
        return f"{self.added} added, {self.removed} removed, {self.unchanged} unchanged{updated}"


def import_links(data: bytes | str | Path, source: str = "links file") -> LinksImportReport:
    """Replace the stored GIAS links with the file's: every link type kept as GIAS spells it.

    All or nothing (every problem named by row and column); one transaction, bulk statements.
    The same file twice changes nothing the second time.
    """
    with cyclic_gc_paused():  # 33,800 rows of short-lived, acyclic objects (pricing/bulk.py)
        return _import(data, source)


def _import(data: bytes | str | Path, source: str) -> LinksImportReport:
    links = _parse(read_table(data, source), source)
    existing = {(r.urn, r.link_urn, r.link_type): r for r in db.session.execute(
        select(SchoolLink.id, SchoolLink.urn, SchoolLink.link_urn, SchoolLink.link_type, SchoolLink.link_name,
               SchoolLink.established_on))}
    inserts, updates = [], []
    report = LinksImportReport()
    now = utcnow()  # one value, not the column default called once per row
    for key, (name, established_on) in links.items():
        current = existing.pop(key, None)
        if current is None:
            inserts.append({"urn": key[0], "link_urn": key[1], "link_type": key[2], "link_name": name,
                            "established_on": established_on, "updated_at": now})
        elif (current.link_name, current.established_on) == (name, established_on):
            report.unchanged += 1
        else:
            updates.append({"id": current.id, "link_name": name, "established_on": established_on,
                            "updated_at": now})
    gone = [row.id for row in existing.values()]  # stored links the file no longer has
    for ids in chunked(gone):
        db.session.execute(delete(SchoolLink).where(SchoolLink.id.in_(ids)))
    if updates:
        db.session.execute(update(SchoolLink), updates)
    if inserts:
        # Core, not the ORM's bulk insert: no per-object bookkeeping for 33,800 rows; in batches,
        # which keeps each executemany's parameter list small (measured faster than one of 33,800).
        for start in range(0, len(inserts), INSERT_BATCH):
            db.session.execute(insert(SchoolLink.__table__), inserts[start:start + INSERT_BATCH])
        analyze_after_bulk_insert(SchoolLink.__table__)
    report.added, report.removed, report.updated = len(inserts), len(gone), len(updates)
    audit.record("import", "SchoolLink", "-", f"GIAS links import from {source}: {report.summary()}")
    db.session.commit()
    return report


def _parse(frame, source: str) -> dict[Key, tuple[str, date | None]]:
    """(urn, link urn, link type) -> (link name, established on) for every row, or the refusal.
    Column by column (a national file is 33,800 rows): each distinct date and type is read once."""
    require_columns(frame, COLUMNS, source, "a GIAS links file")
    columns = {name: cells(frame, name) for name in COLUMNS}
    problems: list[Problem] = one_line_problems({c: columns[c] for c in ("LinkName", "LinkType")})
    urns = _urns(columns["URN"], "URN", problems)
    link_urns = _urns(columns["LinkURN"], "LinkURN", problems)
    spelled = {value: " ".join(value.split()) for value in set(columns["LinkType"])}
    types = [spelled[value] for value in columns["LinkType"]]
    problems += [Problem(i + FIRST_DATA_ROW, "LinkType", "is empty") for i, value in enumerate(types) if not value]
    dates = _dates(columns["LinkEstablishedDate"], problems)
    keys = list(zip(urns, link_urns, types))
    links = dict(zip(keys, zip(columns["LinkName"], dates)))
    if len(links) < len(keys):
        problems += _duplicates(keys)
    if not _fits(columns["LinkName"], "link_name") or not _fits(types, "link_type"):  # name each cell too long
        problems += records_problems(SchoolLink, [{"link_name": name, "link_type": link_type} for name, link_type
                                                  in zip(columns["LinkName"], types)],
                                     list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(keys))), LABELS)
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: (p.row or 0, COLUMNS.index(p.column)
                                                            if p.column in COLUMNS else 0)), source)
    if not links:
        raise ImportRefused(Problem(None, None, "the file has no link rows"), source)
    return links


def _fits(values: list[str], field: str) -> bool:
    """Every value fits the column (NUL characters are refused by read_table already)."""
    return max(map(len, values), default=0) <= SchoolLink.__table__.c[field].type.length


def _urns(values: list[str], column: str, problems: list[Problem]) -> list[int | None]:
    """URNs: six ASCII digits in every real row (the quick path), else the shared rule's checks."""
    return [int(value) if len(value) == 6 and value.isascii() and value.isdigit() and value[0] != "0"
            else parse_whole_number(value, row, column, problems, minimum=1)
            for row, value in enumerate(values, start=FIRST_DATA_ROW)]


def _dates(values: list[str], problems: list[Problem]) -> list[date | None]:
    """LinkEstablishedDate cells as dates (blank: None); a bad one named by row."""
    parsed: dict[str, date | None] = {}
    bad: dict[str, str] = {}
    for value in set(values):
        try:
            parsed[value] = gias_date(value)
        except BadDate as exc:
            parsed[value], bad[value] = None, str(exc)
    if bad:
        problems += [Problem(row, "LinkEstablishedDate", bad[value])
                     for row, value in enumerate(values, start=FIRST_DATA_ROW) if value in bad]
    return [parsed[value] for value in values]


def _duplicates(keys: list[tuple]) -> list[Problem]:
    """A link given twice (same URN, LinkURN and LinkType), by its second row."""
    first_row: dict[tuple, int] = {}
    problems = []
    for row, key in enumerate(keys, start=FIRST_DATA_ROW):
        if None in key or not key[2]:
            continue  # already named
        if key in first_row:
            problems.append(Problem(row, "LinkType", f"URN {key[0]} is linked to {key[1]} as {key[2]!r} "
                                                     f"twice (also on row {first_row[key]})"))
        else:
            first_row[key] = row
    return problems


# -- a school's links, read from both ends -------------------------------------------------

@dataclass(frozen=True)
class LinkedSchool:
    """A predecessor or successor of a school, as its page and the API show it."""

    urn: int
    name: str
    link_type: str
    established_on: date | None
    in_register: bool

    def as_dict(self) -> dict:
        return {"urn": self.urn, "name": self.name, "link_type": self.link_type,
                "established_on": self.established_on}


@dataclass(frozen=True)
class SchoolLinks:
    """A school's predecessors and successors; `upcoming` when GIAS only proposes the change."""

    predecessors: list[LinkedSchool]
    successors: list[LinkedSchool]
    upcoming: bool


def links_of(school: School) -> SchoolLinks:
    """The school's predecessors and successors from the stored links, read from both ends (a link
    GIAS records only on the other school's row still counts). The link type is the one on the
    school's own row when there is one, else the other school's, as GIAS spells it.

    A school "Open, but proposed to close" with a successor is an upcoming change (GIAS: proposed,
    not yet made): shown, never acted on."""
    rows = db.session.execute(
        select(SchoolLink.urn, SchoolLink.link_urn, SchoolLink.link_name, SchoolLink.link_type,
               SchoolLink.established_on)
        .where(or_(SchoolLink.urn == school.urn, SchoolLink.link_urn == school.urn))
        .order_by(SchoolLink.urn != school.urn, SchoolLink.id)  # the school's own rows first
    ).all()
    found: dict[tuple[str, int], tuple[str, str, date | None]] = {}
    for urn, link_urn, name, link_type, established_on in rows:
        direction = link_meaning(link_type).direction
        if urn == school.urn:
            other, side = link_urn, direction
        else:  # the other school's row: its successor is this school's predecessor, and the reverse
            other, side, name = urn, {SUCCESSOR: PREDECESSOR, PREDECESSOR: SUCCESSOR}.get(direction), ""
        if side in (PREDECESSOR, SUCCESSOR) and other != school.urn:
            found.setdefault((side, other), (name, link_type, established_on))
    names = _register_names({other for _, other in found})
    linked = {side: sorted((LinkedSchool(other, name or names.get(other, ""), link_type, established_on,
                                         other in names)
                            for (s, other), (name, link_type, established_on) in found.items() if s == side),
                           key=lambda link: (link.established_on or date.min, link.urn))
              for side in (PREDECESSOR, SUCCESSOR)}
    return SchoolLinks(linked[PREDECESSOR], linked[SUCCESSOR],
                       upcoming=is_proposed_to_close(school.status) and bool(linked[SUCCESSOR]))


def _register_names(urns: set[int]) -> dict[int, str]:
    """{urn: name} of those URNs the register holds."""
    names: dict[int, str] = {}
    for chunk in chunked(sorted(urns)):
        names.update(db.session.execute(select(School.urn, School.name).where(School.urn.in_(chunk))).all())
    return names
