"""Service desk opening hours and closure period as configuration (SLA §5.3, §5.4)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OpeningHours = tuple[time, time]
MonthDay = tuple[int, int]

_MON_THU: OpeningHours = (time(8, 0), time(17, 0))
_FRI: OpeningHours = (time(8, 0), time(16, 30))


@dataclass(frozen=True)
class DeskHours:
    """When the service desk is open.

    ``weekly``: opening hours Monday (index 0) to Sunday (index 6), ``None`` = closed
    (§5.3: Mon-Thu 08:00-17:00, Fri 08:00-16:30, weekends closed).
    ``closure``: (first, last) month/day closed every year, inclusive, may wrap the new
    year (§5.4: 25 December - 1 January); ``None`` for no closure.
    ``bank_holidays``: closed on English bank holidays (§5.4 "English Public Holidays").
    ``timezone``: IANA zone the hours are wall-clock times in.
    """

    weekly: tuple[OpeningHours | None, ...] = (_MON_THU,) * 4 + (_FRI, None, None)
    closure: tuple[MonthDay, MonthDay] | None = ((12, 25), (1, 1))
    bank_holidays: bool = True
    timezone: str = "Europe/London"

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError(f"weekly needs 7 entries (Monday-Sunday), got {len(self.weekly)}")
        for day, hours in enumerate(self.weekly):
            if hours is None:
                continue
            opens, closes = hours
            if not (isinstance(opens, time) and isinstance(closes, time)):
                raise TypeError(f"weekday {day}: opening hours must be datetime.time values")
            if opens.tzinfo is not None or closes.tzinfo is not None:
                raise ValueError(f"weekday {day}: hours are wall-clock times in {self.timezone}, give naive times")
            # Hours crossing midnight would make a day's interval spill into the next date.
            if not opens < closes:
                raise ValueError(f"weekday {day}: opens {opens} must be before closes {closes}")
        if all(hours is None for hours in self.weekly):
            raise ValueError("the desk must open on at least one weekday")
        if self.closure is not None:
            for month, day in self.closure:
                date(2000, month, day)  # a leap year, so 29 February is allowed; raises ValueError
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {self.timezone!r}") from exc

    def in_closure(self, d: date) -> bool:
        """Whether *d* falls in the yearly closure period (§5.4), inclusive at both ends."""
        if self.closure is None:
            return False
        first, last = self.closure
        here = (d.month, d.day)
        if first <= last:
            return first <= here <= last
        return here >= first or here <= last  # wraps the new year, as 25 Dec - 1 Jan does

    def hours_on(self, d: date) -> OpeningHours | None:
        """Opening hours on *d* by weekday and closure period (§5.3, §5.4), bank holidays aside."""
        if self.in_closure(d):
            return None
        return self.weekly[d.weekday()]


DEFAULT_HOURS = DeskHours()
