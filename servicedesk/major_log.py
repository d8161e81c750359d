"""The ticket log's §6.5 columns, checked: ``major`` (yes/no), ``priority_history``
(``P1@2026-06-01T09:00;P3@2026-06-01T10:10``), ``updates`` (the times updates were given,
joined by ``;``) and ``status`` (as the call logging system words it). Pure checking.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from pricing.errors import Problem
from servicedesk._moments import parse_moment

__all__ = ["MAJOR_COLUMNS", "MajorCells", "check_major", "history_text", "updates_text", "read_history",
           "read_updates"]

MAJOR_COLUMNS = ("major", "priority_history", "updates", "status")
MAX_STATUS = 20
_CHANGE = re.compile(r"^[pP]?\s*([1-4])\s*@\s*(\S.*)$")
_YES, _NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}


@dataclass(frozen=True)
class MajorCells:
    """A row's §6.5 cells as read: ``major`` None when the log does not say."""

    major: bool | None = None
    history: tuple[tuple[int, datetime], ...] = ()
    updates: tuple[datetime, ...] = ()
    status: str = ""


def _history(text: str, logged: datetime, now: datetime) -> list[tuple[int, datetime]]:
    changes = []
    for number, part in enumerate((p.strip() for p in text.split(";") if p.strip()), start=1):
        match = _CHANGE.match(part)
        if not match:
            raise ValueError(f"change {number} ({part!r}) is not P1-P4@time, e.g. P1@2026-06-01T09:00")
        try:
            at = parse_moment(match.group(2))
        except ValueError as exc:
            raise ValueError(f"change {number}: {exc}") from None
        if at < logged or at > now or (changes and at < changes[-1][1]):
            raise ValueError(f"change {number} is {'in the future' if at > now else 'out of order'}"
                             if at >= logged else f"change {number} is before the ticket was logged")
        changes.append((int(match.group(1)), at))
    return changes


def _updates(text: str, logged: datetime, now: datetime) -> list[datetime]:
    times = []
    for number, part in enumerate((p.strip() for p in text.split(";") if p.strip()), start=1):
        try:
            at = parse_moment(part)
        except ValueError as exc:
            raise ValueError(f"update {number}: {exc}") from None
        if at < logged:
            raise ValueError(f"update {number} is before the ticket was logged")
        if at > now:
            raise ValueError(f"update {number} is in the future")
        times.append(at)
    return sorted(times)


def check_major(cells: Mapping[str, str], row: int, logged: datetime, priority: int | None, now: datetime,
                problems: list[Problem]) -> MajorCells:
    """The §6.5 cells, each problem named by row and column. The last priority of the history is
    the ticket's own: it is measured against its final priority (a downgrade shows the original)."""
    flag = cells["major"].lower()
    if flag and flag not in _YES | _NO:
        problems.append(Problem(row, "major", f"{cells['major']!r} is not yes or no"))
    history: list[tuple[int, datetime]] = []
    try:
        history = _history(cells["priority_history"], logged, now)
    except ValueError as exc:
        problems.append(Problem(row, "priority_history", str(exc)))
    if history and history[-1][0] != priority:
        problems.append(Problem(row, "priority_history", f"ends at P{history[-1][0]}, but the ticket's priority is "
                                                         f"{priority or 'empty'}: give the final priority there"))
    updates: list[datetime] = []
    try:
        updates = _updates(cells["updates"], logged, now)
    except ValueError as exc:
        problems.append(Problem(row, "updates", str(exc)))
    if len(cells["status"]) > MAX_STATUS:
        problems.append(Problem(row, "status", f"is longer than {MAX_STATUS} characters"))
    return MajorCells(flag in _YES if flag else None, tuple(history), tuple(updates), cells["status"])


def history_text(history: tuple[tuple[int, datetime], ...]) -> str:
    """As stored: ``1@2026-06-01T08:00:00+00:00;3@...`` (UTC)."""
    return ";".join(f"{p}@{at.isoformat()}" for p, at in history)


def updates_text(updates: tuple[datetime, ...]) -> str:
    return ";".join(at.isoformat() for at in updates)


def read_history(text: str | None) -> tuple[tuple[int, datetime], ...]:
    """The stored history back (see history_text)."""
    return tuple((int(p), datetime.fromisoformat(at)) for p, at in (i.split("@", 1) for i in (text or "").split(";")
                                                                    if i))


def read_updates(text: str | None) -> tuple[datetime, ...]:
    return tuple(datetime.fromisoformat(at) for at in (text or "").split(";") if at)
