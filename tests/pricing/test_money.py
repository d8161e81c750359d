"""Money parsing, the single half-up rounding rule and display."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.errors import PriceRuleError
from pricing.money import PENNY, format_gbp, format_plain, format_rate, round_money, to_decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1200", Decimal("1200")),
        (" £1,200.50 ", Decimal("1200.50")),
        ("-£5", Decimal("-5")),
        ("£-5.00", Decimal("-5.00")),
        ("3.565", Decimal("3.565")),
        (".5", Decimal("0.5")),
        (12, Decimal(12)),
        (Decimal("0.01"), Decimal("0.01")),
        ("1,234,567.89", Decimal("1234567.89")),
    ],
)
def test_to_decimal_reads_exactly(raw, expected):
    result = to_decimal(raw)
    assert isinstance(result, Decimal)
    assert result == expected


@pytest.mark.parametrize(
    "raw",
    [1.5, True, False, "", "   ", "£", "abc", "1,2,3", "1e3", "NaN", "Infinity", "-inf", Decimal("NaN"),
     Decimal("Infinity"), None, "1.2.3", "12 34", "£-", "."],
)
def test_to_decimal_refuses(raw):
    with pytest.raises(PriceRuleError) as info:
        to_decimal(raw)
    assert info.value.column is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3939.325", "3939.33"),
        ("0.005", "0.01"),
        ("0.0049999", "0.00"),
        ("-0.005", "-0.01"),  # half-up rounds away from zero
        ("-0.004", "0.00"),
        ("2.675", "2.68"),  # the classic case a binary float gets wrong
        ("10", "10.00"),
    ],
)
def test_round_money_half_up(raw, expected):
    result = round_money(Decimal(raw))
    assert str(result) == expected
    assert result.as_tuple().exponent == -2


@given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False, places=6))
def test_round_money_matches_fraction_half_up(value):
    # Independent half-up: floor(|x| * 100 + 1/2) / 100 with the sign put back.
    exact = Fraction(value)
    sign = -1 if exact < 0 else 1
    pennies = int(abs(exact) * 100 + Fraction(1, 2))
    expected = Fraction(sign * pennies, 100)
    result = round_money(value)
    assert Fraction(result) == expected
    assert result.as_tuple().exponent == -2
    assert abs(Fraction(result) - exact) <= Fraction(1, 200)


def test_round_money_refuses_float():
    with pytest.raises(PriceRuleError):
        round_money(1.005)


def test_penny():
    assert PENNY == Decimal("0.01")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1277.2"), "£1,277.20"),
        (Decimal("-5"), "-£5.00"),
        (Decimal("0"), "£0.00"),
        (Decimal("-0.001"), "£0.00"),
        (Decimal("1234567.891"), "£1,234,567.89"),
        (Decimal("0.125"), "£0.13"),
    ],
)
def test_format_gbp(value, expected):
    assert format_gbp(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1277.2"), "1277.20"), (Decimal("-5"), "-5.00"), (Decimal("1234567.895"), "1234567.90")],
)
def test_format_plain(value, expected):
    assert format_plain(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("3.1"), "£3.10"), (Decimal("3.565"), "£3.565"), (Decimal("3.5650"), "£3.565"),
     (Decimal("1200"), "£1,200.00"), (Decimal("0.125"), "£0.125")],
)
def test_format_rate_keeps_sub_penny_places(value, expected):
    assert format_rate(value) == expected
