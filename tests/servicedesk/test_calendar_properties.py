"""Properties of desk-time arithmetic over random aware moments, 2022-2028."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from servicedesk import SLA_2022_23, deadline, measure

from tests.servicedesk.helpers import CAL, LONDON

ZONES = st.sampled_from([LONDON, timezone.utc, ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=30))])
MOMENTS = st.datetimes(min_value=datetime(2022, 1, 1), max_value=datetime(2028, 12, 31, 23, 59), timezones=ZONES)
# Up to 200 desk hours, to the second.
DURATIONS = st.integers(min_value=0, max_value=200 * 3600).map(lambda s: timedelta(seconds=s))

SETTINGS = settings(deadline=None, max_examples=300)


@SETTINGS
@given(MOMENTS, DURATIONS)
def test_desk_time_between_inverts_add_desk_time(start, duration):
    end = CAL.add_desk_time(start, duration)
    assert CAL.desk_time_between(start, end) == duration
    assert end >= start
    assert end.tzinfo == LONDON


@SETTINGS
@given(MOMENTS, DURATIONS, DURATIONS)
def test_add_desk_time_is_monotonic(start, a, b):
    small, large = sorted((a, b))
    assert CAL.add_desk_time(start, small) <= CAL.add_desk_time(start, large)


@SETTINGS
@given(MOMENTS, MOMENTS)
def test_add_desk_time_finds_the_earliest_moment(start, end):
    elapsed = CAL.desk_time_between(start, end)
    earliest = CAL.add_desk_time(start, elapsed)
    if elapsed:
        assert earliest <= end
    assert CAL.desk_time_between(start, earliest) == elapsed


@SETTINGS
@given(MOMENTS, MOMENTS)
def test_desk_time_is_the_sum_of_the_opening_intervals(start, end):
    total = sum((b - a for a, b in CAL.opening_intervals(start, end)), timedelta(0))
    assert CAL.desk_time_between(start, end) == total


@SETTINGS
@given(MOMENTS, st.integers(min_value=0, max_value=30))
def test_working_days_round_trip(start, days):
    assert CAL.working_days_between(start, CAL.add_working_days(start, days)) == days


@SETTINGS
@given(MOMENTS, st.integers(min_value=1, max_value=4))
def test_measured_deadline_without_suspensions_matches_the_target_deadline(logged, priority):
    target = SLA_2022_23.target_for("incident", priority)
    clock = measure(CAL, target, logged, now=logged)
    assert clock.deadline == deadline(CAL, logged, target)
