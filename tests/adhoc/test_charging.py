"""§2.6 "per hour or part thereof": whole hours, the breakdown by SLA year, estimates."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from adhoc.charging import (
    MissingRate,
    TimeEntryRefused,
    WorkEntry,
    adhoc_charge,
    charge_breakdown,
    charged_hours,
    estimated_charge,
)

RATES = {2025: Decimal("62.00"), 2026: Decimal("65.00")}


def e(day: date, minutes: int, who: str = "", note: str = "") -> WorkEntry:
    return WorkEntry(day, minutes, who, note)


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


@pytest.mark.parametrize("minutes, hours", [([70], 2), ([60], 1), ([30, 45], 2), ([20, 20, 20], 1), ([1], 1)])
def test_one_year_is_one_part_rounded_up_once(minutes, hours):
    entries = [e(date(2025, 6, 2) + timedelta(days=i), m) for i, m in enumerate(minutes)]
    (part,) = charge_breakdown(entries, RATES)
    assert (part.sla_year, part.label, part.minutes, part.hours) == (2025, "2025-26", sum(minutes), hours)
    assert part.net == Decimal("62.00") * hours
    assert (part.first, part.last) == (entries[0].work_date, entries[-1].work_date)


def test_each_hour_at_the_rate_of_the_year_it_was_begun():
    # 30 min in March 2026 (2025-26) and 45 min in April 2026 (2026-27): 75 min -> 2 hours,
    # the first begun in 2025-26, the second in 2026-27.
    parts = charge_breakdown([e(date(2026, 4, 2), 45), e(date(2026, 3, 30), 30)], RATES)
    assert [(p.label, p.minutes, p.hours, p.net) for p in parts] == [
        ("2025-26", 30, 1, Decimal("62.00")), ("2026-27", 45, 1, Decimal("65.00"))]


def test_minutes_that_only_finish_an_hour_begun_last_year_cost_nothing_more():
    parts = charge_breakdown([e(date(2026, 3, 30), 30), e(date(2026, 4, 1), 20)], RATES)
    assert [(p.label, p.hours, p.net) for p in parts] == [("2025-26", 1, Decimal("62.00")),
                                                        ("2026-27", 0, Decimal("0.00"))]


def test_a_year_without_a_rate_is_named():
    with pytest.raises(MissingRate) as caught:
        charge_breakdown([e(date(2027, 5, 1), 30)], RATES)
    assert caught.value.sla_year == 2027 and "2027-28" in str(caught.value)


@pytest.mark.parametrize("minutes", [0, -15])
def test_bad_minutes_refused(minutes):
    with pytest.raises(TimeEntryRefused):
        charge_breakdown([e(date(2025, 6, 1), minutes)], RATES)


def test_no_entries_no_parts():
    assert charge_breakdown([], RATES) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=900), st.integers(min_value=1, max_value=600)),
                min_size=1, max_size=15))
def test_parts_add_up_to_the_requests_charged_hours(rows):
    """Property (§2.6): splitting by SLA year never charges more or less than rounding the whole request up."""
    start = date(2025, 10, 1)  # spans 2025-26 and 2026-27 (day 900 is in 2028)
    rates = {2025: Decimal("62.00"), 2026: Decimal("65.00"), 2027: Decimal("70.50"), 2028: Decimal("71.25")}
    entries = [e(start + timedelta(days=offset), minutes) for offset, minutes in rows]
    parts = charge_breakdown(entries, rates)
    total = sum(m for _, m in rows)
    assert sum(p.hours for p in parts) == charged_hours([total]) == -(-total // 60)
    assert sum(p.minutes for p in parts) == total
    assert all(p.hours >= 0 and p.net == rates[p.sla_year] * p.hours for p in parts)
    assert [p.sla_year for p in parts] == sorted({p.sla_year for p in parts})
    # each year is charged at least the hours its own minutes need beyond the hour carried in
    assert all(p.hours * 60 + 60 > p.minutes for p in parts)


@given(st.integers(min_value=1, max_value=100_000), st.integers(min_value=0, max_value=20_000))
def test_estimated_charge_rounds_hours_up(hundredths, pence):
    hours, rate = Decimal(hundredths).scaleb(-2), Decimal(pence).scaleb(-2)
    whole, net = estimated_charge(hours, rate)
    assert whole - 1 < hours <= whole
    assert net == rate * whole


def test_estimated_charge_examples():
    assert estimated_charge(Decimal("2.5"), Decimal("62.00")) == (3, Decimal("186.00"))
    assert estimated_charge(Decimal("6"), Decimal("62.00")) == (6, Decimal("372.00"))
    with pytest.raises(ValueError):
        estimated_charge(Decimal("-1"), Decimal("62.00"))
