"""A ticket's SLA clock: start at next opening (§5.3), targets (§6.2, §7.2), suspensions (§6.6)."""
from datetime import datetime, timedelta, timezone

import pytest

from servicedesk import AGREED, SLA_2022_23, Suspension, measure, merge_suspensions

from tests.servicedesk.helpers import CAL, at

H = timedelta(hours=1)
S = timedelta(seconds=1)
P1, P2, P3, P4 = (SLA_2022_23.target_for("incident", p) for p in (1, 2, 3, 4))
SR = SLA_2022_23.target_for("service_request")


# --- met / breached at the boundary ---------------------------------------------


@pytest.mark.parametrize(
    "target, logged, due",
    [
        (P1, at(2024, 3, 5, 9), at(2024, 3, 5, 13)),
        (P2, at(2024, 3, 8, 15), at(2024, 3, 11, 13, 30)),
        (P3, at(2024, 3, 4, 10), at(2024, 3, 7, 10)),
        (P4, at(2024, 3, 4, 10), at(2024, 3, 11, 10)),
        (SR, at(2024, 3, 4, 10), at(2024, 3, 18, 10)),
    ],
)
def test_met_at_the_deadline_breached_a_second_later(target, logged, due):
    on_time = measure(CAL, target, logged, due)
    assert on_time.deadline == due
    assert on_time.met is True and on_time.breached is False
    assert on_time.elapsed == on_time.allowance
    late = measure(CAL, target, logged, due + S)
    assert late.met is False and late.breached is True
    assert late.elapsed == late.allowance + S


def test_p3_logged_monday_is_due_thursday_same_time():
    clock = measure(CAL, P3, at(2024, 3, 4, 10), at(2024, 3, 7, 9, 59))
    assert clock.allowance == timedelta(hours=27)
    assert clock.met is True
    assert clock.remaining is None  # only open tickets have remaining time


def test_resolved_after_closing_but_before_next_opening_counts_as_on_time():
    # P1 due Thursday 17:00; resolved at 17:30 with the desk closed: no desk time has passed.
    clock = measure(CAL, P1, at(2024, 3, 7, 13), at(2024, 3, 7, 17, 30))
    assert clock.deadline == at(2024, 3, 7, 17)
    assert clock.met is True


# --- clock start ------------------------------------------------------------------


@pytest.mark.parametrize(
    "logged, started",
    [
        (at(2024, 3, 8, 17), at(2024, 3, 11, 8)),  # Friday 17:00
        (at(2024, 3, 9, 10), at(2024, 3, 11, 8)),  # Saturday
        (at(2024, 5, 6, 10), at(2024, 5, 7, 8)),  # early May bank holiday Monday
        (at(2024, 12, 24, 17, 5), at(2025, 1, 2, 8)),  # Christmas Eve after close
    ],
)
def test_logged_out_of_hours_starts_at_next_opening(logged, started):
    clock = measure(CAL, P1, logged, now=logged)
    assert clock.started_at == started
    assert clock.deadline == started + 4 * H
    assert clock.elapsed == timedelta(0)


def test_resolved_before_the_desk_opened():
    clock = measure(CAL, P1, at(2024, 3, 9, 10), at(2024, 3, 9, 11))
    assert clock.elapsed == timedelta(0) and clock.met is True


# --- suspensions (§6.6) -------------------------------------------------------------


def test_suspension_is_excluded_and_pushes_the_deadline():
    logged = at(2024, 3, 5, 9)
    waiting = [Suspension(at(2024, 3, 5, 10), at(2024, 3, 5, 12))]
    clock = measure(CAL, P1, logged, at(2024, 3, 5, 15), waiting)
    assert clock.deadline == at(2024, 3, 5, 15)
    assert clock.suspended == 2 * H
    assert clock.elapsed == 4 * H
    assert clock.met is True
    assert measure(CAL, P1, logged, at(2024, 3, 5, 15) + S, waiting).breached


def test_overnight_suspension_counts_only_desk_time():
    # With the third party from Tuesday 16:00 to Wednesday 09:00: 1 h + 1 h of desk time.
    logged = at(2024, 3, 5, 14)
    clock = measure(CAL, P1, logged, at(2024, 3, 6, 12), [Suspension(at(2024, 3, 5, 16), at(2024, 3, 6, 9))])
    assert clock.suspended == 2 * H
    assert clock.elapsed == 2 * H + 3 * H
    assert clock.deadline == at(2024, 3, 6, 11)
    assert clock.met is False


def test_working_day_target_is_pushed_by_suspended_desk_time():
    logged = at(2024, 3, 4, 10)
    clock = measure(CAL, P3, logged, at(2024, 3, 7, 12), [Suspension(at(2024, 3, 5, 9), at(2024, 3, 5, 11))])
    assert clock.deadline == at(2024, 3, 7, 12)
    assert clock.met is True


def test_suspension_before_the_deadline_boundary():
    # Suspension starting exactly at the deadline does not move it.
    logged = at(2024, 3, 5, 9)
    clock = measure(CAL, P1, logged, now=at(2024, 3, 5, 14), suspensions=[Suspension(at(2024, 3, 5, 13))])
    assert clock.deadline == at(2024, 3, 5, 13)
    assert clock.paused and not clock.breached
    assert clock.remaining == timedelta(0)


def test_overlapping_unsorted_suspensions_are_merged():
    logged = at(2024, 3, 5, 8)
    pieces = [
        Suspension(at(2024, 3, 5, 11), at(2024, 3, 5, 12)),
        Suspension(at(2024, 3, 5, 9), at(2024, 3, 5, 10, 30)),
        Suspension(at(2024, 3, 5, 10), at(2024, 3, 5, 11)),  # touches the first, overlaps the second
    ]
    clock = measure(CAL, P1, logged, at(2024, 3, 5, 15), pieces)
    assert clock.suspended == 3 * H
    assert clock.elapsed == 4 * H
    assert clock.deadline == at(2024, 3, 5, 15)
    assert merge_suspensions(pieces, logged, at(2024, 3, 5, 15)) == [
        (at(2024, 3, 5, 9).astimezone(timezone.utc), at(2024, 3, 5, 12).astimezone(timezone.utc))
    ]


def test_suspensions_are_clipped_to_the_tickets_life():
    logged, resolved = at(2024, 3, 5, 10), at(2024, 3, 5, 12)
    pieces = [
        Suspension(at(2024, 3, 4, 9), at(2024, 3, 5, 11)),  # began before the ticket was logged
        Suspension(at(2024, 3, 5, 11, 30), at(2024, 3, 6, 16)),  # ran past the resolution
        Suspension(at(2024, 3, 7, 9), at(2024, 3, 7, 10)),  # entirely after
    ]
    clock = measure(CAL, P1, logged, resolved, pieces)
    assert clock.suspended == timedelta(hours=1, minutes=30)
    assert clock.elapsed == timedelta(minutes=30)


def test_open_ended_suspension_pauses_an_open_ticket():
    logged = at(2024, 3, 5, 9)
    clock = measure(CAL, P1, logged, now=at(2024, 3, 6, 12), suspensions=[Suspension(at(2024, 3, 5, 10))])
    assert clock.paused is True
    assert clock.elapsed == H
    assert clock.remaining == 3 * H
    assert clock.breached is False
    assert clock.deadline == at(2024, 3, 6, 15)  # if handed back now


def test_open_ended_suspension_on_a_resolved_ticket_runs_to_resolution():
    clock = measure(CAL, P1, at(2024, 3, 5, 9), at(2024, 3, 5, 16), [Suspension(at(2024, 3, 5, 10))])
    assert clock.suspended == 6 * H and clock.elapsed == H and clock.paused is False


def test_suspension_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        Suspension(at(2024, 3, 5, 12), at(2024, 3, 5, 11))


def test_naive_suspension_is_refused():
    with pytest.raises(ValueError):
        Suspension(datetime(2024, 3, 5, 12))


# --- open tickets -------------------------------------------------------------------


def test_open_ticket_remaining_and_breach_at_now():
    logged = at(2024, 3, 5, 9)
    within = measure(CAL, P1, logged, now=at(2024, 3, 5, 11))
    assert within.met is None and within.breached is False and within.is_open
    assert within.remaining == 2 * H
    at_deadline = measure(CAL, P1, logged, now=at(2024, 3, 5, 13))
    assert at_deadline.breached is False and at_deadline.remaining == timedelta(0)
    overdue = measure(CAL, P1, logged, now=at(2024, 3, 6, 9))
    assert overdue.breached is True
    assert overdue.remaining == -5 * H


def test_open_working_day_ticket_remaining_is_desk_time():
    clock = measure(CAL, P3, at(2024, 3, 4, 10), now=at(2024, 3, 5, 10))
    assert clock.remaining == timedelta(hours=18)


# --- no clock and bad input -------------------------------------------------------------


def test_agreed_target_is_not_measured():
    clock = measure(CAL, AGREED, at(2024, 3, 4, 10), at(2024, 6, 4, 10))
    assert clock.deadline is None and clock.allowance is None
    assert clock.met is None and clock.breached is False and clock.remaining is None
    assert clock.elapsed > timedelta(0)


def test_bad_input_is_refused():
    logged = at(2024, 3, 5, 9)
    with pytest.raises(ValueError):
        measure(CAL, P1, logged, at(2024, 3, 5, 8))
    with pytest.raises(ValueError):
        measure(CAL, P1, logged)  # open needs now
    with pytest.raises(ValueError):
        measure(CAL, P1, logged, now=at(2024, 3, 5, 8))
    with pytest.raises(ValueError):
        measure(CAL, P1, datetime(2024, 3, 5, 9), now=logged)
    with pytest.raises(ValueError):
        measure(CAL, P1, logged, datetime(2024, 3, 5, 10))
