"""The service desk calendar: §5.3 opening times, §5.4 closures, clock changes."""
from datetime import date, datetime, time, timedelta, timezone
from fractions import Fraction

import pytest

from servicedesk import DeskHours, ServiceDeskCalendar

from tests.servicedesk.helpers import CAL, LONDON, at

H = timedelta(hours=1)

# English and Welsh bank holidays as gov.uk lists them: the weekday dates, substitutes included.
BANK_HOLIDAYS = {
    2022: [
        date(2022, 1, 3),  # New Year's Day substitute (1 Jan is a Saturday)
        date(2022, 4, 15), date(2022, 4, 18), date(2022, 5, 2),
        date(2022, 6, 2),  # spring bank holiday moved for the jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 8, 29),
        date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        date(2022, 12, 26),
        date(2022, 12, 27),  # Christmas Day substitute (25 Dec is a Sunday)
    ],
    2023: [
        date(2023, 1, 2),  # New Year's Day substitute
        date(2023, 4, 7), date(2023, 4, 10), date(2023, 5, 1),
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2023, 5, 29), date(2023, 8, 28), date(2023, 12, 25), date(2023, 12, 26),
    ],
    2024: [
        date(2024, 1, 1), date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 6),
        date(2024, 5, 27), date(2024, 8, 26), date(2024, 12, 25), date(2024, 12, 26),
    ],
    2025: [
        date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5),
        date(2025, 5, 26), date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26),
    ],
    2026: [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day substitute (26 Dec is a Saturday)
    ],
    2027: [
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30),
        date(2027, 12, 27), date(2027, 12, 28),  # both substitutes (25/26 Dec at the weekend)
    ],
    2028: [
        date(2028, 1, 3),  # New Year's Day substitute
        date(2028, 4, 14), date(2028, 4, 17), date(2028, 5, 1),
        date(2028, 5, 29), date(2028, 8, 28), date(2028, 12, 25), date(2028, 12, 26),
    ],
}


def _in_closure(d: date) -> bool:
    return (d.month, d.day) >= (12, 25) or (d.month, d.day) == (1, 1)


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_bank_holidays_match_gov_uk(year):
    weekdays = {d for d in CAL.bank_holidays(year) if d.weekday() < 5}
    assert weekdays == set(BANK_HOLIDAYS[year])


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_every_day_of_the_year(year):
    """Open exactly on weekdays that are neither bank holidays nor 25 Dec - 1 Jan (§5.4)."""
    d = date(year, 1, 1)
    while d.year == year:
        expected = d.weekday() < 5 and d not in BANK_HOLIDAYS[year] and not _in_closure(d)
        assert CAL.is_working_day(d) is expected, d
        d += timedelta(days=1)


@pytest.mark.parametrize("year", range(2022, 2029))
def test_christmas_closure_every_year(year):
    for day in range(25, 32):
        assert not CAL.is_working_day(date(year, 12, day))
    assert not CAL.is_working_day(date(year + 1, 1, 1))


def test_substitute_day_outside_the_closure_closes_the_desk():
    assert not CAL.is_working_day(date(2022, 1, 3))
    assert not CAL.is_open(at(2022, 1, 3, 10))
    assert CAL.is_working_day(date(2022, 1, 4))


def test_bank_holidays_can_be_switched_off():
    cal = ServiceDeskCalendar(DeskHours(bank_holidays=False))
    assert cal.is_working_day(date(2022, 6, 3))
    assert not cal.is_working_day(date(2022, 12, 27))  # still in the closure
    assert cal.bank_holidays(2022) == frozenset()


def test_closure_can_be_switched_off():
    cal = ServiceDeskCalendar(DeskHours(closure=None))
    assert cal.is_working_day(date(2024, 12, 27))
    assert not cal.is_working_day(date(2024, 12, 25))  # Christmas Day is still a bank holiday


def test_is_working_day_reads_an_aware_datetime_as_a_london_date():
    # 23:30 UTC on Sunday 30 June is 00:30 on Monday 1 July in London.
    assert CAL.is_working_day(datetime(2024, 6, 30, 23, 30, tzinfo=timezone.utc))
    with pytest.raises(ValueError):
        CAL.is_working_day(datetime(2024, 7, 1, 10))


@pytest.mark.parametrize(
    "moment, is_open",
    [
        (at(2024, 3, 4, 7, 59, 59), False),
        (at(2024, 3, 4, 8), True),
        (at(2024, 3, 4, 16, 59, 59), True),
        (at(2024, 3, 4, 17), False),
        (at(2024, 3, 8, 16, 29, 59), True),
        (at(2024, 3, 8, 16, 30), False),  # Friday closes at 16:30
        (at(2024, 3, 9, 10), False),  # Saturday
        (at(2024, 12, 24, 10), True),
        (at(2024, 12, 27, 10), False),  # closure
    ],
)
def test_is_open(moment, is_open):
    assert CAL.is_open(moment) is is_open


@pytest.mark.parametrize(
    "logged, opens",
    [
        (at(2024, 3, 8, 17), at(2024, 3, 11, 8)),  # Friday 17:00
        (at(2024, 3, 8, 16, 30), at(2024, 3, 11, 8)),  # Friday at closing time
        (at(2024, 3, 9, 11), at(2024, 3, 11, 8)),  # Saturday
        (at(2024, 3, 4, 6, 15), at(2024, 3, 4, 8)),  # before opening
        (at(2024, 3, 4, 17, 45), at(2024, 3, 5, 8)),  # evening
        (at(2024, 5, 27, 9), at(2024, 5, 28, 8)),  # spring bank holiday Monday
        (at(2024, 3, 28, 17), at(2024, 4, 2, 8)),  # Easter: Good Friday to Easter Monday
        (at(2024, 12, 24, 17, 30), at(2025, 1, 2, 8)),  # Christmas Eve after close
        (at(2021, 12, 24, 16, 45), at(2022, 1, 4, 8)),  # closure then the 3 Jan substitute
        (at(2022, 12, 23, 16, 31), at(2023, 1, 3, 8)),  # closure then the 2 Jan substitute
    ],
)
def test_next_opening_when_logged_out_of_hours(logged, opens):
    assert CAL.next_opening(logged) == opens


def test_next_opening_is_the_moment_itself_when_open():
    moment = at(2024, 3, 5, 11, 17, 3)
    assert CAL.next_opening(moment) == moment


def test_results_are_in_london_time_whatever_the_input_zone():
    saturday_utc = datetime(2024, 7, 6, 12, tzinfo=timezone.utc)
    result = CAL.next_opening(saturday_utc)
    assert result.tzinfo == LONDON
    assert result == at(2024, 7, 8, 8)
    assert result.utcoffset() == H  # BST


# --- clock changes ------------------------------------------------------------


def test_spring_forward_week():
    # 2023 clocks went forward on Sunday 26 March.
    friday_gmt, monday_bst = at(2023, 3, 24, 16), at(2023, 3, 27, 9, 30)
    assert CAL.add_desk_time(friday_gmt, 2 * H) == monday_bst
    assert CAL.desk_time_between(friday_gmt, monday_bst) == 2 * H
    assert CAL.next_opening(at(2023, 3, 26, 3)) == datetime(2023, 3, 27, 7, tzinfo=timezone.utc)
    assert CAL.desk_time_between(at(2023, 3, 20), at(2023, 3, 27)) == 4 * 9 * H + timedelta(hours=8, minutes=30)
    assert CAL.desk_time_between(at(2023, 3, 25), at(2023, 4, 1)) == 4 * 9 * H + timedelta(hours=8, minutes=30)


def test_fall_back_week():
    # 2023 clocks went back on Sunday 29 October.
    friday_bst, monday_gmt = at(2023, 10, 27, 16), at(2023, 10, 30, 8, 30)
    assert CAL.add_desk_time(friday_bst, H) == monday_gmt
    assert CAL.desk_time_between(friday_bst, monday_gmt) == H
    assert CAL.is_open(datetime(2023, 10, 30, 8, 0, tzinfo=timezone.utc))
    assert not CAL.is_open(datetime(2023, 10, 30, 7, 30, tzinfo=timezone.utc))
    assert CAL.desk_time_between(at(2023, 10, 28), at(2023, 11, 4)) == 4 * 9 * H + timedelta(hours=8, minutes=30)


def test_easter_weekend_with_a_clock_change():
    # 2024: Good Friday 29 March, clocks forward Sunday 31 March, Easter Monday 1 April.
    assert CAL.add_desk_time(at(2024, 3, 28, 16), 2 * H) == at(2024, 4, 2, 9)
    assert CAL.add_working_days(at(2024, 3, 28, 10), 1) == at(2024, 4, 2, 10)
    assert CAL.add_working_days(at(2024, 3, 28, 10), 1).utcoffset() == H


def test_opening_intervals_across_a_clock_change():
    intervals = list(CAL.opening_intervals(at(2023, 3, 24, 12), at(2023, 3, 27, 12)))
    assert intervals == [(at(2023, 3, 24, 12), at(2023, 3, 24, 16, 30)), (at(2023, 3, 27, 8), at(2023, 3, 27, 12))]
    assert list(CAL.opening_intervals(at(2023, 3, 27, 12), at(2023, 3, 24, 12))) == []


# --- desk time ------------------------------------------------------------------


def test_add_desk_time_ends_at_closing_time_not_next_opening():
    assert CAL.add_desk_time(at(2024, 3, 7, 13), 4 * H) == at(2024, 3, 7, 17)
    assert CAL.add_desk_time(at(2024, 3, 7, 13), 4 * H + timedelta(seconds=1)) == at(2024, 3, 8, 8, 0, 1)


def test_add_desk_time_from_out_of_hours_and_zero():
    assert CAL.add_desk_time(at(2024, 3, 9, 12), timedelta(0)) == at(2024, 3, 11, 8)
    assert CAL.add_desk_time(at(2024, 3, 9, 12), 3 * H) == at(2024, 3, 11, 11)


def test_add_desk_time_over_christmas():
    # Monday 23 Dec 2024 16:00: 1 h that day, 9 h on Christmas Eve, then closed to 1 Jan.
    assert CAL.add_desk_time(at(2024, 12, 23, 16), 12 * H) == at(2025, 1, 2, 10)


def test_desk_time_between():
    assert CAL.desk_time_between(at(2024, 3, 8, 16), at(2024, 3, 11, 9)) == timedelta(hours=1, minutes=30)
    assert CAL.desk_time_between(at(2024, 3, 11, 9), at(2024, 3, 8, 16)) == timedelta(0)
    week = 4 * 9 * H + timedelta(hours=8, minutes=30)
    assert CAL.desk_time_between(at(2024, 3, 4), at(2024, 3, 11)) == week
    # Across years: 2024 to 2025 is a full year of desk time, sums from both years.
    assert CAL.desk_time_between(at(2024, 3, 4), at(2025, 3, 3)) == CAL.desk_time_between(
        at(2024, 3, 4), at(2024, 12, 31)
    ) + CAL.desk_time_between(at(2025, 1, 1), at(2025, 3, 3))


def test_negative_duration_is_refused():
    with pytest.raises(ValueError):
        CAL.add_desk_time(at(2024, 3, 4, 10), -H)


# --- working days ---------------------------------------------------------------


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (at(2024, 3, 4, 10), 3, at(2024, 3, 7, 10)),  # Monday 10:00 + 3 = Thursday 10:00
        (at(2024, 3, 7, 10), 3, at(2024, 3, 12, 10)),  # over the weekend
        (at(2024, 3, 7, 16, 45), 1, at(2024, 3, 8, 16, 30)),  # Friday closes earlier
        (at(2024, 3, 8, 18), 3, at(2024, 3, 13, 17)),  # out of hours: closing time of day 3
        (at(2024, 3, 4, 8), 3, at(2024, 3, 6, 17)),  # at opening: Monday is day 1
        (at(2024, 3, 4, 7), 1, at(2024, 3, 4, 17)),
        (at(2024, 12, 23, 10), 2, at(2025, 1, 2, 10)),  # over the closure
        (at(2024, 3, 9, 12), 0, at(2024, 3, 11, 8)),
        (at(2024, 3, 5, 12), 0, at(2024, 3, 5, 12)),
    ],
)
def test_add_working_days(start, days, expected):
    assert CAL.add_working_days(start, days) == expected


def test_out_of_hours_working_days_equal_counting_from_the_next_opening_in_desk_time():
    start = at(2024, 3, 8, 18)
    assert CAL.desk_time_between(start, CAL.add_working_days(start, 3)) == CAL.desk_time_between(
        at(2024, 3, 11, 8), at(2024, 3, 14, 8)
    )


def test_add_working_days_refuses_bad_days():
    with pytest.raises(ValueError):
        CAL.add_working_days(at(2024, 3, 4, 10), -1)
    with pytest.raises(TypeError):
        CAL.add_working_days(at(2024, 3, 4, 10), 1.5)


def test_working_days_between():
    monday = at(2024, 3, 4, 10)
    assert CAL.working_days_between(monday, at(2024, 3, 7, 10)) == 3
    assert CAL.working_days_between(monday, at(2024, 3, 7, 13)) == Fraction(3) + Fraction(3, 9)
    assert CAL.working_days_between(monday, at(2024, 3, 4, 14, 30)) == Fraction(1, 2)
    assert CAL.working_days_between(monday, monday) == 0
    assert CAL.working_days_between(at(2024, 3, 7, 10), monday) == 0
    # Out of hours on both sides: Friday evening to the next Thursday before opening.
    assert CAL.working_days_between(at(2024, 3, 8, 18), at(2024, 3, 14, 7)) == 3


# --- naive datetimes ------------------------------------------------------------


NAIVE = datetime(2024, 3, 4, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.is_open(NAIVE),
        lambda: CAL.next_opening(NAIVE),
        lambda: CAL.add_desk_time(NAIVE, H),
        lambda: CAL.desk_time_between(NAIVE, at(2024, 3, 5)),
        lambda: CAL.desk_time_between(at(2024, 3, 1), NAIVE),
        lambda: CAL.add_working_days(NAIVE, 1),
        lambda: CAL.working_days_between(NAIVE, at(2024, 3, 5)),
        lambda: list(CAL.opening_intervals(NAIVE, at(2024, 3, 5))),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_a_calendar_that_never_opens_fails_loudly():
    cal = ServiceDeskCalendar(DeskHours(closure=((1, 1), (12, 31))))
    with pytest.raises(ValueError, match="never opens"):
        cal.next_opening(at(2024, 3, 4, 10))


def test_custom_hours():
    cal = ServiceDeskCalendar(DeskHours(weekly=((time(9), time(12)),) * 6 + (None,), bank_holidays=False))
    assert cal.is_open(at(2024, 3, 9, 10))  # open on Saturday
    assert cal.add_desk_time(at(2024, 3, 9, 11), 2 * H) == at(2024, 3, 11, 10)
