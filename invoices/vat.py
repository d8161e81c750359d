"""Invoice VAT by the EN 16931 rule (DESIGN §1 "Invoices").

Per VAT code, the VAT is the rate times the sum of that code's line nets, rounded
half-up once - never the sum of per-line VAT, which can drift by pennies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from types import MappingProxyType

from .money import ZERO, require_pennies, round_half_up

__all__ = ["DEFAULT_VAT_RATES", "VatError", "VatBreakdown", "InvoiceTotals", "vat_summary", "invoice_totals"]

# Codes from the price list CSV (DESIGN §4): S standard 20%, Z zero, E exempt, O outside scope.
DEFAULT_VAT_RATES: Mapping[str, Decimal] = MappingProxyType(
    {
        "S": Decimal("0.20"),
        "Z": Decimal("0.00"),
        "E": Decimal("0.00"),
        "O": Decimal("0.00"),
    }
)


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


def vat_summary(
    lines: Iterable[tuple[str, Decimal]], rates: Mapping[str, Decimal] = DEFAULT_VAT_RATES
) -> list[VatBreakdown]:
    """Per VAT code, the sum of line nets and its VAT, sorted by code.

    DESIGN §1 "Invoices" (EN 16931 BT-116/BT-117): vat = round_half_up(rate x
    sum of that code's line nets). Line nets are whole pence and may be negative
    (credit notes). ``rates`` maps code to a rate as a fraction (0.20 for 20%).
    """
    nets: dict[str, Decimal] = {}
    for code, net in lines:
        try:
            require_pennies(net, f"line net for VAT code {code!r}")
        except (TypeError, ValueError) as exc:
            raise VatError(str(exc)) from exc
        if code in nets:
            nets[code] += net
        else:
            _rate(code, rates)  # once per code: an unknown code is refused before any sum
            nets[code] = ZERO + net
    summary = []
    for code in sorted(nets):
        rate = _rate(code, rates)
        net = nets[code]
        # A wide local context keeps the product exact before the one rounding.
        with localcontext() as ctx:
            ctx.prec = 80
            exact = rate * net
        summary.append(VatBreakdown(code, rate, net, round_half_up(exact)))
    return summary


def invoice_totals(
    lines: Iterable[tuple[str, Decimal]], rates: Mapping[str, Decimal] = DEFAULT_VAT_RATES
) -> InvoiceTotals:
    """An invoice's net, VAT (per code by the EN 16931 rule, then summed) and gross.

    DESIGN §1 "Invoices". An invoice with no lines totals 0.00 throughout.
    """
    summary = vat_summary(lines, rates)
    net = sum((b.net for b in summary), ZERO)
    vat = sum((b.vat for b in summary), ZERO)
    return InvoiceTotals(net, vat, net + vat)
