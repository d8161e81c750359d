"""Money as Decimal: parsing, the one rounding rule, and display."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pricing.errors import PriceRuleError

PENNY = Decimal("0.01")

# Plain digits with an optional fraction; thousands separators must group in threes
# so that "1,2,3" is refused rather than read as 123.
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def to_decimal(value: str | int | Decimal) -> Decimal:
    """Read a money or rate value exactly.

    Accepts ``Decimal``, ``int`` and strings such as ``" £1,200.50 "`` or ``"-£5"``.
    Binary floats are refused because they cannot hold pennies exactly.
    Raises ``PriceRuleError(None, ...)``; callers add the column.
    """
    if isinstance(value, bool):
        # bool is an int subclass; True is never a price.
        raise PriceRuleError(None, f"{value!r} is not a number")
    if isinstance(value, float):
        raise PriceRuleError(None, f"{value!r} is a binary float; give money as text or Decimal")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        text = value.strip()
        sign = ""
        if text[:1] in "+-" and text[1:2] == "£":
            sign, text = text[0], text[2:]
        elif text.startswith("£"):
            text = text[1:]
        text = text.strip()
        if not text or not _NUMBER.match(text) or not any(ch.isdigit() for ch in text):
            raise PriceRuleError(None, f"{value!r} is not a number")
        try:
            result = Decimal(sign + text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern already guards this
            raise PriceRuleError(None, f"{value!r} is not a number") from None
    else:
        raise PriceRuleError(None, f"{value!r} is not a number")
    if not result.is_finite():
        raise PriceRuleError(None, f"{value!r} is not a finite number")
    return result


def round_money(d: Decimal | int | str) -> Decimal:
    """Round half-up to the penny: the single place money is rounded (DESIGN §1)."""
    value = d if isinstance(d, Decimal) else to_decimal(d)
    if not value.is_finite():
        raise PriceRuleError(None, f"{value!r} is not a finite number")
    try:
        rounded = value.quantize(PENNY, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        # More digits than the Decimal context holds: no real price is this large.
        raise PriceRuleError(None, f"{value} is too large to be a price") from None
    # -0.004 rounds to -0.00; show and store it as a plain 0.00.
    return abs(rounded) if rounded.is_zero() else rounded


def format_gbp(d: Decimal) -> str:
    """``£1,277.20``; negatives as ``-£5.00``. Rounds half-up to the penny first."""
    value = round_money(d)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def format_plain(d: Decimal) -> str:
    """``1277.20``: two places, no symbol or separators (exports, database text)."""
    return f"{round_money(d):.2f}"


def format_rate(d: Decimal) -> str:
    """A unit rate for explanations: ``£3.10``, or ``£3.565`` when it has sub-penny places.

    Not rounded, so the explanation shows the rate actually multiplied.
    """
    value = to_decimal(d)
    if value.as_tuple().exponent >= -2:  # type: ignore[operator]
        # Two places or fewer: padding to pennies is exact, not a rounding.
        value = value.quantize(PENNY)
    else:
        value = value.normalize()
        if value.as_tuple().exponent > -2:  # type: ignore[operator]
            value = value.quantize(PENNY)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,f}"
