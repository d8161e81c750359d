from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from invoices.adhoc import TimeEntryRefused, adhoc_charge, charged_hours


@pytest.mark.parametrize(
    "minutes, hours",
    [([70], 2), ([60], 1), ([30, 45], 2), ([], 0), ([1], 1), ([59], 1), ([61], 2), ([30, 30], 1), ([120], 2)],
)
def test_charged_hours_examples(minutes, hours):
    assert charged_hours(minutes) == hours


def test_entries_are_summed_before_rounding():
    # rounding each entry would charge 3 hours
    assert charged_hours([20, 20, 20]) == 1


def test_accepts_any_iterable():
    assert charged_hours(iter([90])) == 2


@pytest.mark.parametrize("minutes", [[0], [-5], [30, 0], [30, -30], [1.5], ["30"], [True]])
def test_bad_entries_refused(minutes):
    with pytest.raises(TimeEntryRefused):
        charged_hours(minutes)
    assert issubclass(TimeEntryRefused, ValueError)


def test_adhoc_charge():
    assert adhoc_charge([70], Decimal("65.50")) == (2, Decimal("131.00"))
    assert adhoc_charge([10], Decimal("45.125")) == (1, Decimal("45.13"))
    assert adhoc_charge([], Decimal("65.50")) == (0, Decimal("0.00"))


def test_adhoc_charge_refuses_bad_rate():
    with pytest.raises(TypeError):
        adhoc_charge([60], 65.5)
    with pytest.raises(ValueError):
        adhoc_charge([60], Decimal("-1"))


@given(st.lists(st.integers(min_value=1, max_value=10_000), max_size=20))
def test_hours_are_the_least_covering_whole_hours(minutes):
    total = sum(minutes)
    hours = charged_hours(minutes)
    assert hours * 60 >= total
    assert total > (hours - 1) * 60 or (hours == 0 and total == 0)


@given(
    st.lists(st.integers(min_value=1, max_value=10_000), max_size=10),
    st.integers(min_value=0, max_value=100_000).map(lambda p: Decimal(p).scaleb(-2)),
)
def test_charge_is_hours_times_rate(minutes, rate):
    hours, net = adhoc_charge(minutes, rate)
    assert hours == charged_hours(minutes)
    assert net == rate * hours  # a two-place rate times whole hours needs no rounding
