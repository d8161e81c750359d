"""DeskHours configuration (§5.3 opening times, §5.4 closure)."""
from datetime import date, time

import pytest

from servicedesk import DEFAULT_HOURS, DeskHours


def test_defaults_follow_the_sla():
    assert DEFAULT_HOURS.weekly[0] == (time(8), time(17))
    assert DEFAULT_HOURS.weekly[3] == (time(8), time(17))
    assert DEFAULT_HOURS.weekly[4] == (time(8), time(16, 30))
    assert DEFAULT_HOURS.weekly[5] is None and DEFAULT_HOURS.weekly[6] is None
    assert DEFAULT_HOURS.closure == ((12, 25), (1, 1))
    assert DEFAULT_HOURS.bank_holidays is True
    assert DEFAULT_HOURS.timezone == "Europe/London"


@pytest.mark.parametrize(
    "d, closed",
    [
        (date(2024, 12, 24), False),
        (date(2024, 12, 25), True),
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), True),
        (date(2025, 1, 2), False),
    ],
)
def test_closure_wraps_the_new_year(d, closed):
    assert DEFAULT_HOURS.in_closure(d) is closed


def test_closure_within_one_year_and_none():
    summer = DeskHours(closure=((8, 1), (8, 14)))
    assert summer.in_closure(date(2024, 8, 1)) and summer.in_closure(date(2024, 8, 14))
    assert not summer.in_closure(date(2024, 7, 31)) and not summer.in_closure(date(2024, 12, 25))
    assert not DeskHours(closure=None).in_closure(date(2024, 12, 25))


def test_hours_on():
    assert DEFAULT_HOURS.hours_on(date(2024, 3, 8)) == (time(8), time(16, 30))  # Friday
    assert DEFAULT_HOURS.hours_on(date(2024, 3, 9)) is None  # Saturday
    assert DEFAULT_HOURS.hours_on(date(2024, 12, 27)) is None  # Friday in the closure


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekly": ((time(8), time(17)),) * 6},
        {"weekly": ((time(17), time(8)),) * 7},
        {"weekly": ((time(8), time(8)),) * 7},
        {"weekly": (None,) * 7},
        {"closure": ((2, 30), (3, 1))},
        {"timezone": "Europe/Atlantis"},
    ],
)
def test_bad_configuration_is_refused(kwargs):
    with pytest.raises(ValueError):
        DeskHours(**kwargs)


def test_hours_must_be_times():
    with pytest.raises(TypeError):
        DeskHours(weekly=(("08:00", "17:00"),) * 7)
