"""Shared helpers: moments in London wall-clock time."""
from datetime import datetime
from zoneinfo import ZoneInfo

from servicedesk import ServiceDeskCalendar

LONDON = ZoneInfo("Europe/London")
CAL = ServiceDeskCalendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """An aware London wall-clock moment."""
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON)
