"""The published ad hoc rates (SLA §2.6): an SLA year's ADHOC price-list row per customer type."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from adhoc.charging import customer_types_name
from adhoc.lifecycle import AdhocRuleBroken
from contracts_app.services import price_lists
from pricing.price_list import ADHOC_CODE
from pricing.sla_year import SlaYear
from pricing.vat import VAT_RATES


@dataclass(frozen=True)
class AdhocPrice:
    """An SLA year's hourly ad hoc rate for one customer type, and the VAT code it is charged under."""

    rate: Decimal
    vat_code: str

    @property
    def vat_rate(self) -> Decimal:
        """The rate of the price's VAT code."""
        return VAT_RATES[self.vat_code]


def adhoc_price(year: int, customer_type: str) -> AdhocPrice | None:
    """The SLA year's published ad hoc hourly rate and its VAT code for a customer type (§2.6)."""
    price_list = price_lists.published(year)
    if price_list is None:
        return None
    row = price_lists.rows_by_key(price_list).get((ADHOC_CODE, customer_type))
    return None if row is None else AdhocPrice(row.model.rate, row.vat_code)  # ADHOC rows are per_unit


class PriceBook:
    """Ad hoc prices looked up once per (SLA year, customer type): imports and runs ask many times."""

    def __init__(self) -> None:
        self._prices: dict[tuple[int, str], AdhocPrice | None] = {}

    def get(self, year: int, customer_type: str) -> AdhocPrice | None:
        """The year's price for the customer type, or None when none is published."""
        key = (year, customer_type)
        if key not in self._prices:
            self._prices[key] = adhoc_price(year, customer_type)
        return self._prices[key]

    def rates(self, years: set[int], customer_type: str) -> dict[int, Decimal]:
        """The rates known for these years (a missing year is left out: charge_breakdown names it)."""
        found = {year: self.get(year, customer_type) for year in years}
        return {year: price.rate for year, price in found.items() if price is not None}


def no_rate_message(year: int, customer_type: str) -> str:
    """Why work in a year without a published ad hoc rate cannot be charged, and what would fix it."""
    label = SlaYear(year).label
    return (f"there is no published {label} ad hoc rate for {customer_types_name(customer_type)} "
            f"(an ADHOC row in the published {label} price list), so work in {label} cannot be charged")


def check_rate(book: PriceBook, work_date: date, customer_type: str) -> None:
    """A date in a year with no published ad hoc rate is refused: its time could never be charged (§2.6)."""
    year = SlaYear.containing(work_date).start_year
    if book.get(year, customer_type) is None:
        raise AdhocRuleBroken(f"{work_date:%d %B %Y}: {no_rate_message(year, customer_type)}")
