"""Invoice VAT by the EN 16931 rule (DESIGN §1 "Invoices").

Per VAT code, the VAT is the rate times the sum of that code's line nets, rounded
half-up once - never the sum of per-line VAT, which can drift by pennies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from fractions import Fraction
from functools import lru_cache

from invoices.money import ZERO, require_pennies
from pricing.vat import VAT_RATES  # the rates are the price list's codes, written once

__all__ = ["VatError", "VatBreakdown", "InvoiceTotals", "vat_summary", "invoice_totals",
           "line_pence", "breakdown_of_pence"]

class VatError(ValueError):
    """A line whose VAT cannot be worked out (unknown code, bad amount or rate)."""


@dataclass(frozen=True)
class VatBreakdown:
    """One VAT code's totals on an invoice: the rate, the sum of nets and the VAT."""

    code: str
    rate: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class InvoiceTotals:
    """An invoice's net, VAT and gross totals."""

    net: Decimal
    vat: Decimal
    gross: Decimal


def _rate(code: str, rates: Mapping[str, Decimal]) -> Decimal:
    if code not in rates:
        raise VatError(f"unknown VAT code {code!r}; known codes: {', '.join(sorted(rates))}")
    rate = rates[code]
    if isinstance(rate, bool) or not isinstance(rate, (Decimal, int)):
        raise VatError(f"VAT rate for {code!r} must be a Decimal, got {type(rate).__name__}")
    if not Decimal(rate).is_finite() or rate < 0:
        raise VatError(f"VAT rate for {code!r} must be a finite, non-negative fraction, got {rate}")
    return Decimal(rate)


# Wide enough that scaleb is exact for any Decimal (the default 28 digits would round).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def line_pence(code: str, net: Decimal) -> int:
    """A line net in whole pence; anything else is refused with what is wrong with it."""
    if type(net) is Decimal and net.is_finite():
        scaled = net.scaleb(2, _EXACT)  # moves the decimal point; this context never rounds
        pence = int(scaled)
        if pence == scaled:
            return pence
    try:
        require_pennies(net, f"line net for VAT code {code!r}")
    except (TypeError, ValueError) as exc:
        raise VatError(str(exc)) from exc
    return int(Decimal(net).scaleb(2))  # a Decimal subclass, or pennies written with trailing zeros


@lru_cache(maxsize=256)
def _rate_ratio(rate: Decimal) -> tuple[int, int]:
    return Fraction(rate).as_integer_ratio()


def _vat_pence(pence: int, rate: Decimal) -> int:
    """round_half_up(rate x pence), halves away from zero, in exact integers."""
    numerator, denominator = _rate_ratio(rate)
    product = pence * numerator
    magnitude = (2 * abs(product) + denominator) // (2 * denominator)
    return magnitude if product >= 0 else -magnitude


def vat_summary(
    lines: Iterable[tuple[str, Decimal]], rates: Mapping[str, Decimal] = VAT_RATES
) -> list[VatBreakdown]:
    """Per VAT code, the sum of line nets and its VAT, sorted by code.

    DESIGN §1 "Invoices" (EN 16931 BT-116/BT-117): vat = round_half_up(rate x
    sum of that code's line nets). Line nets are whole pence and may be negative
    (credit notes). ``rates`` maps code to a rate as a fraction (0.20 for 20%).
    The sums are done in whole pence with integers: exact at any size.
    """
    nets: dict[str, int] = {}
    for code, net in lines:
        pence = line_pence(code, net)
        if code in nets:
            nets[code] += pence
        else:
            _rate(code, rates)  # once per code: an unknown code is refused before any sum
            nets[code] = pence
    return breakdown_of_pence(nets, rates)


def breakdown_of_pence(nets: Mapping[str, int], rates: Mapping[str, Decimal]) -> list[VatBreakdown]:
    """``vat_summary`` for nets already summed per VAT code in whole pence (``line_pence``)."""
    summary = []
    for code in sorted(nets):
        rate = _rate(code, rates)
        net = nets[code]
        summary.append(VatBreakdown(code, rate, Decimal(net).scaleb(-2, _EXACT),
                                    Decimal(_vat_pence(net, rate)).scaleb(-2, _EXACT)))
    return summary


def invoice_totals(
    lines: Iterable[tuple[str, Decimal]], rates: Mapping[str, Decimal] = VAT_RATES
) -> InvoiceTotals:
    """An invoice's net, VAT (per code by the EN 16931 rule, then summed) and gross.

    DESIGN §1 "Invoices". An invoice with no lines totals 0.00 throughout.
    """
    summary = vat_summary(lines, rates)
    net = sum((b.net for b in summary), ZERO)
    vat = sum((b.vat for b in summary), ZERO)
    return InvoiceTotals(net, vat, net + vat)
