import calendar
import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from invoices.allocation import AllocationError, allocate_line, line_total, prorated_amount
from invoices.schedule import BillingPeriod, billing_periods

YEAR_START = date(2025, 4, 1)
YEAR_END = date(2026, 3, 31)
SUMMER = BillingPeriod("summer", date(2025, 4, 1), date(2025, 8, 31))
AUTUMN = BillingPeriod("autumn", date(2025, 9, 1), date(2026, 3, 31))
ACADEMY = [SUMMER, AUTUMN]
MAINTAINED = [BillingPeriod("summer", YEAR_START, YEAR_END)]


def months_by_days(start: date, end: date) -> Fraction:
    """Independent oracle: each day is worth 1/(days in its month) of a month."""
    total = Fraction(0)
    day = start
    while day <= end:
        total += Fraction(1, calendar.monthrange(day.year, day.month)[1])
        day += timedelta(days=1)
    return total


def half_up(value: Fraction) -> Decimal:
    """Independent oracle: round to the penny, halves away from zero, via integer floor."""
    pence = math.floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(-pence if value < 0 else pence) / 100


def exact(annual: Decimal, start: date, end: date, period: BillingPeriod) -> Fraction:
    s, e = max(start, period.start), min(end, period.end)
    return Fraction(annual) * months_by_days(s, e) / 12 if s <= e else Fraction(0)


# --- worked examples -------------------------------------------------------


def test_line_starting_15_november_is_charged_16_30_plus_4_twelfths():
    annual = Decimal("1200.00")
    expected = Decimal("453.33")  # 1200 x (16/30 + 4) / 12 = 453.333...
    assert half_up(Fraction(1200) * (Fraction(16, 30) + 4) / 12) == expected
    assert allocate_line(annual, date(2025, 11, 15), YEAR_END, ACADEMY) == [Decimal("0.00"), expected]
    assert allocate_line(annual, date(2025, 11, 15), YEAR_END, MAINTAINED) == [expected]
    assert line_total(annual, date(2025, 11, 15), YEAR_END, YEAR_START, YEAR_END) == expected


def test_full_year_academy_adds_up_to_annual_price():
    # summer 5/12 of 1000 = 416.666... -> 416.67; autumn takes the remainder 583.33
    assert allocate_line(Decimal("1000.00"), YEAR_START, YEAR_END, ACADEMY) == [
        Decimal("416.67"),
        Decimal("583.33"),
    ]


def test_last_period_takes_remainder_not_its_own_rounding():
    # 0.06 x 5/12 = 0.025 -> 0.03; 0.06 x 7/12 = 0.035 -> 0.04 on its own, but remainder 0.03.
    assert allocate_line(Decimal("0.06"), YEAR_START, YEAR_END, ACADEMY) == [Decimal("0.03"), Decimal("0.03")]


def test_line_only_in_summer():
    amounts = allocate_line(Decimal("1200.00"), date(2025, 5, 1), date(2025, 6, 30), ACADEMY)
    assert amounts == [Decimal("200.00"), Decimal("0.00")]


def test_line_outside_term_is_all_zero():
    assert allocate_line(Decimal("1200.00"), date(2026, 4, 1), date(2026, 5, 1), ACADEMY) == [
        Decimal("0.00"),
        Decimal("0.00"),
    ]


def test_line_running_past_the_term_is_clipped():
    assert allocate_line(Decimal("1200.00"), date(2025, 1, 1), date(2027, 1, 1), MAINTAINED) == [
        Decimal("1200.00")
    ]


def test_non_standard_academy_term():
    periods = billing_periods("academy", date(2025, 6, 1), YEAR_END)
    # 10 months of 1200 = 1000; summer 3 months = 300
    assert allocate_line(Decimal("1200.00"), date(2025, 6, 1), YEAR_END, periods) == [
        Decimal("300.00"),
        Decimal("700.00"),
    ]


def test_amounts_have_two_places():
    for amount in allocate_line(Decimal("1000"), YEAR_START, YEAR_END, ACADEMY):
        assert amount.as_tuple().exponent == -2


def test_prorated_amount():
    assert prorated_amount(Decimal("1000.00"), YEAR_START, YEAR_END, SUMMER) == Decimal("416.67")
    assert prorated_amount(Decimal("1000.00"), YEAR_START, YEAR_END, AUTUMN) == Decimal("583.33")
    assert prorated_amount(Decimal("1000.00"), date(2025, 9, 1), YEAR_END, SUMMER) == Decimal("0.00")


# --- refusals --------------------------------------------------------------


@pytest.mark.parametrize("annual", [Decimal("100.001"), Decimal("NaN"), 100.5, "100.00"])
def test_refuses_annual_not_in_whole_pence(annual):
    with pytest.raises(AllocationError):
        allocate_line(annual, YEAR_START, YEAR_END, ACADEMY)


def test_refuses_reversed_line():
    with pytest.raises(AllocationError):
        allocate_line(Decimal("1.00"), YEAR_END, YEAR_START, ACADEMY)


def test_refuses_no_periods():
    with pytest.raises(AllocationError):
        allocate_line(Decimal("1.00"), YEAR_START, YEAR_END, [])


def test_refuses_gaps_overlaps_and_disorder():
    gap = [SUMMER, BillingPeriod("autumn", date(2025, 9, 2), YEAR_END)]
    overlapping = [SUMMER, BillingPeriod("autumn", date(2025, 8, 31), YEAR_END)]
    for periods in (gap, overlapping, [AUTUMN, SUMMER]):
        with pytest.raises(AllocationError, match="contiguous"):
            allocate_line(Decimal("1.00"), YEAR_START, YEAR_END, periods)


def test_allocation_error_is_value_error():
    assert issubclass(AllocationError, ValueError)


# --- properties ------------------------------------------------------------

annuals = st.integers(min_value=0, max_value=100_000_000).map(lambda p: Decimal(p).scaleb(-2))
year_days = st.dates(min_value=YEAR_START, max_value=YEAR_END)
customer_types = st.sampled_from(["maintained", "academy"])


@given(annuals, year_days, customer_types)
def test_line_to_term_end_sums_to_rounded_months_share(annual, start, customer_type):
    periods = billing_periods(customer_type, YEAR_START, YEAR_END)
    amounts = allocate_line(annual, start, YEAR_END, periods)
    assert len(amounts) == len(periods)
    assert sum(amounts) == half_up(Fraction(annual) * months_by_days(start, YEAR_END) / 12)
    for amount, period in list(zip(amounts, periods))[:-1]:
        assert amount == half_up(exact(annual, start, YEAR_END, period))
    assert all(a >= 0 and a.as_tuple().exponent == -2 for a in amounts)


@given(annuals, year_days, year_days, customer_types)
def test_any_line_inside_the_year(annual, a, b, customer_type):
    start, end = min(a, b), max(a, b)
    periods = billing_periods(customer_type, YEAR_START, YEAR_END)
    amounts = allocate_line(annual, start, end, periods)
    assert sum(amounts) == half_up(Fraction(annual) * months_by_days(start, end) / 12)
    overlapped = [i for i, p in enumerate(periods) if start <= p.end and p.start <= end]
    for i, (amount, period) in enumerate(zip(amounts, periods)):
        if i not in overlapped:
            assert amount == 0
        elif i != overlapped[-1]:
            assert amount == half_up(exact(annual, start, end, period))
    # the remainder never strays more than a penny from the exact share
    last = overlapped[-1]
    assert abs(Fraction(amounts[last]) - exact(annual, start, end, periods[last])) <= Fraction(1, 100)


@given(annuals, customer_types)
def test_full_term_adds_up_to_annual_price(annual, customer_type):
    periods = billing_periods(customer_type, YEAR_START, YEAR_END)
    assert sum(allocate_line(annual, YEAR_START, YEAR_END, periods)) == annual


@given(annuals, year_days, year_days)
def test_non_standard_academy_term_full_line(annual, a, b):
    term_start, term_end = min(a, b), max(a, b)
    periods = billing_periods("academy", term_start, term_end)
    amounts = allocate_line(annual, term_start, term_end, periods)
    assert sum(amounts) == half_up(Fraction(annual) * months_by_days(term_start, term_end) / 12)
    assert amounts[0] == half_up(exact(annual, term_start, term_end, periods[0])) or len(amounts) == 1


@given(annuals, st.integers(min_value=1, max_value=28))
def test_worked_example_shape_for_any_november_day(annual, day):
    start = date(2025, 11, day)
    expected = half_up(Fraction(annual) * (Fraction(30 - day + 1, 30) + 4) / 12)
    assert allocate_line(annual, start, YEAR_END, ACADEMY) == [Decimal("0.00"), expected]
