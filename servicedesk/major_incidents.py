"""§6.5 major incidents: a P1 or P2 (or one the log marks major) is triaged within 30 minutes
and updated at 30-minute intervals; a downgrade to P3/P4 is shown with its time, the ticket being
measured against its final priority and its original shown.

Times are service desk time (§5.3-5.4): a night or a weekend between two updates is not a gap.
The first update given is the triage. Pure Python: the caller passes the desk calendar.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from servicedesk.calendar import ServiceDeskCalendar

__all__ = ["MAJOR_PRIORITIES", "TRIAGE_WITHIN", "UPDATE_EVERY", "MajorIncident", "is_major", "major_incident"]

#: §6.5: the priorities that make a major incident.
MAJOR_PRIORITIES = (1, 2)
#: §6.5: triage within 30 minutes of allocation.
TRIAGE_WITHIN = timedelta(minutes=30)
#: §6.5: updates at 30-minute intervals (unless another interval is agreed).
UPDATE_EVERY = timedelta(minutes=30)

PriorityChange = tuple[int, datetime]


def is_major(priority: int | None, history: Sequence[PriorityChange], flagged: bool | None) -> bool:
    """§6.5: the log's own ``major`` when given, else a P1 or P2 at any point of its life."""
    if flagged is not None:
        return flagged
    return any(p in MAJOR_PRIORITIES for p in [priority, *(p for p, _ in history)])


@dataclass(frozen=True)
class MajorIncident:
    """A major incident as the report lists it."""

    original_priority: int | None
    final_priority: int | None
    downgraded_at: datetime | None  # when it went to P3/P4 (§6.5: measured against the final priority)
    triage: timedelta | None  # desk time from logging to the first update; None: no update given
    longest_gap: timedelta | None  # the longest desk time between two updates; None with fewer than two

    @property
    def triage_met(self) -> bool | None:
        return None if self.triage is None else self.triage <= TRIAGE_WITHIN

    @property
    def updates_met(self) -> bool | None:
        return None if self.longest_gap is None else self.longest_gap <= UPDATE_EVERY


def major_incident(calendar: ServiceDeskCalendar, logged: datetime, priority: int | None,
                   history: Sequence[PriorityChange], updates: Sequence[datetime]) -> MajorIncident:
    """The §6.5 figures of one major incident: triage, the longest gap between updates, any downgrade."""
    original = history[0][0] if history else priority
    downgraded = next((at for p, at in history if p not in MAJOR_PRIORITIES), None) \
        if original in MAJOR_PRIORITIES else None
    ordered = sorted(updates)
    triage = calendar.desk_time_between(logged, ordered[0]) if ordered else None
    gaps = [calendar.desk_time_between(a, b) for a, b in zip(ordered, ordered[1:])]
    return MajorIncident(original, priority, downgraded, triage, max(gaps) if gaps else None)
