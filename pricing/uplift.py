"""Next year's price list from this year's (issue #30, "Next year's price list from this year's").

Every rate, band amount, minimum and maximum of a price row is raised by a percentage and
rounded half-up to the penny (DESIGN §1, ``pricing.money.round_money``: the one rounding rule);
a per-service override gives a service another percentage ("uplift 0 for SIMS-SUPPORT").
Model, bands' pupil ranges, unit, VAT code and title stay as they are.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pricing.bands import Band, format_bands, parse_bands
from pricing.errors import PriceRuleError
from pricing.models import PriceModel, build_model
from pricing.money import round_money, to_decimal
from pricing.price_list import PriceRow

# A year's uplift outside this is a typo (35 for 3.5), not a price decision.
MIN_PERCENT = Decimal(-50)
MAX_PERCENT = Decimal(100)
_MONEY_FIELDS = ("amount", "rate", "minimum", "maximum")


def parse_percent(text: str | int | Decimal, where: str = "uplift") -> Decimal:
    """A percentage such as ``3.5`` or ``3.5%`` from -50 to 100; ``PriceRuleError(where, ...)`` otherwise."""
    raw = text.strip().removesuffix("%").strip() if isinstance(text, str) else text
    try:
        percent = to_decimal(raw)
    except PriceRuleError:
        raise PriceRuleError(where, f"{where} {str(text).strip()!r} is not a number (give a percentage such as 3.5)") from None
    if not MIN_PERCENT <= percent <= MAX_PERCENT:
        raise PriceRuleError(where, f"{where} {percent}% is out of range ({MIN_PERCENT}% to {MAX_PERCENT}%)")
    return percent


def parse_override(text: str) -> tuple[str, Decimal]:
    """``SIMS-SUPPORT=0`` -> ("SIMS-SUPPORT", 0); refused naming the override when it is not CODE=PCT."""
    code, sep, percent = str(text).partition("=")
    code = code.strip().upper()
    if not sep or not code:
        raise PriceRuleError("override", f"override {str(text).strip()!r} should be CODE=PERCENT, e.g. SIMS-SUPPORT=0")
    return code, parse_percent(percent, f"override {code}")


def parse_overrides(texts: Iterable[str]) -> dict[str, Decimal]:
    """Every ``CODE=PCT`` of a list (blank ones skipped); a code given twice is refused."""
    overrides: dict[str, Decimal] = {}
    for text in texts:
        if not str(text).strip():
            continue
        code, percent = parse_override(text)
        if code in overrides:
            raise PriceRuleError("override", f"override {code} is given twice")
        overrides[code] = percent
    return overrides


@dataclass(frozen=True)
class Uplift:
    """A percentage for every row, and another for the services named in ``overrides``."""

    percent: Decimal
    overrides: Mapping[str, Decimal] = field(default_factory=dict)

    def percent_for(self, service_code: str) -> Decimal:
        """The percentage a service's prices rise by."""
        return self.overrides.get(service_code, self.percent)

    def unknown_codes(self, codes: Iterable[str]) -> list[str]:
        """Overrides naming a service the list does not price, in the order given."""
        known = set(codes)
        return [code for code in self.overrides if code not in known]


def raise_amount(value: Decimal, percent: Decimal) -> Decimal:
    """``value x (1 + percent/100)`` rounded half-up to the penny (issue #30)."""
    return round_money(value * (1 + percent / 100))


def uplift_model(model: PriceModel, percent: Decimal) -> PriceModel:
    """The same price model with its every amount, rate, minimum, maximum and band amount raised."""
    fields = model.to_fields()
    name = fields.pop("model") or model.name
    for column in _MONEY_FIELDS:
        if fields.get(column):
            fields[column] = format(raise_amount(Decimal(fields[column]), percent), "f")
    if fields.get("bands"):
        fields["bands"] = format_bands(Band(b.low, b.high, raise_amount(b.amount, percent))
                                       for b in parse_bands(fields["bands"]))
    return build_model(name, **fields)


def uplift_rows(rows: Sequence[PriceRow], uplift: Uplift) -> list[PriceRow]:
    """Next year's rows: each row's model uplifted by its service's percentage."""
    return [replace(row, model=uplift_model(row.model, uplift.percent_for(row.service_code))) for row in rows]
