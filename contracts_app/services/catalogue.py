"""The service catalogue, and the yearly price lists shaped for their pages: side by side
per service (maintained | academy), the versions of a year, last year compared."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select

from pricing.check import compare_lists
from pricing.describe import describe_terms
from pricing.errors import ActionRefused, PricingError
from pricing.price_list import ADHOC_CODE
from pricing.spreadsheet import Column, Download, download

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, PriceList, PriceListEntry, Service
from contracts_app.models.types import utcnow
from contracts_app.services import price_lists
from contracts_app.services.queries import Page, Sort, paginate, sorted_by


@dataclass
class SideBySide:
    """One service's row of a price list: its maintained and its academy price."""

    service_code: str
    title: str
    maintained: PriceListEntry | None
    academy: PriceListEntry | None


def terms(entry: PriceListEntry | None) -> str:
    """A price row's terms in words, as the price list pages show them."""
    if entry is None:
        return "—"
    try:
        return describe_terms(entry.price_model())
    except PricingError as exc:  # a row saved before a rule tightened still shows
        return f"invalid: {exc}"


def side_by_side(price_list: PriceList) -> list[SideBySide]:
    """The list's rows per service, an `all` row counting for both customer types."""
    rows: dict[str, SideBySide] = {}
    for entry in price_list.entries:
        row = rows.setdefault(entry.service_code, SideBySide(entry.service_code, entry.title, None, None))
        if entry.customer_type in ("maintained", "all"):
            row.maintained = entry
        if entry.customer_type in ("academy", "all"):
            row.academy = entry
    # The ad hoc rate is shown last: it is not a service a school subscribes to.
    return sorted(rows.values(), key=lambda r: (r.service_code == ADHOC_CODE, r.service_code))


# -- the catalogue ----------------------------------------------------------------------

def services(show_retired: bool = False) -> list[Service]:
    """The catalogue by category and code; retired services only when asked for."""
    query = select(Service).order_by(Service.category, Service.code)
    if not show_retired:
        query = query.where(Service.retired_at.is_(None))
    return list(db.session.scalars(query))


SORT_KEYS = ("code", "title", "category", "unit", "default_list", "state")
EXPORT_COLUMNS = (Column("code"), Column("title"), Column("category"), Column("unit"), Column("default_list"),
                  Column("state"), Column("description"))


def _listed(q: str, show_retired: bool, sort: Sort | None) -> Select:
    query = select(Service)
    if not show_retired:
        query = query.where(Service.retired_at.is_(None))
    text = q.strip().lower()
    if text:
        query = query.where(or_(func.lower(Service.code).contains(text), func.lower(Service.title).contains(text),
                                func.lower(Service.category).contains(text)))
    columns = {"code": Service.code, "title": func.lower(Service.title), "category": func.lower(Service.category),
               "unit": Service.unit, "default_list": Service.default_list, "state": Service.retired_at.is_not(None)}
    return sorted_by(query, sort or Sort(""), columns, (Service.category, Service.code))


def service_page(q: str, show_retired: bool, sort: Sort | None, page: int, per_page: int) -> Page:
    """The catalogue page (issue #30): by category and code unless another column is chosen, filtered by part
    of a code, title or category."""
    return paginate(_listed(q, show_retired, sort), page, per_page)


def export_services(q: str, show_retired: bool, sort: Sort | None, fmt: str) -> Download:
    """The services the page lists, in its order, as CSV or XLSX."""
    rows = ([s.code, s.title, s.category, s.unit, s.default_list, "retired" if s.retired else "in use", s.description]
            for s in db.session.scalars(_listed(q, show_retired, sort)))
    return download(EXPORT_COLUMNS, rows, "catalogue", fmt)


def service(code: str) -> Service | None:
    """The catalogue service with this code, or None."""
    return db.session.scalar(select(Service).where(Service.code == code))


def add_service(code: str, *, title: str, category: str | None, unit: str | None, default_list: str,
                description: str | None) -> Service:
    """A new catalogue service; its code (upper-cased) is the key agreements and price lists use."""
    code = code.strip().upper()
    if service(code) is not None:
        raise ActionRefused(f"A service with code {code} already exists.")
    if code == ADHOC_CODE:
        raise ActionRefused("ADHOC is reserved for the ad hoc hourly rate in price lists.")
    new = Service(code=code)
    _fill_service(new, title, category, unit, default_list, description)
    db.session.add(new)
    db.session.commit()
    return new


def update_service(existing: Service, *, title: str, category: str | None, unit: str | None,
                   default_list: str, description: str | None) -> Service:
    """Change a service's title, category, unit, default list or description (never its code)."""
    _fill_service(existing, title, category, unit, default_list, description)
    db.session.commit()
    return existing


def _fill_service(target: Service, title: str, category: str | None, unit: str | None, default_list: str,
                  description: str | None) -> None:
    target.title = title.strip()
    target.category = (category or "").strip()
    target.unit = (unit or "").strip()
    target.default_list = default_list
    target.description = (description or "").strip()


def retire_service(existing: Service) -> Service:
    """Take a service out of the catalogue: no new draft, offer or price check offers it; the
    agreements that have it keep it. Reinstating undoes it (reinstate_service)."""
    if existing.retired:
        raise ActionRefused(f"Service {existing.code} is already retired.")
    existing.retired_at = utcnow()
    db.session.commit()
    return existing


def reinstate_service(existing: Service) -> Service:
    """Bring a retired service back into the catalogue, as it was."""
    if not existing.retired:
        raise ActionRefused(f"Service {existing.code} is not retired: it is already in the catalogue.")
    existing.retired_at = None
    db.session.commit()
    return existing


def agreements_with(existing: Service) -> int:
    """How many live agreements (draft, active or under notice) carry the service on a running line:
    what the retirement's confirmation names, since they keep it."""
    return db.session.scalar(
        select(func.count(func.distinct(AgreementLine.agreement_id)))
        .join(Agreement, Agreement.id == AgreementLine.agreement_id)
        .where(AgreementLine.service_id == existing.id, AgreementLine.end_date.is_(None),
               Agreement.status.in_(("draft", "active", "notice_given")))) or 0


# -- a year's price lists ---------------------------------------------------------------

@dataclass
class YearLists:
    """The price list page: the version shown, every version and the years to pick from."""

    shown: PriceList | None
    versions: list[PriceList]
    rows: list[SideBySide]
    years: list[int]


PRICE_SORTS = ("code", "service")


def shown_rows(rows: list[SideBySide], q: str, sort: Sort | None) -> list[SideBySide]:
    """The price list's rows holding ``q`` in their code or title, by code or service title when chosen
    (issue #30; a list's rows are merged per service in memory, so they are ordered here)."""
    text = q.strip().lower()
    if text:
        rows = [r for r in rows if text in r.service_code.lower() or text in r.title.lower()]
    if sort is None or sort.key not in PRICE_SORTS:
        return rows
    key = (lambda r: r.service_code) if sort.key == "code" else (lambda r: (r.title.lower(), r.service_code))
    return sorted(rows, key=key, reverse=sort.descending)


def year_lists(year: int, version: int | None = None) -> YearLists:
    """The version asked for, else the draft, else the published list, else the newest."""
    all_versions = price_lists.versions(year)
    shown = next((v for v in all_versions if v.version == version), None) if version else None
    if shown is None:
        shown = price_lists.draft(year) or price_lists.published(year) or (all_versions[0] if all_versions else None)
    years = sorted(set(price_lists.years_with_lists()) | {year, year + 1}, reverse=True)
    return YearLists(shown, all_versions, side_by_side(shown) if shown else [], years)


@dataclass
class Comparison:
    """The year's prices (draft, else published) against last year's published ones."""

    new: PriceList | None
    old: PriceList | None
    rows: list = field(default_factory=list)
    error: str | None = None


def compare_with_last_year(year: int, reference: int) -> Comparison:
    """Every service's price this year and last, for an example school of `reference` pupils."""
    comparison = Comparison(price_lists.draft(year) or price_lists.published(year), price_lists.published(year - 1))
    if comparison.new is not None and comparison.old is not None:
        try:
            comparison.rows = compare_lists(price_lists.rows_by_key(comparison.old),
                                            price_lists.rows_by_key(comparison.new), reference)
        except PricingError as exc:  # e.g. the example size is above a closed top band
            comparison.error = f"Cannot compare at {reference} pupils: {exc}"
    return comparison
