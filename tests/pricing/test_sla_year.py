"""SLA years run 1 April to 31 March."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.errors import PriceRuleError
from pricing.sla_year import SlaYear


def test_label_and_dates():
    year = SlaYear(2025)
    assert year.label == "2025-26"
    assert str(year) == "2025-26"
    assert year.start == date(2025, 4, 1)
    assert year.end == date(2026, 3, 31)


def test_century_rollover_label():
    assert SlaYear(2099).label == "2099-00"
    assert SlaYear.from_label("2099-00") == SlaYear(2099)


def test_from_label():
    assert SlaYear.from_label("2025-26") == SlaYear(2025)
    assert SlaYear.from_label(" 2024-25 ") == SlaYear(2024)


@pytest.mark.parametrize("label", ["2025-27", "2025-25", "2025", "2025/26", "25-26", "2025-2026", "", "abcd-ef"])
def test_from_label_refuses_malformed(label):
    with pytest.raises(PriceRuleError) as info:
        SlaYear.from_label(label)
    assert info.value.column == "year"


@pytest.mark.parametrize(
    ("day", "start_year"),
    [(date(2025, 4, 1), 2025), (date(2025, 3, 31), 2024), (date(2026, 3, 31), 2025), (date(2025, 12, 25), 2025),
     (date(2026, 1, 1), 2025)],
)
def test_containing(day, start_year):
    assert SlaYear.containing(day) == SlaYear(start_year)


def test_next_previous():
    assert SlaYear(2025).next() == SlaYear(2026)
    assert SlaYear(2025).previous() == SlaYear(2024)
    assert SlaYear(2025).next().previous() == SlaYear(2025)


@pytest.mark.parametrize("bad", [True, "2025", 1800])
def test_refuses_bad_start_year(bad):
    with pytest.raises(PriceRuleError):
        SlaYear(bad)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2500, 12, 31)))
def test_every_date_is_in_exactly_its_year(day):
    year = SlaYear.containing(day)
    assert year.start <= day <= year.end
    assert not (year.next().start <= day <= year.next().end)
    assert not (year.previous().start <= day <= year.previous().end)
    assert (year.end - year.start).days in (364, 365)
    assert SlaYear.from_label(year.label) == year


@pytest.mark.parametrize(
    "day, year",
    [(date(2025, 4, 1), 2025), (date(2026, 3, 31), 2025), (date(2026, 1, 1), 2025), (date(2025, 3, 31), 2024)],
)
def test_the_year_a_day_falls_in(day, year):
    assert SlaYear.containing(day).start_year == year
