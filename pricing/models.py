"""The five price models (DESIGN §1 "Price models") and building them from price-list fields."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from pricing.bands import Band, band_for, format_bands, parse_bands, validate_bands
from pricing.census import CensusRef
from pricing.errors import MissingCensus, PriceRuleError
from pricing.money import format_gbp, format_rate, round_money, to_decimal

MoneyInput = str | int | Decimal


@dataclass(frozen=True)
class PricingContext:
    """What a price depends on: the school's census pupils and the subscribed quantity."""

    pupils: int | None = None
    census: CensusRef | None = None
    quantity: Decimal = Decimal(1)
    unit: str | None = None
    # How the explanation names the census when the figure is not the school's own
    # (register.census.census_words: "January 2026 census, as URN 990003").
    census_text: str | None = None

    def __post_init__(self) -> None:
        if self.pupils is not None and (
            isinstance(self.pupils, bool) or not isinstance(self.pupils, int) or self.pupils < 0
        ):
            raise PriceRuleError("pupils", f"pupil count must be a whole number, 0 or more, not {self.pupils!r}")
        quantity = _number("quantity", self.quantity)
        if quantity < 0:
            raise PriceRuleError("quantity", f"quantity must not be negative ({quantity})")
        object.__setattr__(self, "quantity", quantity)

    def pupils_text(self, unit: str | None = None) -> str:
        """``412 pupils (January 2025 census)``; ``unit`` is the price's label for a pupil."""
        unit = unit or PUPIL_UNIT
        noun = unit if self.pupils == 1 else _plural(unit)
        where = f" ({self.census_text or f'{self.census.description} census'})" if self.census else ""
        return f"{self.pupils} {noun}{where}"


class PriceModel(ABC):
    """A way of turning a context into an annual price, which can explain itself."""

    name: ClassVar[str]
    needs_pupils: ClassVar[bool]

    @abstractmethod
    def annual(self, ctx: PricingContext) -> Decimal:
        """The annual price, rounded half-up to the penny."""

    @abstractmethod
    def explain(self, ctx: PricingContext) -> str:
        """How the annual price was reached, in words a school can check."""

    @abstractmethod
    def to_fields(self) -> dict[str, str | None]:
        """Price-list fields (strings or None) that ``build_model(**fields)`` turns back into this model."""


def _number(column: str, value: MoneyInput) -> Decimal:
    """``to_decimal`` with the failing column named."""
    try:
        return to_decimal(value)
    except PriceRuleError as exc:
        raise PriceRuleError(column, exc.reason) from None


def _money(model: object, column: str, optional: bool = False) -> None:
    """Normalise one money field of a frozen model in place, refusing negatives."""
    value = getattr(model, column)
    if value is None and optional:
        return
    if value is None:
        raise PriceRuleError(column, f"a {getattr(model, 'name')} price needs {_ARTICLE[column]}")
    number = _number(column, value)
    if number < 0:
        raise PriceRuleError(column, f"{column} must not be negative ({number})")
    object.__setattr__(model, column, number)


def _check_limits(model: object) -> None:
    low, high = getattr(model, "minimum"), getattr(model, "maximum")
    if low is not None and high is not None and low > high:
        raise PriceRuleError("minimum", f"minimum {format_gbp(low)} is above maximum {format_gbp(high)}")


PUPIL_UNIT = "pupil"


def pupil_unit(model: str, unit: str | None) -> str | None:
    """§2.6 (DESIGN §4 ``unit``): on a pupil-based price the unit is a label, and it can only be a pupil.

    A council's list may say ``pupil``, ``pupils`` or ``per pupil`` there (kept as
    ``pupil``); a unit that contradicts charging per census pupil (``device``,
    ``hour`` ...) is refused in the ``unit`` column. Empty means the same as ``pupil``.
    """
    if unit is None:
        return None
    if not isinstance(unit, str):
        raise PriceRuleError("unit", f"unit must be text, not {unit!r}")
    words = " ".join(unit.lower().split())
    words = words[4:] if words.startswith("per ") else words
    if words in ("", "pupil", "pupils"):
        return PUPIL_UNIT if words else None
    raise PriceRuleError(
        "unit",
        f"a {_DISPLAY[model]} price is charged per census pupil, so its unit can only be 'pupil', not {unit.strip()!r}",
    )


def _pupils(ctx: PricingContext) -> int:
    # Never price a pupil-based service at 0 because the census figure is missing (DESIGN §1).
    if ctx.pupils is None:
        raise MissingCensus(ctx.census.description if ctx.census else None)
    return ctx.pupils


def _clamp(raw: Decimal, minimum: Decimal | None, maximum: Decimal | None) -> tuple[Decimal, str]:
    """Apply minimum/maximum charges; returns the amount and the explanation suffix."""
    if minimum is not None and raw < minimum:
        return minimum, f"; minimum charge applies: {format_gbp(minimum)}"
    if maximum is not None and raw > maximum:
        return maximum, f"; maximum charge applies: {format_gbp(maximum)}"
    return raw, ""


def _text(value: Decimal | None) -> str | None:
    # 'f' keeps "1200.00" as written and never switches to exponent notation.
    return None if value is None else format(value, "f")


def _fields(model: PriceModel, **given: str | None) -> dict[str, str | None]:
    fields: dict[str, str | None] = dict.fromkeys(_ALL_FIELDS)
    fields.update(given)
    return {"model": model.name, **fields}


@dataclass(frozen=True)
class Flat(PriceModel):
    """A fixed annual amount."""

    name: ClassVar[str] = "flat"
    needs_pupils: ClassVar[bool] = False
    amount: Decimal

    def __post_init__(self) -> None:
        _money(self, "amount")

    def annual(self, ctx: PricingContext) -> Decimal:
        return round_money(self.amount)

    def explain(self, ctx: PricingContext) -> str:
        return f"flat annual charge {format_gbp(self.annual(ctx))}"

    def to_fields(self) -> dict[str, str | None]:
        return _fields(self, amount=_text(self.amount))


@dataclass(frozen=True)
class PerPupil(PriceModel):
    """Rate x census pupils, held between optional minimum and maximum charges (SLA §2.6)."""

    name: ClassVar[str] = "per_pupil"
    needs_pupils: ClassVar[bool] = True
    rate: Decimal
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    unit: str | None = None

    def __post_init__(self) -> None:
        _money(self, "rate")
        _money(self, "minimum", optional=True)
        _money(self, "maximum", optional=True)
        _check_limits(self)
        object.__setattr__(self, "unit", pupil_unit(self.name, self.unit))

    def _priced(self, ctx: PricingContext) -> tuple[Decimal, Decimal, str]:
        raw = self.rate * _pupils(ctx)
        amount, note = _clamp(raw, self.minimum, self.maximum)
        return raw, round_money(amount), note

    def annual(self, ctx: PricingContext) -> Decimal:
        return self._priced(ctx)[1]

    def explain(self, ctx: PricingContext) -> str:
        raw, _, note = self._priced(ctx)
        return f"{ctx.pupils_text(self.unit)} x {format_rate(self.rate)} = {format_gbp(raw)}{note}"

    def to_fields(self) -> dict[str, str | None]:
        return _fields(self, rate=_text(self.rate), minimum=_text(self.minimum), maximum=_text(self.maximum),
                       unit=self.unit)


@dataclass(frozen=True)
class Banded(PriceModel):
    """The band holding the census pupil count decides the annual amount (SLA §2.6)."""

    name: ClassVar[str] = "banded"
    needs_pupils: ClassVar[bool] = True
    bands: tuple[Band, ...]
    unit: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", validate_bands(self.bands))
        object.__setattr__(self, "unit", pupil_unit(self.name, self.unit))

    def annual(self, ctx: PricingContext) -> Decimal:
        return round_money(band_for(self.bands, _pupils(ctx)).amount)

    def explain(self, ctx: PricingContext) -> str:
        band = band_for(self.bands, _pupils(ctx))
        return f"{ctx.pupils_text(self.unit)}: band {band.label} : {format_gbp(band.amount)}"

    def to_fields(self) -> dict[str, str | None]:
        return _fields(self, bands=format_bands(self.bands), unit=self.unit)


@dataclass(frozen=True)
class PerUnit(PriceModel):
    """Rate x subscribed quantity (devices, hours, ...); the ADHOC hourly rate is one of these."""

    name: ClassVar[str] = "per_unit"
    needs_pupils: ClassVar[bool] = False
    rate: Decimal
    unit: str | None = None

    def __post_init__(self) -> None:
        _money(self, "rate")
        unit = self.unit.strip() if isinstance(self.unit, str) else self.unit
        if unit is not None and not isinstance(unit, str):
            raise PriceRuleError("unit", f"unit must be text, not {unit!r}")
        object.__setattr__(self, "unit", unit or None)

    def annual(self, ctx: PricingContext) -> Decimal:
        return round_money(self.rate * ctx.quantity)

    def explain(self, ctx: PricingContext) -> str:
        quantity = ctx.quantity
        shown = format(quantity.normalize(), "f") if quantity else "0"
        unit = self.unit or ctx.unit or "unit"
        noun = unit if quantity == 1 else _plural(unit)
        return f"{shown} {noun} x {format_rate(self.rate)} = {format_gbp(self.annual(ctx))}"

    def to_fields(self) -> dict[str, str | None]:
        return _fields(self, rate=_text(self.rate), unit=self.unit)


@dataclass(frozen=True)
class BasePlusPerPupil(PriceModel):
    """A base amount plus rate x census pupils, with optional minimum and maximum charges."""

    name: ClassVar[str] = "base_plus_per_pupil"
    needs_pupils: ClassVar[bool] = True
    amount: Decimal
    rate: Decimal
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    unit: str | None = None

    def __post_init__(self) -> None:
        _money(self, "amount")
        _money(self, "rate")
        _money(self, "minimum", optional=True)
        _money(self, "maximum", optional=True)
        _check_limits(self)
        object.__setattr__(self, "unit", pupil_unit(self.name, self.unit))

    def _priced(self, ctx: PricingContext) -> tuple[Decimal, Decimal, str]:
        raw = self.amount + self.rate * _pupils(ctx)
        amount, note = _clamp(raw, self.minimum, self.maximum)
        return raw, round_money(amount), note

    def annual(self, ctx: PricingContext) -> Decimal:
        return self._priced(ctx)[1]

    def explain(self, ctx: PricingContext) -> str:
        raw, _, note = self._priced(ctx)
        return (
            f"base {format_gbp(self.amount)} + {ctx.pupils_text(self.unit)} x {format_rate(self.rate)}"
            f" = {format_gbp(raw)}{note}"
        )

    def to_fields(self) -> dict[str, str | None]:
        return _fields(
            self,
            amount=_text(self.amount),
            rate=_text(self.rate),
            minimum=_text(self.minimum),
            maximum=_text(self.maximum),
            unit=self.unit,
        )


def _plural(unit: str) -> str:
    """Simple English plural for explanation text: hour -> hours, licence -> licences, copy -> copies."""
    lower = unit.lower()
    if lower.endswith("s") and not lower.endswith("ss"):
        return unit  # already plural ("devices")
    if lower.endswith(("ss", "x", "z", "ch", "sh")):
        return unit + "es"
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return unit[:-1] + "ies"
    return unit + "s"


MODELS: dict[str, type[PriceModel]] = {
    cls.name: cls for cls in (Flat, PerPupil, Banded, PerUnit, BasePlusPerPupil)
}
_ALL_FIELDS = ("amount", "rate", "minimum", "maximum", "bands", "unit")
_ARTICLE = {
    "amount": "an amount",
    "rate": "a rate",
    "minimum": "a minimum",
    "maximum": "a maximum",
    "bands": "bands",
    "unit": "a unit",
}
# Fields each model takes (required first) and how to describe the model in messages.
_TAKES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "flat": (("amount",), (), "an amount"),
    "per_pupil": (("rate",), ("minimum", "maximum", "unit"), "a rate (with optional minimum and maximum)"),
    "banded": (("bands",), ("unit",), "bands"),
    "per_unit": (("rate",), ("unit",), "a rate (with an optional unit)"),
    "base_plus_per_pupil": (
        ("amount", "rate"),
        ("minimum", "maximum", "unit"),
        "an amount and a rate (with optional minimum and maximum)",
    ),
}
_DISPLAY = {
    "flat": "flat",
    "per_pupil": "per-pupil",
    "banded": "banded",
    "per_unit": "per-unit",
    "base_plus_per_pupil": "base-plus-per-pupil",
}


def build_model(
    model: str,
    *,
    amount: MoneyInput | None = None,
    rate: MoneyInput | None = None,
    minimum: MoneyInput | None = None,
    maximum: MoneyInput | None = None,
    bands: str | Sequence[Band] | None = None,
    unit: str | None = None,
) -> PriceModel:
    """Build a price model from price-list fields (DESIGN §4); an empty string means not given.

    Refuses, with the column named: an unknown model, a field the model does not
    take, a missing required field, a non-numeric or negative value, and a
    minimum above the maximum.
    """
    key = model.strip().lower() if isinstance(model, str) else model
    if key not in MODELS:
        raise PriceRuleError(
            "model", f"unknown price model {model!r} (expected one of {', '.join(MODELS)})"
        )
    given = {
        column: (value.strip() if isinstance(value, str) else value)
        for column, value in zip(_ALL_FIELDS, (amount, rate, minimum, maximum, bands, unit))
    }
    given = {column: value for column, value in given.items() if value not in (None, "")}
    required, optional, takes = _TAKES[key]
    for column in _ALL_FIELDS:
        if column in given and column not in required + optional:
            raise PriceRuleError(column, f"a {_DISPLAY[key]} price takes {takes}, not {_ARTICLE[column]}")
    for column in required:
        if column not in given:
            raise PriceRuleError(column, f"a {_DISPLAY[key]} price needs {_ARTICLE[column]}")
    if "bands" in given:
        raw_bands = given["bands"]
        given["bands"] = parse_bands(raw_bands) if isinstance(raw_bands, str) else tuple(raw_bands)
    return MODELS[key](**given)
