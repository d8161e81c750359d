"""Shaping price lists for pages: side by side per service, maintained | academy."""
from __future__ import annotations

from dataclasses import dataclass

from pricing.describe import describe_terms
from pricing.errors import PricingError

from contracts_app.models import PriceList, PriceListEntry


@dataclass
class SideBySide:
    service_code: str
    title: str
    maintained: PriceListEntry | None
    academy: PriceListEntry | None


def terms(entry: PriceListEntry | None) -> str:
    if entry is None:
        return "—"
    try:
        return describe_terms(entry.price_model())
    except PricingError as exc:  # a row saved before a rule tightened still shows
        return f"invalid: {exc}"


def side_by_side(price_list: PriceList) -> list[SideBySide]:
    rows: dict[str, SideBySide] = {}
    for entry in price_list.entries:
        row = rows.setdefault(entry.service_code, SideBySide(entry.service_code, entry.title, None, None))
        if entry.customer_type in ("maintained", "all"):
            row.maintained = entry
        if entry.customer_type in ("academy", "all"):
            row.academy = entry
    # The ad hoc rate is shown last: it is not a service a school subscribes to.
    return sorted(rows.values(), key=lambda r: (r.service_code == "ADHOC", r.service_code))
