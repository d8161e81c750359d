"""Exact money helpers for the invoices package.

Kept local (rather than imported from ``pricing``) so this package stands alone.
Amounts are ``Decimal`` pounds with two places; intermediate pro-rata values are
``fractions.Fraction`` so nothing is rounded until the rule says so.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

__all__ = ["PENNY", "ZERO", "round_half_up", "to_fraction", "require_pennies", "format_gbp"]

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

Exact = Decimal | Fraction | int


def to_fraction(value: Exact) -> Fraction:
    """Return ``value`` as an exact ``Fraction``; floats and bools are refused.

    Floats are refused because binary floating point cannot hold pence exactly.
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, Fraction, int)):
        raise TypeError(f"expected Decimal, Fraction or int, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"amount must be finite, got {value}")
    return Fraction(value)


def round_half_up(value: Exact) -> Decimal:
    """Round an exact amount to the penny, halves away from zero.

    Half-up away from zero is symmetric, so a credit note's negative amounts
    round to exactly minus the invoice's amounts.
    """
    if isinstance(value, Decimal) and value.is_finite():
        # Fast path: a Decimal rounds exactly by quantize in a context wide enough to hold it.
        with localcontext() as ctx:
            ctx.prec = max(60, len(value.as_tuple().digits) + 3)
            return value.quantize(PENNY, rounding=ROUND_HALF_UP) + ZERO
    exact = to_fraction(value)
    pence_x2 = abs(exact) * 200
    # floor((|x| * 100) + 1/2) == (2|x|*100 + 1) // 2, all in integers
    pence = (pence_x2.numerator + pence_x2.denominator) // (2 * pence_x2.denominator)
    if exact < 0:
        pence = -pence
    return Decimal(pence).scaleb(-2)


def require_pennies(value: Decimal, what: str = "amount") -> Decimal:
    """Return ``value`` if it is a finite ``Decimal`` with at most two decimal places.

    Raises ``TypeError`` for non-Decimals and ``ValueError`` for sub-penny values,
    because an amount that is not whole pence has not been rounded by its owner.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")
    if value.as_tuple().exponent < -2 and (Fraction(value) * 100).denominator != 1:
        raise ValueError(f"{what} has more than 2 decimal places: {value}")
    return value


def format_gbp(value: Decimal) -> str:
    """Format an amount for people, e.g. ``£1,277.20`` or ``-£20.00``."""
    rounded = round_half_up(value)
    sign = "-" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.2f}"
