"""register/trusts.py: membership on a date and the move GIAS implies (pure Python)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from register.trusts import Move, check_code, is_member_on, membership_on, move_for, trust_on


@dataclass
class M:
    trust_code: str
    joined_on: date | None
    left_on: date | None


def test_membership_is_half_open():
    assert is_member_on(date(2024, 9, 1), date(2025, 9, 1), date(2024, 9, 1))
    assert is_member_on(date(2024, 9, 1), date(2025, 9, 1), date(2025, 8, 31))
    assert not is_member_on(date(2024, 9, 1), date(2025, 9, 1), date(2025, 9, 1))
    assert not is_member_on(date(2024, 9, 1), None, date(2024, 8, 31))
    assert is_member_on(None, None, date(1990, 1, 1))


def test_trust_on_a_date_after_a_move():
    history = [M("3104", date(2011, 11, 1), date(2025, 9, 1)), M("1579", date(2025, 9, 1), None)]
    assert trust_on(history, date(2025, 8, 31)) == "3104"
    assert trust_on(history, date(2025, 9, 1)) == "1579"
    assert trust_on(history, date(2011, 10, 31)) is None
    assert membership_on(history, date(2026, 1, 1)) is history[1]


def test_moves():
    assert move_for("3104", "3104", None, date(2025, 9, 1), None) is None
    assert move_for(None, None, None, date(2025, 9, 1), None) is None
    assert move_for(None, "3104", None, date(2025, 9, 1), date(2011, 11, 1)) == Move(False, "3104", date(2011, 11, 1))
    assert move_for("3104", "1579", date(2011, 11, 1), date(2025, 9, 1), None) == Move(True, "1579", date(2025, 9, 1))
    assert move_for("3104", None, None, date(2025, 9, 1), None) == Move(True, None, date(2025, 9, 1))
    # A GIAS date before the current membership began never makes a negative interval.
    assert move_for("3104", "1579", date(2026, 1, 1), date(2025, 9, 1), None).on == date(2026, 1, 1)


def test_codes():
    assert check_code("3104") is None
    assert "not a GIAS group code" in check_code("TR01")
    assert "longer than 20" in check_code("1" * 21)


def test_an_agreements_trust_day_is_today_within_its_term_else_the_nearest_end():
    from register.trusts import agreement_trust_day
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    assert agreement_trust_day(start, end, date(2025, 9, 1)) == date(2025, 9, 1)
    assert agreement_trust_day(start, end, date(2026, 12, 7)) == end  # a past year: as its term ended
    assert agreement_trust_day(start, end, date(2025, 1, 5)) == start  # next year's: as it will start
