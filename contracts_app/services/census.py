"""Census figures: `census import` and the SLA team's audited manual overrides (§2.6)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update

from pricing.census import CensusRef, census_for_year, parse_census_label
from pricing.errors import PriceRuleError
from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, School
from contracts_app.services import audit
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    cells,
    parse_whole_number,
    read_table,
    require_columns,
)
from pricing.errors import ActionRefused, ImportRefused, Problem

COLUMNS = ("urn", "census", "pupils")
# No school has this many pupils; a bigger figure is a typo (and would not fit the column).
MAX_PUPILS = 100_000


@dataclass
class CensusImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    overrides_replaced: int = 0

    def summary(self) -> str:
        replaced = f", {self.overrides_replaced} manual override(s) replaced" if self.overrides_replaced else ""
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged{replaced}"


def import_census(data: bytes | str | Path, source: str = "census file") -> CensusImportReport:
    """Columns urn,census,pupils; census `YYYY-01` (January) or `YYYY-10` (October). All or nothing.

    A census figure replaces a manual override for the same census: the override was
    the stop-gap until the real figure came.
    """
    frame = read_table(data, source)
    frame.columns = [c.lower() for c in frame.columns]
    require_columns(frame, COLUMNS, source, "a census file (urn,census,pupils)")
    schools = dict(db.session.execute(select(School.urn, School.id)).all())
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    figures: dict[tuple[int, str], int] = {}
    urns, labels, pupils_col = cells(frame, "urn"), cells(frame, "census"), cells(frame, "pupils")
    for i in range(len(frame)):
        row = i + FIRST_DATA_ROW
        urn = parse_whole_number(urns[i], row, "urn", problems, minimum=1)
        pupils = parse_whole_number(pupils_col[i], row, "pupils", problems)
        if pupils is not None and pupils > MAX_PUPILS:
            problems.append(Problem(row, "pupils", f"{pupils} is more than {MAX_PUPILS:,} pupils"))
            pupils = None
        try:
            label = parse_census_label(labels[i]).label
        except PriceRuleError as exc:
            problems.append(Problem(row, "census", exc.reason))
            label = None
        if urn is not None and urn not in schools:
            problems.append(Problem(row, "urn", f"no school with URN {urn} in the register"))
            continue
        if urn is None or label is None or pupils is None:
            continue
        key = (schools[urn], label)
        if key in seen:
            problems.append(Problem(row, "urn", f"URN {urn} appears twice for census {label} "
                                                f"(also on row {seen[key]})"))
            continue
        seen[key] = row
        figures[key] = pupils
    if problems:
        raise ImportRefused(problems, source)
    if not figures:
        raise ImportRefused(Problem(None, None, "the file has no census rows"), source)

    existing = {(f.school_id, f.census): f for f in db.session.execute(
        select(CensusFigure.id, CensusFigure.school_id, CensusFigure.census, CensusFigure.pupils,
               CensusFigure.source)).all()}
    report = CensusImportReport()
    inserts, updates = [], []
    for (school_id, label), pupils in figures.items():
        current = existing.get((school_id, label))
        if current is None:
            inserts.append({"school_id": school_id, "census": label, "pupils": pupils, "source": "census",
                            "note": ""})
        elif current.pupils == pupils and current.source == "census":
            report.unchanged += 1
        else:
            report.overrides_replaced += current.source == "override"
            updates.append({"id": current.id, "pupils": pupils, "source": "census", "note": ""})
    if inserts:
        db.session.execute(insert(CensusFigure), inserts)
    if updates:
        db.session.execute(update(CensusFigure), updates)
    report.added, report.updated = len(inserts), len(updates)
    audit.record("import", "CensusFigure", "-", f"census import from {source}: {report.summary()}")
    db.session.commit()
    return report


def set_override(school: School, census_label: str, pupils: int, note: str) -> CensusFigure:
    """The SLA team's figure for a school the census lacks (e.g. a new school), with a reason."""
    try:
        label = parse_census_label(census_label).label
    except PriceRuleError as exc:
        raise ActionRefused(exc.reason) from None
    if isinstance(pupils, bool) or not isinstance(pupils, int) or not 0 <= pupils <= MAX_PUPILS:
        raise ActionRefused(f"pupils must be a whole number from 0 to {MAX_PUPILS:,}, not {pupils!r}")
    if not note.strip():
        raise ActionRefused("say where the figure comes from (it is audited)")
    figure = db.session.scalar(select(CensusFigure).where(CensusFigure.school_id == school.id,
                                                          CensusFigure.census == label))
    if figure is not None and figure.source == "census":
        raise ActionRefused(f"{school.name} has a census figure for {label} ({figure.pupils}); "
                            "a census figure is not overridden by hand")
    if figure is None:
        figure = CensusFigure(school=school, census=label)
        db.session.add(figure)
    figure.pupils, figure.source, figure.note = pupils, "override", note.strip()
    db.session.commit()
    return figure


def census_for(year: int, basis: str) -> CensusRef:
    return census_for_year(SlaYear(year), basis)


def pupils_for(school_id: int, census: CensusRef) -> int | None:
    return db.session.scalar(select(CensusFigure.pupils).where(CensusFigure.school_id == school_id,
                                                               CensusFigure.census == census.label))


def missing_query(census: CensusRef):
    """Open schools with no figure in the given census, by name (a query, for paging)."""
    has_figure = select(CensusFigure.school_id).where(CensusFigure.census == census.label)
    return (select(School).where(School.id.not_in(has_figure), ~School.status.startswith("Closed"))
            .order_by(School.name_lower, School.urn))


def schools_missing(census: CensusRef) -> list[School]:
    """Open schools with no figure in the given census: reported, never priced at 0."""
    return list(db.session.scalars(missing_query(census)))


def census_summary() -> list[tuple[str, int]]:
    from sqlalchemy import func

    return list(db.session.execute(select(CensusFigure.census, func.count()).group_by(CensusFigure.census)
                                   .order_by(CensusFigure.census.desc())).all())
