"""Pricing a school's services from a price list, and comparing two years' lists."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from pricing.census import CensusRef
from pricing.errors import PriceRuleError
from pricing.models import PerUnit, PricingContext
from pricing.price_list import CUSTOMER_TYPES, PriceRow, expand_customer_types

_ONE = Decimal(1)
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class PricedLine:
    """One priced service for an agreement or invoice, with its explanation."""

    service_code: str
    title: str
    quantity: Decimal
    annual: Decimal
    explanation: str
    vat_code: str


class PriceComparison(NamedTuple):
    """One service/customer type on the year-on-year comparison page."""

    service_code: str
    customer_type: str
    old_example: Decimal | None
    new_example: Decimal | None
    percent_change: Decimal | None


def price_line(row: PriceRow, ctx: PricingContext) -> PricedLine:
    """Price one service for one school.

    Only per-unit prices multiply by quantity; any other model refuses a quantity
    other than 1 rather than quietly charging one unit.
    """
    if not isinstance(row.model, PerUnit) and ctx.quantity != _ONE:
        raise PriceRuleError(
            "quantity",
            f"{row.service_code} has a {row.model.name} price, so its quantity must be 1, not {ctx.quantity}",
        )
    return PricedLine(
        service_code=row.service_code,
        title=row.title,
        quantity=ctx.quantity,
        annual=row.model.annual(ctx),
        explanation=row.model.explain(ctx),
        vat_code=row.vat_code,
    )


def price_services(
    rows_by_key: Mapping[tuple[str, str], PriceRow],
    customer_type: str,
    pupils: int | None,
    census: CensusRef,
    items: Iterable[tuple[str, Decimal]],
) -> list[PricedLine]:
    """Price (service_code, quantity) items for a school of a customer type.

    ``rows_by_key`` is ``expand_customer_types`` output. Raises ``PriceRuleError``
    for a service with no price for the customer type and ``MissingCensus`` when a
    pupil-based price meets a school with no census figure (SLA §2.6).
    """
    if customer_type not in CUSTOMER_TYPES:
        raise PriceRuleError("customer_type", f"customer type must be maintained or academy, not {customer_type!r}")
    lines = []
    for service_code, quantity in items:
        code = service_code.strip().upper()
        row = rows_by_key.get((code, customer_type))
        if row is None:
            raise PriceRuleError("service_code", f"no {customer_type} price for service {code}")
        ctx = PricingContext(pupils=pupils, census=census, quantity=quantity)
        lines.append(price_line(row, ctx))
    return lines


def _example(row: PriceRow | None, reference_pupils: int) -> Decimal | None:
    if row is None:
        return None
    return row.model.annual(PricingContext(pupils=reference_pupils, quantity=_ONE))


def _percent(old: Decimal | None, new: Decimal | None) -> Decimal | None:
    # A percentage, not money: rounded to 0.1 here, not through round_money.
    if old is None or new is None or old == 0:
        return None
    return ((new - old) * 100 / old).quantize(_TENTH, rounding=ROUND_HALF_UP)


def compare_lists(
    old_rows: Iterable[PriceRow] | Mapping[tuple[str, str], PriceRow],
    new_rows: Iterable[PriceRow] | Mapping[tuple[str, str], PriceRow],
    reference_pupils: int = 250,
) -> list[PriceComparison]:
    """Year-on-year comparison per (service_code, customer_type), sorted.

    Each example is the annual price for one unit, or at ``reference_pupils`` for
    pupil-based models. ``percent_change`` is None where there is no old price (or
    it was 0); services dropped from the new list have ``new_example`` None.
    """
    old = old_rows if isinstance(old_rows, Mapping) else expand_customer_types(old_rows)
    new = new_rows if isinstance(new_rows, Mapping) else expand_customer_types(new_rows)
    result = []
    for key in sorted(set(old) | set(new)):
        old_example = _example(old.get(key), reference_pupils)
        new_example = _example(new.get(key), reference_pupils)
        result.append(PriceComparison(key[0], key[1], old_example, new_example, _percent(old_example, new_example)))
    return result
