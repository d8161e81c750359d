import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from invoices.money import PENNY, format_gbp, require_pennies, round_half_up


def half_up(value: Fraction) -> Decimal:
    """Independent oracle: round to the penny, halves away from zero, via integer floor."""
    pence = math.floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(-pence if value < 0 else pence) / 100


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("2.675"), "2.68"),
        (Decimal("2.665"), "2.67"),
        (Decimal("2.6649"), "2.66"),
        (Decimal("-2.675"), "-2.68"),
        (Decimal("-0.004"), "0.00"),
        (Fraction(1, 200), "0.01"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
        (7, "7.00"),
    ],
)
def test_round_half_up_examples(value, expected):
    result = round_half_up(value)
    assert str(result) == expected
    assert result.as_tuple().exponent == -2


def test_penny():
    assert PENNY == Decimal("0.01")


def test_round_half_up_refuses_float_and_bool():
    with pytest.raises(TypeError):
        round_half_up(0.1)
    with pytest.raises(TypeError):
        round_half_up(True)


def test_round_half_up_refuses_nan():
    with pytest.raises(ValueError):
        round_half_up(Decimal("NaN"))


@given(st.fractions(max_denominator=10_000, min_value=-10**7, max_value=10**7))
def test_round_half_up_matches_oracle(value):
    assert round_half_up(value) == half_up(value)
    assert round_half_up(-value) == -round_half_up(value)  # symmetric for credit notes


def test_require_pennies():
    assert require_pennies(Decimal("1.10")) == Decimal("1.10")
    assert require_pennies(Decimal("1.100")) == Decimal("1.100")  # trailing zero is still whole pence
    with pytest.raises(ValueError):
        require_pennies(Decimal("1.005"))
    with pytest.raises(TypeError):
        require_pennies(1.5)
    with pytest.raises(ValueError):
        require_pennies(Decimal("Infinity"))


def test_format_gbp():
    assert format_gbp(Decimal("1277.2")) == "£1,277.20"
    assert format_gbp(Decimal("-20")) == "-£20.00"
    assert format_gbp(Decimal("0")) == "£0.00"
