"""The service desk calendar: when the SLA clock runs (SLA §5.3 opening times, §5.4 closures).

Each day's opening hours are wall-clock times in the desk's timezone, turned into a
UTC interval per date, so clock changes (last Sunday of March/October) cost nothing
special. All arithmetic is on those UTC intervals; results come back in the desk's
timezone. Whole closed days are skipped and whole open days are summed from a
per-year running total, so nothing steps minute by minute.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import holidays

from servicedesk._moments import UTC, ZERO, require_aware, require_duration, to_utc
from servicedesk.hours import DEFAULT_HOURS, DeskHours

__all__ = ["DeskHours", "DEFAULT_HOURS", "ServiceDeskCalendar", "Interval"]

Interval = tuple[datetime, datetime]

_ONE_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)
# A calendar that never opens would loop forever; ten years of closed days means misconfiguration.
_MAX_CLOSED_DAYS = 3660


class ServiceDeskCalendar:
    """Opening hours, closure period and English bank holidays as one calendar.

    A *working day* is a date on which the desk opens at all (§5.3, §5.4). Intervals
    are half-open: the desk is open at its opening time and closed at its closing time.
    Every public method takes timezone-aware datetimes (naive ones are a ValueError)
    and returns datetimes in the desk's timezone.
    """

    def __init__(self, hours: DeskHours = DEFAULT_HOURS) -> None:
        self.hours = hours
        self.tz = ZoneInfo(hours.timezone)
        self._days: dict[date, Interval | None] = {}
        self._bank: dict[int, frozenset[date]] = {}
        self._year_totals: dict[int, list[timedelta]] = {}

    def __repr__(self) -> str:
        return f"ServiceDeskCalendar({self.hours!r})"

    # --- days -------------------------------------------------------------

    def bank_holidays(self, year: int) -> frozenset[date]:
        """English bank holidays in *year* as the ``holidays`` package lists them (§5.4).

        Substitute days (e.g. 27 December 2022) are included as the package gives them;
        empty when the configuration ignores bank holidays.
        """
        if not self.hours.bank_holidays:
            return frozenset()
        if year not in self._bank:
            found = holidays.country_holidays("GB", subdiv="ENG", years=year)
            self._bank[year] = frozenset(found.keys())
        return self._bank[year]

    def is_working_day(self, d: date) -> bool:
        """Whether the desk opens at all on *d* (§5.3 weekdays, §5.4 holidays and closure).

        An aware datetime is accepted and read as its date in the desk's timezone.
        """
        if isinstance(d, datetime):
            d = require_aware(d, "d").astimezone(self.tz).date()
        return self._day(d) is not None

    def _day(self, d: date) -> Interval | None:
        """The UTC (open, close) interval of local date *d*, or None when closed; cached."""
        try:
            return self._days[d]
        except KeyError:
            pass
        hours = self.hours.hours_on(d)
        interval: Interval | None = None
        if hours is not None and d not in self.bank_holidays(d.year):
            # Wall-clock times in the desk's zone, so 08:00 stays 08:00 in BST and GMT.
            opens = datetime.combine(d, hours[0], tzinfo=self.tz).astimezone(UTC)
            closes = datetime.combine(d, hours[1], tzinfo=self.tz).astimezone(UTC)
            interval = (opens, closes)
        self._days[d] = interval
        return interval

    def _local_date(self, moment_utc: datetime) -> date:
        return moment_utc.astimezone(self.tz).date()

    def _working_dates(self, first: date) -> Iterator[date]:
        """Working dates from *first* (inclusive) onwards."""
        d, closed = first, 0
        while True:
            if self._day(d) is not None:
                closed = 0
                yield d
            else:
                closed += 1
                if closed > _MAX_CLOSED_DAYS:
                    raise ValueError("the service desk calendar never opens")
            d += _ONE_DAY

    def _year_running_totals(self, year: int) -> list[timedelta]:
        """totals[i] = desk time on the days of *year* before day index i (0 = 1 January)."""
        if year not in self._year_totals:
            totals = [ZERO]
            d = date(year, 1, 1)
            while d.year == year:
                interval = self._day(d)
                totals.append(totals[-1] + (interval[1] - interval[0] if interval else ZERO))
                d += _ONE_DAY
            self._year_totals[year] = totals
        return self._year_totals[year]

    def _whole_days(self, first: date, stop: date) -> timedelta:
        """Desk time on the whole dates first <= d < stop, from the yearly running totals."""
        total = ZERO
        for year in range(first.year, stop.year + 1):
            totals = self._year_running_totals(year)
            lo = (first - date(year, 1, 1)).days if year == first.year else 0
            hi = (stop - date(year, 1, 1)).days if year == stop.year else len(totals) - 1
            if hi > lo:
                total += totals[hi] - totals[lo]
        return total

    def _overlap(self, d: date, start: datetime, end: datetime) -> timedelta:
        interval = self._day(d)
        if interval is None:
            return ZERO
        return max(ZERO, min(interval[1], end) - max(interval[0], start))

    # --- moments ----------------------------------------------------------

    def is_open(self, moment: datetime) -> bool:
        """Whether the desk is open at *moment* (§5.3): opening time included, closing time not."""
        at = to_utc(moment)
        interval = self._day(self._local_date(at))
        return interval is not None and interval[0] <= at < interval[1]

    def next_opening(self, moment: datetime) -> datetime:
        """*moment* itself when the desk is open, otherwise the next opening time.

        §5.3: a ticket logged while the desk is closed is "actioned when the service
        desk next reopens", so its SLA clock starts here.
        """
        at = to_utc(moment)
        for d in self._working_dates(self._local_date(at)):
            opens, closes = self._day(d)  # type: ignore[misc]
            if at < closes:
                return max(at, opens).astimezone(self.tz)
        raise AssertionError("unreachable")  # _working_dates is endless

    def opening_intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """The desk's open (from, to) intervals within [start, end), clipped to it, in order (§5.3, §5.4).

        Empty intervals are left out; nothing is yielded when end <= start.
        """
        lo, hi = to_utc(start, "start"), to_utc(end, "end")
        d, last = self._local_date(lo), self._local_date(hi)
        while d <= last:
            interval = self._day(d)
            if interval is not None:
                a, b = max(interval[0], lo), min(interval[1], hi)
                if a < b:
                    yield a.astimezone(self.tz), b.astimezone(self.tz)
            d += _ONE_DAY

    def desk_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Service desk time elapsed from *start* to *end* (§5.3, §5.4); zero if end <= start.

        Only time while the desk is open counts, so a ticket logged on Friday at 16:00
        and resolved on Monday at 09:00 has taken 1 h 30 min.
        """
        lo, hi = to_utc(start, "start"), to_utc(end, "end")
        if hi <= lo:
            return ZERO
        first, last = self._local_date(lo), self._local_date(hi)
        if first == last:
            return self._overlap(first, lo, hi)
        return (
            self._overlap(first, lo, hi)
            + self._whole_days(first + _ONE_DAY, last)
            + self._overlap(last, lo, hi)
        )

    def add_desk_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest moment at which *duration* of service desk time has run from *start* (§5.3, §5.4).

        Time only runs while the desk is open. A duration that runs out exactly at a
        closing time gives that closing time (not the next opening), so a 4-hour target
        from Thursday 13:00 ends Thursday 17:00. A zero duration gives next_opening(start).
        """
        at, left = to_utc(start, "start"), require_duration(duration)
        for d in self._working_dates(self._local_date(at)):
            opens, closes = self._day(d)  # type: ignore[misc]
            begin = max(at, opens)
            if begin > closes:
                continue  # start was after this day's close
            if left <= closes - begin:
                return (begin + left).astimezone(self.tz)
            left -= closes - begin
        raise AssertionError("unreachable")

    # --- working days -----------------------------------------------------

    def _day_marks(self, start_utc: datetime) -> Iterator[datetime]:
        """UTC moments 1, 2, 3 ... working days after *start_utc* (see add_working_days)."""
        local = start_utc.astimezone(self.tz)
        today = self._day(local.date())
        if today is not None and today[0] < start_utc < today[1]:
            clock = local.time()
            for d in self._working_dates(local.date() + _ONE_DAY):
                opens, closes = self._day(d)  # type: ignore[misc]
                same_clock = datetime.combine(d, clock, tzinfo=self.tz).astimezone(UTC)
                # Friday closes earlier: Thursday 16:45 + 1 working day is Friday 16:30.
                yield min(max(same_clock, opens), closes)
        else:
            # Nothing done yet: the first day whose hours are all ahead is day 1.
            from_today = today is not None and start_utc <= today[0]
            first = local.date() if from_today else local.date() + _ONE_DAY
            for d in self._working_dates(first):
                yield self._day(d)[1]  # type: ignore[index]

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The moment *days* working days after *start* (§5.3, §5.4; §6.2 P3/P4, §7.2 SR).

        Started during opening hours (after the opening time): the same wall-clock
        time on the *days*-th following working day, capped at that day's closing time
        (Thursday 16:45 + 1 = Friday 16:30). Started at or before an opening time, or
        while closed: the closing time of the *days*-th working day, counting the first
        day whose hours are all still ahead as day 1 (Friday 18:00 + 3 = Wednesday 17:00,
        which is the same desk time as Thursday 08:00). Either way the result is the
        earliest moment with that much desk time behind it, as add_desk_time gives.
        ``days == 0`` gives next_opening(start).
        """
        at = to_utc(start, "start")
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError(f"days must be an int, not {type(days).__name__}")
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        if days == 0:
            return self.next_opening(at)
        for n, mark in enumerate(self._day_marks(at), start=1):
            if n == days:
                return mark.astimezone(self.tz)
        raise AssertionError("unreachable")

    def working_days_between(self, start: datetime, end: datetime) -> Fraction:
        """Working days elapsed from *start* to *end*, as an exact Fraction (§5.3, §5.4).

        Whole days are counted with add_working_days, so
        ``working_days_between(s, add_working_days(s, n)) == n``; the part day is the
        share of the next day's step (in desk time) already used. Zero if end <= start.
        """
        lo, hi = to_utc(start, "start"), to_utc(end, "end")
        wanted = self.desk_time_between(lo, hi)
        if wanted == ZERO:
            return Fraction(0)
        used, previous = ZERO, lo
        for whole, mark in enumerate(self._day_marks(lo)):
            step = self.desk_time_between(previous, mark)
            if used + step >= wanted:
                return whole + Fraction((wanted - used) // _MICROSECOND, step // _MICROSECOND)
            used, previous = used + step, mark
        raise AssertionError("unreachable")
