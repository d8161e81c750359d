import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, strategies as st

from invoices.schedule import (
    TERMS,
    BillingPeriod,
    ScheduleError,
    billing_periods,
    period_for,
    schedule_description,
)

YEAR_START = date(2025, 4, 1)
YEAR_END = date(2026, 3, 31)


def test_terms():
    assert TERMS == ("summer", "autumn")


def test_maintained_one_summer_period_for_whole_term():
    assert billing_periods("maintained", YEAR_START, YEAR_END) == [
        BillingPeriod("summer", YEAR_START, YEAR_END)
    ]


def test_maintained_non_standard_term_still_one_period():
    start, end = date(2025, 6, 1), date(2026, 5, 31)
    assert billing_periods("maintained", start, end) == [BillingPeriod("summer", start, end)]


def test_academy_standard_year():
    assert billing_periods("academy", YEAR_START, YEAR_END) == [
        BillingPeriod("summer", date(2025, 4, 1), date(2025, 8, 31)),
        BillingPeriod("autumn", date(2025, 9, 1), date(2026, 3, 31)),
    ]


def test_academy_term_starting_in_june():
    assert billing_periods("academy", date(2025, 6, 1), YEAR_END) == [
        BillingPeriod("summer", date(2025, 6, 1), date(2025, 8, 31)),
        BillingPeriod("autumn", date(2025, 9, 1), date(2026, 3, 31)),
    ]


def test_academy_term_inside_one_window():
    assert billing_periods("academy", date(2025, 10, 1), date(2026, 1, 31)) == [
        BillingPeriod("autumn", date(2025, 10, 1), date(2026, 1, 31))
    ]
    assert billing_periods("academy", date(2025, 4, 1), date(2025, 8, 31)) == [
        BillingPeriod("summer", date(2025, 4, 1), date(2025, 8, 31))
    ]


def test_academy_one_day_terms_at_the_boundary():
    assert billing_periods("academy", date(2025, 8, 31), date(2025, 9, 1)) == [
        BillingPeriod("summer", date(2025, 8, 31), date(2025, 8, 31)),
        BillingPeriod("autumn", date(2025, 9, 1), date(2025, 9, 1)),
    ]


def test_academy_term_crossing_sla_years_refused():
    with pytest.raises(ScheduleError, match="one SLA year"):
        billing_periods("academy", date(2025, 6, 1), date(2026, 5, 31))


@pytest.mark.parametrize("customer_type", ["", "Academy", "free_school", None])
def test_unknown_customer_type_refused(customer_type):
    with pytest.raises(ScheduleError):
        billing_periods(customer_type, YEAR_START, YEAR_END)


@pytest.mark.parametrize("customer_type", ["maintained", "academy"])
def test_reversed_term_refused(customer_type):
    with pytest.raises(ScheduleError, match="before it starts"):
        billing_periods(customer_type, YEAR_END, YEAR_START)


def test_schedule_error_is_value_error():
    assert issubclass(ScheduleError, ValueError)


def test_billing_period_is_frozen():
    period = BillingPeriod("summer", YEAR_START, YEAR_END)
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.term = "autumn"


def test_period_for():
    assert period_for("academy", YEAR_START, YEAR_END, "autumn") == BillingPeriod(
        "autumn", date(2025, 9, 1), YEAR_END
    )
    assert period_for("maintained", YEAR_START, YEAR_END, "summer") == BillingPeriod(
        "summer", YEAR_START, YEAR_END
    )
    assert period_for("maintained", YEAR_START, YEAR_END, "autumn") is None
    assert period_for("academy", date(2025, 10, 1), YEAR_END, "summer") is None
    with pytest.raises(ScheduleError):
        period_for("academy", YEAR_START, YEAR_END, "spring")


def test_schedule_description():
    assert schedule_description("academy") == [
        "Summer term invoice covering 1 April to 31 August",
        "Autumn term invoice covering 1 September to 31 March",
    ]
    maintained = schedule_description("maintained")
    assert len(maintained) == 1 and maintained[0].startswith("Summer term invoice")
    with pytest.raises(ScheduleError):
        schedule_description("other")


sla_year_days = st.dates(min_value=date(2024, 4, 1), max_value=date(2025, 3, 31))


@given(sla_year_days, sla_year_days)
def test_academy_periods_tile_the_term(a, b):
    start, end = min(a, b), max(a, b)
    periods = billing_periods("academy", start, end)
    assert periods[0].start == start and periods[-1].end == end
    for earlier, later in zip(periods, periods[1:]):
        assert later.start == earlier.end + timedelta(days=1)
    assert [p.term for p in periods] == [t for t in TERMS if any(p.term == t for p in periods)]
    for p in periods:
        assert p.start <= p.end
        if p.term == "summer":
            assert 4 <= p.start.month <= 8 and 4 <= p.end.month <= 8
        else:
            assert p.start.month >= 9 or p.start.month <= 3
            assert p.end.month >= 9 or p.end.month <= 3


@given(st.dates(), st.dates())
def test_maintained_any_term_is_one_summer_period(a, b):
    assume(a <= b)
    assert billing_periods("maintained", a, b) == [BillingPeriod("summer", a, b)]


def test_usual_issue_date_is_the_terms_first_covered_day():
    from invoices.schedule import usual_issue_date
    assert usual_issue_date(2025, "summer") == date(2025, 4, 1)
    assert usual_issue_date(2025, "autumn") == date(2025, 9, 1)
    with pytest.raises(ScheduleError):
        usual_issue_date(2025, "spring")


def test_an_issue_date_before_the_sla_year_is_named():
    from invoices.schedule import early_issue_date
    assert early_issue_date(2025, date(2025, 4, 1)) is None
    why = early_issue_date(2025, date(2025, 3, 31))
    assert why.startswith("The issue date 31 March 2025 is before the 2025-26 SLA year starts on 1 April 2025")
