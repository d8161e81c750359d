import calendar
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from invoices.proration import months_between, overlap


def months_by_days(start: date, end: date) -> Fraction:
    """Independent oracle: each day is worth 1/(days in its month) of a month."""
    total = Fraction(0)
    day = start
    while day <= end:
        total += Fraction(1, calendar.monthrange(day.year, day.month)[1])
        day += timedelta(days=1)
    return total


def test_worked_example_15_november():
    assert months_between(date(2025, 11, 15), date(2026, 3, 31)) == Fraction(16, 30) + 4


def test_full_sla_year_is_twelve():
    assert months_between(date(2025, 4, 1), date(2026, 3, 31)) == 12


def test_empty_range_is_zero():
    assert months_between(date(2025, 5, 2), date(2025, 5, 1)) == 0


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2025, 1, 1), date(2025, 1, 1), Fraction(1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28), Fraction(1)),
        (date(2024, 2, 1), date(2024, 2, 29), Fraction(1)),
        (date(2024, 2, 1), date(2024, 2, 14), Fraction(14, 29)),
        (date(2025, 4, 10), date(2025, 4, 20), Fraction(11, 30)),
        (date(2025, 4, 30), date(2025, 5, 1), Fraction(1, 30) + Fraction(1, 31)),
        (date(2025, 4, 1), date(2025, 8, 31), Fraction(5)),
        (date(2025, 9, 1), date(2026, 3, 31), Fraction(7)),
        (date(2025, 6, 1), date(2027, 5, 31), Fraction(24)),
    ],
)
def test_examples(start, end, expected):
    assert months_between(start, end) == expected


def test_returns_fraction():
    assert isinstance(months_between(date(2025, 4, 1), date(2025, 4, 15)), Fraction)


def test_overlap():
    a = (date(2025, 4, 1), date(2025, 8, 31))
    assert overlap(*a, date(2025, 6, 1), date(2026, 3, 31)) == (date(2025, 6, 1), date(2025, 8, 31))
    assert overlap(*a, date(2025, 8, 31), date(2025, 9, 30)) == (date(2025, 8, 31), date(2025, 8, 31))
    assert overlap(*a, date(2025, 9, 1), date(2026, 3, 31)) is None
    assert overlap(*a, date(2025, 5, 1), date(2025, 5, 2)) == (date(2025, 5, 1), date(2025, 5, 2))


days = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))


@given(days, days)
def test_matches_day_by_day_oracle(a, b):
    assert months_between(a, b) == (months_by_days(a, b) if a <= b else 0)


@given(days, days, days)
def test_additive_when_split(a, b, c):
    start, middle, end = sorted([a, b, c])
    whole = months_between(start, end)
    assert whole == months_between(start, middle) + months_between(middle + timedelta(days=1), end)


@given(days, days, days, days)
def test_overlap_is_the_shared_days(a, b, c, d):
    a_start, a_end = min(a, b), max(a, b)
    b_start, b_end = min(c, d), max(c, d)
    shared = overlap(a_start, a_end, b_start, b_end)
    if shared is None:
        assert a_end < b_start or b_end < a_start
    else:
        start, end = shared
        assert a_start <= start <= end <= a_end and b_start <= start <= end <= b_end
        assert start in (a_start, b_start) and end in (a_end, b_end)
