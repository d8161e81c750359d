"""Census figures: `census import` and the SLA team's audited manual overrides (§2.6)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Select, func, insert, select, update

from pricing.census import CensusRef, census_for_year, check_census_pupils, parse_census_label
from pricing.errors import PriceRuleError
from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, School
from contracts_app.services import audit, price_lists, schools
from contracts_app.services.bounds import ascii_number
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    cells,
    parse_whole_number,
    read_table,
    require_columns,
)
from contracts_app.services.queries import Page, Sort, paginate, school_filter, sorted_by
from contracts_app.services.register import census as census_links
from pricing.errors import ActionRefused, ImportRefused, Problem
from pricing.spreadsheet import Column, Download, download

COLUMNS = ("urn", "census", "pupils")


@dataclass
class CensusImportReport:
    """What a census import did: figures added, updated, unchanged and overrides replaced, and the
    URNs of the file's schools the register does not hold (the DfE's files cover all of England)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    overrides_replaced: int = 0
    not_in_register: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the page's message and the command's output."""
        replaced = f", {self.overrides_replaced} manual override(s) replaced" if self.overrides_replaced else ""
        unknown = f", {len(self.not_in_register)} not in the register" if self.not_in_register else ""
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged{replaced}{unknown}"

    def not_in_register_text(self, shown: int = 20) -> str:
        """The URNs not in the register, the first ``shown`` of them: "URNs 123456, 234567 and 3 more"."""
        urns = self.not_in_register
        more = f" and {len(urns) - shown:,} more" if len(urns) > shown else ""
        return f"URN{'s' if len(urns) > 1 else ''} {', '.join(str(u) for u in urns[:shown])}{more}"


def import_census(data: bytes | str | Path, source: str = "census file") -> CensusImportReport:
    """Columns urn,census,pupils; census `YYYY-01` (January) or `YYYY-10` (October). All or nothing:
    a malformed row refuses the file. Rows of schools the register does not hold are counted and
    listed, not imported (a DfE file covers every school in England).

    A census figure replaces a manual override for the same census: the override was
    the stop-gap until the real figure came.
    """
    frame = read_table(data, source)
    frame.columns = [c.lower() for c in frame.columns]
    require_columns(frame, COLUMNS, source, "a census file (urn,census,pupils)")
    figures, unknown = _read_figures(frame, source)
    report = _save_figures(figures)
    report.not_in_register = unknown
    audit.record("import", "CensusFigure", "-", f"census import from {source}: {report.summary()}")
    db.session.commit()
    return report


def _read_figures(frame: pd.DataFrame, source: str) -> tuple[dict[tuple[int, str], int], list[int]]:
    """(school id, census label) -> pupils for every row of a school in the register, and the URNs
    not in it (each once, in file order); or the refusal naming every problem."""
    school_ids = dict(db.session.execute(select(School.urn, School.id)).all())
    unknown: dict[int, None] = {}
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    figures: dict[tuple[int, str], int] = {}
    urns, labels, pupils_col = cells(frame, "urn"), cells(frame, "census"), cells(frame, "pupils")
    for i in range(len(frame)):
        row = i + FIRST_DATA_ROW
        urn = parse_whole_number(urns[i], row, "urn", problems, minimum=1)
        pupils = _pupils(pupils_col[i], row, problems)
        label = _label(labels[i], row, problems)
        if urn is None or label is None or pupils is None:
            continue
        if urn not in school_ids:
            unknown[urn] = None
            continue
        key = (school_ids[urn], label)
        if key in seen:
            problems.append(Problem(row, "urn", f"URN {urn} appears twice for census {label} "
                                                f"(also on row {seen[key]})"))
            continue
        seen[key] = row
        figures[key] = pupils
    if problems:
        raise ImportRefused(problems, source)
    if not figures and not unknown:
        raise ImportRefused(Problem(None, None, "the file has no census rows"), source)
    return figures, list(unknown)


def _pupils(value: str, row: int, problems: list[Problem]) -> int | None:
    pupils = parse_whole_number(value, row, "pupils", problems)
    if pupils is None:
        return None
    try:
        return check_census_pupils(pupils)
    except PriceRuleError as exc:
        problems.append(Problem(row, "pupils", exc.reason))
        return None


def _label(value: str, row: int, problems: list[Problem]) -> str | None:
    try:
        return parse_census_label(value).label
    except PriceRuleError as exc:
        problems.append(Problem(row, "census", exc.reason))
        return None


def _save_figures(figures: dict[tuple[int, str], int]) -> CensusImportReport:
    """Insert new figures and update changed ones in bulk (no per-row round trips)."""
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
    return report


def set_override(school: School, census_label: str, pupils: int, note: str) -> CensusFigure:
    """The SLA team's figure for a school the census lacks (e.g. a new school), with a reason."""
    try:
        label = parse_census_label(census_label).label
    except PriceRuleError as exc:
        raise ActionRefused(exc.reason) from None
    try:
        check_census_pupils(pupils)
    except PriceRuleError as exc:
        raise ActionRefused(exc.reason) from None
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


def record_override(urn: str, census_label: str, pupils: int, note: str) -> CensusFigure:
    """The override form's figure for the school with this URN (as typed), see `set_override`."""
    school = schools.by_urn(ascii_number(urn))
    if school is None:
        raise ActionRefused(f"No school with URN {urn}.")
    return set_override(school, census_label, pupils, note)


def census_for(year: int, basis: str) -> CensusRef:
    """The census a price list on this basis uses for the SLA year (§2.6)."""
    return census_for_year(SlaYear(year), basis)


def census_used(year: int) -> CensusRef:
    """The census the year's prices use: the basis of its draft, else its published list,
    else the January census before the year (§2.6 and the 1.2 change notice)."""
    price_list = price_lists.draft(year) or price_lists.published(year)
    return census_for(year, price_list.census_basis if price_list else "january")


def pupils_for(school_id: int, census: CensusRef) -> int | None:
    """The school's pupils in the census, or None when it has no figure."""
    return db.session.scalar(select(CensusFigure.pupils).where(CensusFigure.school_id == school_id,
                                                               CensusFigure.census == census.label))


def missing_query(census: CensusRef) -> Select:
    """Open schools with no figure in the given census, by name (a query, for paging). A successor
    priced on its predecessor's figure (issue #28) is not missing."""
    has_figure = select(CensusFigure.school_id).where(CensusFigure.census == census.label)
    query = select(School).where(School.id.not_in(has_figure), ~School.status.startswith("Closed"))
    covered = census_links.covered_by_predecessor(census)
    if covered:
        query = query.where(School.id.not_in(covered))
    return query.order_by(School.name_lower, School.urn)


def schools_missing(census: CensusRef) -> list[School]:
    """Open schools with no figure in the given census: reported, never priced at 0."""
    return list(db.session.scalars(missing_query(census)))


MISSING_SORTS = ("urn", "school", "type", "gias_pupils")
MISSING_EXPORT = (Column("urn", "whole"), Column("school"), Column("customer_type"), Column("gias_pupils", "whole"),
                  Column("census"))


def _missing_sorted(census: CensusRef, q: str, customer_type: str, sort: Sort | None) -> Select:
    columns = {"urn": School.urn, "school": School.name_lower, "type": School.customer_type,
               "gias_pupils": School.gias_pupils}
    query = school_filter(missing_query(census), q, customer_type)
    return sorted_by(query, sort or Sort("school"), columns, (School.name_lower, School.urn))


def missing_page(year: int, page: int, per_page: int, q: str = "", customer_type: str = "",
                 sort: Sort | None = None) -> tuple[CensusRef, Page]:
    """The census the year's prices use and a page of the open schools missing from it (issue #30: filtered
    by name, URN or postcode and customer type, sorted by any column shown)."""
    census = census_used(year)
    return census, paginate(_missing_sorted(census, q, customer_type, sort), page, per_page)


def export_missing(year: int, q: str, customer_type: str, sort: Sort | None, fmt: str) -> Download:
    """The schools missing from the year's census, as filtered and ordered, as CSV or XLSX."""
    census = census_used(year)
    rows = ([s.urn, s.name, s.customer_type, s.gias_pupils, census.label]
            for s in db.session.scalars(_missing_sorted(census, q, customer_type, sort)))
    return download(MISSING_EXPORT, rows, f"census-missing-{SlaYear(year).label}", fmt)


def census_summary() -> list[tuple[str, int]]:
    """Each census collection held, newest first, with its number of figures."""
    return list(db.session.execute(select(CensusFigure.census, func.count()).group_by(CensusFigure.census)
                                   .order_by(CensusFigure.census.desc())).all())
