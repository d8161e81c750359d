"""Price lists per SLA year: import as a draft, edit, publish (freeze), new versions."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from pricing.errors import PricingError, PriceRuleError
from pricing.models import build_model
from pricing.money import format_gbp, to_decimal
from pricing.price_list import (
    ADHOC_CODE,
    PriceRow,
    REQUIRED_COLUMNS,
    expand_customer_types,
    parse_price_row,
    validate_price_list,
)
from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import PriceList, PriceListEntry, Service
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.bounds import MAX_INT, column_problems
from contracts_app.services.imports import read_table
from pricing.errors import ActionRefused, ImportRefused, Problem

# The database keeps rates to 4 decimal places and money to 2 (models.types).
PLACES = {"amount": 2, "minimum": 2, "maximum": 2, "rate": 4}


@dataclass
class PriceImportReport:
    """What a price list import did: the draft, its rows and the services it added."""

    price_list: PriceList
    rows: int
    new_services: list[str]
    replaced_draft: bool

    def summary(self) -> str:
        """One line for the page's message and the command's output."""
        action = "replaced the draft" if self.replaced_draft else "created a draft"
        new = f"; new catalogue services: {', '.join(self.new_services)}" if self.new_services else ""
        return f"{self.rows} price rows {action}: {self.price_list.name}{new}"


def latest(year: int) -> PriceList | None:
    """The year's newest version, whatever its status."""
    return db.session.scalar(select(PriceList).where(PriceList.sla_year == year)
                             .order_by(PriceList.version.desc()).limit(1))


def draft(year: int) -> PriceList | None:
    """The year's draft (there is at most one), being prepared and not yet frozen."""
    return db.session.scalar(select(PriceList).where(PriceList.sla_year == year, PriceList.status == "draft"))


def published(year: int) -> PriceList | None:
    """The current published (frozen) list of a year - the one new prices come from."""
    return db.session.scalar(select(PriceList).where(PriceList.sla_year == year,
                                                     PriceList.status == "published"))


def require_published(year: int) -> PriceList:
    """The year's published list, or ActionRefused when prices are not published yet."""
    price_list = published(year)
    if price_list is None:
        raise ActionRefused(f"the {SlaYear(year).label} price list is not published yet")
    return price_list


def versions(year: int, with_entries: bool = False) -> list[PriceList]:
    """Every version of the year's list, newest first (``with_entries`` loads their rows too)."""
    query = select(PriceList).where(PriceList.sla_year == year).order_by(PriceList.version.desc())
    if with_entries:
        query = query.options(selectinload(PriceList.entries))
    return list(db.session.scalars(query))


def version(year: int, number: int) -> PriceList | None:
    """One version of the year's list, or None."""
    return db.session.scalar(select(PriceList).where(PriceList.sla_year == year, PriceList.version == number))


def entry(year: int, entry_id: int) -> PriceListEntry | None:
    """One row of one of the year's lists, or None (a row of another year's list included)."""
    found = db.session.get(PriceListEntry, entry_id) if entry_id <= MAX_INT else None
    return found if found is not None and found.price_list.sla_year == year else None


def rows_by_key(price_list: PriceList) -> dict[tuple[str, str], PriceRow]:
    """(service_code, customer_type) -> PriceRow, with `all` rows expanded to both types."""
    return expand_customer_types(entry.price_row() for entry in price_list.entries)


# No SLA price comes near this; a bigger figure is a typo (and would overflow the stored integers).
MAX_VALUE = Decimal("1000000000")


def _value_problem(text: str, places: int) -> str | None:
    """Why a (valid) money or rate value cannot be stored exactly, or None."""
    try:
        value = to_decimal(text)
    except PricingError:
        return None  # not a number: the price rules report it with its column
    if abs(value) >= MAX_VALUE:
        return f"{text} is too large (prices must be below {format_gbp(MAX_VALUE)})"
    if value != value.quantize(Decimal(1).scaleb(-places)):
        return f"{text} has more than {places} decimal places"
    return None


TEXTS = ("service_code", "title", "unit")


def _check_places(raw_rows: list[dict[str, str]]) -> list[Problem]:
    """Values the database cannot hold exactly: sub-penny money, rates past 4 places, huge sums."""
    problems = []
    for number, raw in enumerate(raw_rows, start=2):
        raw = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
        for column, places in PLACES.items():
            value = str(raw.get(column) or "").strip()
            reason = _value_problem(value, places) if value else None
            if reason:
                problems.append(Problem(number, column, reason))
        for piece in str(raw.get("bands") or "").split(";"):
            amount = piece.split(":", 1)[1].strip() if ":" in piece else ""
            reason = _value_problem(amount, 2) if amount else None
            if reason:
                problems.append(Problem(number, "bands", f"band {piece.strip()!r}: {reason}"))
        # The texts the entry (and a new catalogue service, of the same sizes) stores.
        problems += column_problems(PriceListEntry, {c: str(raw.get(c) or "").strip() for c in TEXTS}, number)
    return problems


def _entry_values(row: PriceRow) -> dict:
    fields = row.model.to_fields()
    money = {c: (Decimal(fields[c]) if fields.get(c) not in (None, "") else None) for c in PLACES}
    return {"service_code": row.service_code, "title": row.title, "customer_type": row.customer_type,
            "model": row.model.name, "bands": fields.get("bands") or None, "unit": fields.get("unit") or None,
            "vat_code": row.vat_code, **money}


def import_price_list(data: bytes | str | Path, year: int, source: str = "price list",
                      census_basis: str | None = None) -> PriceImportReport:
    """Read a price list CSV/XLSX (DESIGN §4) into the year's draft, all or nothing.

    A published list is never changed: start a new version first.
    """
    label = SlaYear(year).label
    frame = read_table(data, source)
    raw_rows = frame.to_dict("records")
    place_problems = _check_places(raw_rows)
    try:
        rows = validate_price_list(raw_rows, header=list(frame.columns))
    except PricingError as exc:
        problems = getattr(exc, "problems", None)
        if problems is None:
            raise ImportRefused(Problem(None, getattr(exc, "column", None), str(exc)), source) from exc
        found = [Problem(p.row, p.column, p.reason) for p in problems]
        if not any(p.row == 1 for p in found):  # header problems make every row's check meaningless
            found = sorted(found + place_problems, key=lambda p: p.row or 0)  # stable: columns keep order
        raise ImportRefused(found, source) from exc
    if place_problems:
        raise ImportRefused(place_problems, source)
    if not rows:
        raise ImportRefused(Problem(None, None, "the price list has no rows"), source)

    target = draft(year)
    replaced = target is not None
    if target is None:
        current = latest(year)
        if current is not None:
            raise ImportRefused(Problem(None, None, (
                f"the {label} price list v{current.version} is published and frozen; start a new version "
                f"(prices new-version --year {year}) to change it")), source)
        target = PriceList(sla_year=year, version=1, status="draft")
        db.session.add(target)
    target.source = source
    if census_basis:
        target.census_basis = census_basis
    target.entries.clear()
    db.session.flush()
    target.entries.extend(PriceListEntry(**_entry_values(row)) for row in rows)

    new_services = _add_missing_services(rows)
    db.session.flush()
    audit.record("import", "PriceList", target.id, f"{target.name}: {len(rows)} rows from {source}")
    db.session.commit()
    return PriceImportReport(target, len(rows), new_services, replaced)


def _add_missing_services(rows: list[PriceRow]) -> list[str]:
    """A price for a code the catalogue lacks adds it, so every priced service can be sold."""
    known = set(db.session.scalars(select(Service.code)))
    added = []
    for row in rows:
        if row.service_code == ADHOC_CODE or row.service_code in known:
            continue
        unit = row.model.to_fields().get("unit") or ""
        db.session.add(Service(code=row.service_code, title=row.title, unit=unit, category="",
                               default_list="subscribed"))
        known.add(row.service_code)
        added.append(row.service_code)
    return added


def publish(year: int, by: str) -> PriceList:
    """Freeze the year's draft; the previously published version becomes superseded."""
    target = draft(year)
    if target is None:
        raise ActionRefused(f"there is no draft {SlaYear(year).label} price list to publish")
    if not target.entries:
        raise ActionRefused(f"the draft {target.name} has no prices")
    previous = published(year)
    if previous is not None:
        previous.status = "superseded"
        db.session.flush()  # the one-published-per-year index sees the old one go first
    target.status = "published"
    target.published_at = utcnow()
    target.published_by = by
    db.session.commit()
    return target


def new_version(year: int) -> PriceList:
    """A draft copy of the published list, to change prices without touching the frozen one."""
    if draft(year) is not None:
        raise ActionRefused(f"the {SlaYear(year).label} price list already has a draft (v{draft(year).version})")
    current = latest(year)
    if current is None:
        raise ActionRefused(f"there is no {SlaYear(year).label} price list yet; import one")
    copy = PriceList(sla_year=year, version=current.version + 1, status="draft",
                     census_basis=current.census_basis, source=f"copy of v{current.version}")
    for entry in current.entries:
        copy.entries.append(PriceListEntry(
            service_code=entry.service_code, title=entry.title, customer_type=entry.customer_type,
            model=entry.model, amount=entry.amount, rate=entry.rate, minimum=entry.minimum,
            maximum=entry.maximum, bands=entry.bands, unit=entry.unit, vat_code=entry.vat_code))
    db.session.add(copy)
    db.session.commit()
    return copy


def update_entry(entry: PriceListEntry, *, title: str, model: str, amount: str, rate: str, minimum: str,
                 maximum: str, bands: str, unit: str, vat_code: str) -> None:
    """Change one row of a draft; the same rules as the import (raises PriceRuleError)."""
    if entry.price_list.frozen:
        raise ActionRefused(f"{entry.price_list.name} is {entry.price_list.status}; prices cannot change")
    raw = {"service_code": entry.service_code, "title": title, "customer_type": entry.customer_type,
           "model": model, "amount": amount, "rate": rate, "minimum": minimum, "maximum": maximum,
           "bands": bands, "unit": unit, "vat_code": vat_code}
    problems = _check_places([raw])
    if problems:
        raise PriceRuleError(problems[0].column, problems[0].reason)
    row = parse_price_row(raw)
    for key, value in _entry_values(row).items():
        setattr(entry, key, value)
    db.session.commit()


def adhoc_rate(year: int, customer_type: str) -> Decimal | None:
    """The year's published ad hoc hourly rate for a customer type (§2.6)."""
    price_list = published(year)
    if price_list is None:
        return None
    row = rows_by_key(price_list).get((ADHOC_CODE, customer_type))
    return None if row is None else row.model.rate  # ADHOC rows are per_unit (pricing.price_list)


def years_with_lists() -> list[int]:
    """The SLA years that have a price list, newest first."""
    return list(db.session.scalars(select(PriceList.sla_year).distinct().order_by(PriceList.sla_year.desc())))


def entry_count(price_list: PriceList) -> int:
    """How many rows the list has, counted without loading them."""
    return db.session.scalar(select(func.count()).select_from(PriceListEntry)
                             .where(PriceListEntry.price_list_id == price_list.id))


__all__ = ["REQUIRED_COLUMNS", "adhoc_rate", "build_model", "draft", "import_price_list", "latest",
           "new_version", "publish", "published", "require_published", "rows_by_key", "update_entry"]
