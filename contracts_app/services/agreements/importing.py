"""The agreements file: columns urn,service_code,quantity,status[,start_date] upserted into
the year's drafts, all or nothing (§4.1-4.3: the services in each list)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import MAX_PREC, Context, Decimal
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models import Agreement, School, Service
from contracts_app.models.catalogue import LISTS
from contracts_app.services import audit
from contracts_app.services.agreements.drafts import LineInput, create_draft, set_lines
from contracts_app.services.bounds import ascii_number
from contracts_app.services.imports import FIRST_DATA_ROW, cells, read_table, require_columns
from pricing.errors import ActionRefused, ImportRefused, Problem
from pricing.sla_year import SlaYear

REQUIRED = ("urn", "service_code", "quantity", "status")
MAX_QUANTITY = Decimal(100_000)  # devices, users, hours: far above any school's
WIDE = Context(prec=MAX_PREC)  # quantize a huge quantity without an InvalidOperation
COLUMNS = REQUIRED + ("start_date",)


@dataclass
class AgreementImportReport:
    """How many drafts the file created and updated, and how many lines it set."""

    created: int = 0
    updated: int = 0
    lines: int = 0

    def summary(self) -> str:
        """One line for the page, the command and the audit trail."""
        return f"{self.created} draft(s) created, {self.updated} updated, {self.lines} line(s)"


@dataclass(frozen=True)
class _Known:
    """What the rows are checked against: schools by URN, services by code, the year's live
    single-school agreements by school id."""

    sla_year: SlaYear
    schools: dict[int, School]
    services: dict[str, Service]
    existing: dict[int, Agreement]


def _known(sla_year: SlaYear) -> _Known:
    existing = db.session.scalars(
        select(Agreement).where(Agreement.sla_year == sla_year.start_year, Agreement.status != "cancelled",
                                Agreement.school_id.is_not(None)).options(selectinload(Agreement.lines)))
    return _Known(sla_year, {s.urn: s for s in db.session.scalars(select(School))},
                  {s.code: s for s in db.session.scalars(select(Service))}, {a.school_id: a for a in existing})


def _school(urn_text: str, row: int, known: _Known, problems: list[Problem]) -> School | None:
    """The row's school; its agreement, if it has one, must still be a draft."""
    school = known.schools.get(ascii_number(urn_text))
    if school is None:
        problems.append(Problem(row, "urn", f"no school with URN {urn_text!r}"))
    elif school.id in known.existing and known.existing[school.id].status != "draft":
        problems.append(Problem(row, "urn", f"{school.name}'s {known.sla_year.label} agreement is already "
                                            f"{known.existing[school.id].status}; it is not a draft"))
    return school


def _quantity(text: str, status: str, row: int, problems: list[Problem]) -> Decimal | None:
    """A number (1 when left empty off the subscribed list); a subscribed service needs 1 or more."""
    try:
        quantity = Decimal(text or ("1" if status != "subscribed" else ""))
        if not quantity.is_finite():
            raise ArithmeticError
    except ArithmeticError:
        problems.append(Problem(row, "quantity", f"{text!r} is not a number"))
        return None
    if status == "subscribed" and quantity <= 0:
        problems.append(Problem(row, "quantity", f"a subscribed service needs a quantity of 1 or more, not {text}"))
    elif quantity > MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.01"), context=WIDE):
        # The line stores pence-like hundredths, and its price must fit the money columns.
        problems.append(Problem(row, "quantity", f"{text} is not a quantity up to {MAX_QUANTITY:,} "
                                                 "with at most 2 decimal places"))
        return None
    return quantity


def _start(text: str, sla_year: SlaYear, row: int, problems: list[Problem]) -> date | None:
    """An optional ISO date within the term."""
    if not text:
        return None
    try:
        start = date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(row, "start_date", f"{text!r} is not a date (use YYYY-MM-DD)"))
        return None
    if not sla_year.start <= start <= sla_year.end:
        problems.append(Problem(row, "start_date", f"{start:%d %B %Y} is outside the {sla_year.label} term"))
    return start


def _read_row(values: dict[str, str], row: int, known: _Known) -> tuple[list[Problem], tuple[School, LineInput] | None]:
    """The row's problems, and its school and line when it has none."""
    problems: list[Problem] = []
    code, status = values["service_code"].upper(), values["status"].lower()
    school = _school(values["urn"], row, known, problems)
    if code not in known.services:
        problems.append(Problem(row, "service_code", f"no service {code!r} in the catalogue"))
    if status not in LISTS:
        problems.append(Problem(row, "status", f"{status!r} is not subscribed, additional or excluded"))
    quantity = _quantity(values["quantity"], status, row, problems)
    start = _start(values["start_date"], known.sla_year, row, problems)
    if problems:
        return problems, None
    subscribed = status == "subscribed"
    return problems, (school, LineInput(code, status, quantity if subscribed else Decimal(1),
                                        start if subscribed else None))


def _wanted(frame: pd.DataFrame, known: _Known, source: str) -> dict[int, dict[str, LineInput]]:
    """Every row checked: the lines wanted by school id, or every problem refused at once."""
    columns = {c: cells(frame, c) for c in COLUMNS}
    problems: list[Problem] = []
    wanted: dict[int, dict[str, LineInput]] = {}
    for i in range(len(frame)):
        row = i + FIRST_DATA_ROW
        row_problems, found = _read_row({c: columns[c][i] for c in COLUMNS}, row, known)
        problems.extend(row_problems)
        if found is None:
            continue
        school, line = found
        lines = wanted.setdefault(school.id, {})
        if line.service_code in lines:
            problems.append(Problem(row, "service_code", f"{line.service_code} is listed twice for URN {school.urn}"))
            continue
        lines[line.service_code] = line
    if problems:
        raise ImportRefused(problems, source)
    if not wanted:
        raise ImportRefused(Problem(None, None, "the file has no agreement rows"), source)
    return wanted


def _upsert(wanted: dict[int, dict[str, LineInput]], known: _Known, source: str) -> AgreementImportReport:
    """Each school's draft created or updated, its other lines kept."""
    report = AgreementImportReport()
    by_id = {s.id: s for s in known.schools.values()}
    for school_id, lines in wanted.items():
        agreement = known.existing.get(school_id)
        if agreement is None:
            agreement = create_draft(known.sla_year.start_year, school=by_id[school_id], from_catalogue=False)
            report.created += 1
        else:
            report.updated += 1
        merged = {line.service_code: LineInput(line.service_code, line.list_name, line.quantity, line.start_date)
                  for line in agreement.lines}
        merged.update(lines)
        try:
            set_lines(agreement, list(merged.values()))
        except ActionRefused as exc:
            raise ImportRefused(Problem(None, None, exc.message), source) from None
        report.lines += len(lines)
    return report


def import_agreements(data: bytes | str | Path, year: int, source: str = "agreements file") -> AgreementImportReport:
    """Columns urn,service_code,quantity,status[,start_date] -> the year's drafts (upserted).

    Every row is checked first: unknown URN or service, a quantity of 0 or less for a
    subscribed line, a start date that is not a date or is outside the term, a school
    whose agreement is already issued. Nothing is written if any row is wrong.
    """
    sla_year = SlaYear(year)
    frame = read_table(data, source)
    frame.columns = [c.lower() for c in frame.columns]
    require_columns(frame, REQUIRED, source, "an agreements file (urn,service_code,quantity,status[,start_date])")
    known = _known(sla_year)
    report = _upsert(_wanted(frame, known, source), known, source)
    audit.record("import", "Agreement", "-", f"{known.sla_year.label} agreements from {source}: {report.summary()}")
    db.session.commit()
    return report
