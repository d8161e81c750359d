"""The SLA clock of one ticket: started, suspended, met or breached (SLA §5.3, §6.2, §6.6, §7.2).

Everything is measured in service desk time. A working-day target is turned into
desk time once, at the start (``targets.desk_allowance``), so hours and days
targets are compared, suspended and reported the same way.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from servicedesk._moments import UTC, ZERO, require_aware, to_utc
from servicedesk.calendar import ServiceDeskCalendar
from servicedesk.targets import Target, desk_allowance

__all__ = ["Suspension", "TicketClock", "measure", "merge_suspensions"]


@dataclass(frozen=True)
class Suspension:
    """Time the ticket is with a third party, so the clock stops (§6.6); ``end`` None = still there."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.start, "suspension start")
        if self.end is not None:
            require_aware(self.end, "suspension end")
            if self.end < self.start:
                raise ValueError(f"suspension ends ({self.end}) before it starts ({self.start})")


def merge_suspensions(
    suspensions: Iterable[Suspension], floor: datetime, ceiling: datetime
) -> list[tuple[datetime, datetime]]:
    """Suspensions clipped to [floor, ceiling], sorted, overlapping ones merged, as UTC pairs (§6.6).

    An open-ended suspension runs to *ceiling*; empty results are dropped.
    """
    lo, hi = to_utc(floor, "floor"), to_utc(ceiling, "ceiling")
    clipped = []
    for suspension in suspensions:
        start = max(suspension.start.astimezone(UTC), lo)
        end = hi if suspension.end is None else min(suspension.end.astimezone(UTC), hi)
        if start < end:
            clipped.append((start, end))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(clipped):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class TicketClock:
    """Where a ticket stands against its target; all durations are service desk time.

    ``allowance``: the target as desk time from ``started_at`` (None when agreed).
    ``elapsed``: desk time from ``started_at`` to resolution (or now) less ``suspended``.
    ``deadline``: earliest moment the unsuspended desk time reaches ``allowance``;
    suspensions push it later. While ``paused`` (open and with a third party now) it
    is the deadline if the ticket came back now, so it keeps moving.
    ``met``: resolved tickets only, ``elapsed <= allowance``; None while open or agreed.
    ``breached``: resolved and not met, or open with ``elapsed > allowance`` at now.
    ``remaining``: open tickets only, ``allowance - elapsed`` (negative when overdue).
    """

    target: Target
    logged_at: datetime
    started_at: datetime
    resolved_at: datetime | None
    allowance: timedelta | None
    deadline: datetime | None
    elapsed: timedelta
    suspended: timedelta
    met: bool | None
    breached: bool
    remaining: timedelta | None
    paused: bool

    @property
    def is_open(self) -> bool:
        """True until the ticket is resolved."""
        return self.resolved_at is None


def _deadline(
    calendar: ServiceDeskCalendar, started: datetime, allowance: timedelta,
    windows: list[tuple[datetime, datetime]],
) -> datetime:
    """Walk the desk time from *started*, skipping suspension *windows*, until *allowance* is used."""
    at, left = started, allowance
    for start, end in windows:
        if end <= at:
            continue
        if start > at:
            candidate = calendar.add_desk_time(at, left)
            if candidate <= start:
                return candidate
            left -= calendar.desk_time_between(at, start)
        at = max(at, end)
    return calendar.add_desk_time(at, left)


def measure(
    calendar: ServiceDeskCalendar,
    target: Target,
    logged_at: datetime,
    resolved_at: datetime | None = None,
    suspensions: Iterable[Suspension] = (),
    now: datetime | None = None,
) -> TicketClock:
    """Measure a ticket against *target* (§6.2 incidents, §7.2 service requests).

    The clock starts at the next opening after *logged_at* (§5.3) and only runs in desk
    hours; time with a third party is excluded (§6.6). Suspensions may be unsorted or
    overlap (they are merged) and are clipped to the ticket's life; an open-ended one
    runs to resolution (or *now*). *now* is required for an open ticket and ignored
    for a resolved one. For a working-day target, e.g. P3 (3 working days) logged
    Monday 10:00, the allowance is the desk time to Thursday 10:00 (27 h), so the
    target is met if resolved by Thursday 10:00 with no suspensions, and each desk
    hour suspended moves that an hour of desk time later.
    """
    require_aware(logged_at, "logged_at")
    if resolved_at is not None:
        until = require_aware(resolved_at, "resolved_at")
        if until < logged_at:
            raise ValueError("a ticket cannot be resolved before it is logged")
    elif now is None:
        raise ValueError("now is needed to measure an open ticket")
    else:
        until = require_aware(now, "now")
        if until < logged_at:
            raise ValueError("now is before the ticket was logged")

    started = calendar.next_opening(logged_at)
    suspensions = tuple(suspensions)
    windows = merge_suspensions(suspensions, logged_at, until)
    suspended = sum((calendar.desk_time_between(a, b) for a, b in windows), ZERO)
    elapsed = calendar.desk_time_between(started, until) - suspended
    allowance = desk_allowance(calendar, started, target)
    paused = resolved_at is None and any(
        s.start <= until and (s.end is None or s.end > until) for s in suspensions
    )

    met: bool | None = None
    breached = False
    remaining: timedelta | None = None
    due: datetime | None = None
    if allowance is not None:
        due = _deadline(calendar, started.astimezone(UTC), allowance, windows).astimezone(calendar.tz)
        if resolved_at is not None:
            met = elapsed <= allowance
            breached = not met
        else:
            # Breached only once more desk time than allowed has run, matching met above.
            breached = elapsed > allowance
            remaining = allowance - elapsed
    return TicketClock(
        target=target, logged_at=logged_at, started_at=started, resolved_at=resolved_at,
        allowance=allowance, deadline=due, elapsed=elapsed, suspended=suspended,
        met=met, breached=breached, remaining=remaining, paused=paused,
    )
