"""models.types.ScaledDecimal: money stored as exact integers, never rounded on the way in."""
from decimal import Decimal

import pytest

from contracts_app.models.types import Money, Rate


def test_money_binds_to_pence_and_reads_back():
    money = Money()
    assert money.process_bind_param(Decimal("1234.56"), None) == 123456
    assert money.process_bind_param(Decimal("-0.05"), None) == -5
    assert money.process_bind_param(Decimal("7"), None) == 700
    assert money.process_bind_param(None, None) is None
    assert money.process_result_value(123456, None) == Decimal("1234.56")
    assert str(money.process_result_value(700, None)) == "7.00"
    assert Rate().process_bind_param(Decimal("3.565"), None) == 35650


@pytest.mark.parametrize("value", [Decimal("0.001"), Decimal("1.00000000000000000000000000001"),
                                   Decimal("123456789012345678901234567.891")])
def test_sub_penny_money_is_refused_however_long(value):
    # The last two are longer than decimal's default 28 digits, where scaleb alone would round.
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        Money().process_bind_param(value, None)


def test_floats_are_refused():
    with pytest.raises(TypeError, match="never a float"):
        Money().process_bind_param(1.5, None)
