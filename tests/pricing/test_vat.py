"""VAT codes on prices."""
from decimal import Decimal

import pytest

from pricing.errors import PriceRuleError
from pricing.vat import VAT_DESCRIPTIONS, VAT_RATES, vat_rate


def test_rates():
    assert vat_rate("S") == Decimal("0.20")
    assert [vat_rate(c) for c in "ZEO"] == [Decimal(0)] * 3
    assert set(VAT_RATES) == set(VAT_DESCRIPTIONS) == {"S", "Z", "E", "O"}
    assert all(isinstance(r, Decimal) for r in VAT_RATES.values())


@pytest.mark.parametrize("code", ["X", "", "s", None, "SS"])
def test_unknown_code_refused(code):
    with pytest.raises(PriceRuleError) as info:
        vat_rate(code)
    assert info.value.column == "vat_code"
    assert "vat_code" in str(info.value)
