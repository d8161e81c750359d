"""VAT codes a price can carry (DESIGN §4 price list ``vat_code``)."""
from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Mapping

from pricing.errors import PriceRuleError

# The one table of VAT rates, for prices and invoices alike (read-only: a rate changes by release).
VAT_RATES: Mapping[str, Decimal] = MappingProxyType({
    "S": Decimal("0.20"),
    "Z": Decimal("0"),
    "E": Decimal("0"),
    "O": Decimal("0"),
})

VAT_DESCRIPTIONS: dict[str, str] = {
    "S": "standard rate (20%)",
    "Z": "zero rate",
    "E": "exempt",
    "O": "outside the scope of VAT",
}


def vat_rate(code: str) -> Decimal:
    """The VAT rate for a code (``S``, ``Z``, ``E`` or ``O``) as a fraction, e.g. 0.20."""
    try:
        return VAT_RATES[code]
    except (KeyError, TypeError):
        raise PriceRuleError(
            "vat_code", f"unknown VAT code {code!r} (expected one of {', '.join(VAT_RATES)})"
        ) from None
