"""The call logging system's ticket log, read and checked row by row (§5.3 times, §6.2 and
§7.2 ticket types and priorities, §6.6 third-party suspensions, §6.3 awaiting the customer and
no-response closures, §6.4 re-opens: one after 5 working days is refused, naming its row).

Pure checking: the caller reads the file into columns of text cells and looks up which
URNs are schools; every problem is named by row and column, and any one refuses the file.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pricing.errors import ImportRefused, Problem
from pricing.sla_year import LONDON
from servicedesk._moments import UTC, parse_moment
from servicedesk.calendar import ServiceDeskCalendar
from servicedesk.clock import Suspension
from servicedesk.major_log import MAJOR_COLUMNS, MajorCells, check_major
from servicedesk.targets import TICKET_TYPES
from servicedesk.ticket_life import REOPEN_DAYS, RESOLVED_REASONS, TicketLife, reopen_in_time

__all__ = [
    "COLUMNS", "OPTIONAL_COLUMNS", "URN_ALIASES", "MAX_REFERENCE", "Interval", "LogRow", "TicketImportReport",
    "header_names", "parse_moment", "parse_suspensions", "parse_urn", "parse_rows", "urns_named",
]

COLUMNS = ("reference", "urn", "type", "priority", "logged_at", "resolved_at")
OPTIONAL_COLUMNS = ("suspensions", "summary", "awaiting_customer", "resolved_reason", "reopened_at", "linked_to",
                    *MAJOR_COLUMNS)
# Names the call logging system may use for the school's URN.
URN_ALIASES = ("school_urn",)
MAX_REFERENCE = 40  # the size of the stored ticket's reference column
_PRIORITY = re.compile(r"^[pP]?\s*([0-9]+)$")

#: A suspension (§6.6) as the log gives it: start, and end or None while still away.
Interval = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class LogRow:
    """One checked row of the call log, ready to save."""

    row: int
    reference: str
    school_id: int
    type: str
    priority: int | None
    summary: str
    logged_at: datetime
    resolved_at: datetime | None
    suspensions: tuple[Interval, ...]
    life: TicketLife = TicketLife()
    major: MajorCells = MajorCells()  # §6.5


@dataclass
class TicketImportReport:
    """What an import did: tickets added, updated and unchanged, and columns it ignored."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @classmethod
    def for_header(cls, names: Sequence[str]) -> TicketImportReport:
        """An empty report noting the header's columns that are not part of a ticket log."""
        return cls(ignored_columns=[c for c in names if c not in COLUMNS + OPTIONAL_COLUMNS])

    def summary(self) -> str:
        """``2 added, 1 updated, 0 unchanged``, naming any ignored columns."""
        ignored = f" (columns ignored: {', '.join(self.ignored_columns)})" if self.ignored_columns else ""
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged{ignored}"


def header_names(names: Sequence[str]) -> list[str]:
    """The header as the checks name it: lower case, spaces as underscores, a URN alias as ``urn``."""
    names = [c.strip().lower().replace(" ", "_") for c in names]
    for alias in URN_ALIASES:
        if alias in names and "urn" not in names:
            names = ["urn" if c == alias else c for c in names]
    return names


# --- cells ------------------------------------------------------------------------------


def parse_suspensions(text: str) -> list[Interval]:
    """The ``suspensions`` cell: ISO 8601 intervals ``start/end`` separated by ``;`` (§6.6).

    An empty end (``2026-05-01T10:00/``) means the ticket is still with the third
    party. Raises ValueError naming the interval that is wrong.
    """
    intervals: list[Interval] = []
    parts = [part.strip() for part in text.split(";")]
    for number, part in enumerate((p for p in parts if p), start=1):
        if part.count("/") != 1:
            raise ValueError(f"suspension {number} ({part!r}) is not start/end, "
                             "e.g. 2026-05-01T10:00/2026-05-02T09:00")
        start_text, end_text = (piece.strip() for piece in part.split("/"))
        if not start_text:
            raise ValueError(f"suspension {number} ({part!r}) has no start")
        try:
            start = parse_moment(start_text)
            end = parse_moment(end_text) if end_text else None
        except ValueError as exc:
            raise ValueError(f"suspension {number}: {exc}") from None
        if end is not None and end <= start:
            raise ValueError(f"suspension {number} ends ({end_text}) before it starts ({start_text})")
        intervals.append((start, end))
    return intervals


def parse_urn(text: str) -> int | None:
    """A URN cell as a number, or None when it is not one; ``123456.0`` as spreadsheets write it is accepted."""
    digits = text[:-2] if text.endswith(".0") else text
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


def _ticket_type(text: str) -> str:
    """incident, service_request or project; 'Service Request' as the call log writes it is accepted."""
    value = re.sub(r"[\s-]+", "_", text.strip().lower())
    if value not in TICKET_TYPES:
        raise ValueError(f"{text!r} is not a ticket type (incident, service_request or project)")
    return value


def _priority(text: str, ticket_type: str) -> int | None:
    """1-4 (or P1-P4); required for incidents (§6.2), optional for requests (§7.2 ignores it)."""
    value = text.strip()
    if not value:
        if ticket_type == "incident":
            raise ValueError("is empty: an incident needs a priority 1-4 (§6.2)")
        return None
    match = _PRIORITY.match(value)
    if not match or not 1 <= int(match.group(1)) <= 4:
        raise ValueError(f"{text!r} is not a priority 1-4")
    return int(match.group(1))


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%Y-%m-%d %H:%M}"


# --- rows -------------------------------------------------------------------------------


def _check_times(logged: datetime, resolved: datetime | None, suspensions: list[Interval], now: datetime,
                 row: int, problems: list[Problem]) -> None:
    """A ticket's times in order: nothing in the future, resolved after logged, each
    suspension within the ticket's life (§6.6). Records what is wrong in *problems*."""
    if logged > now:
        problems.append(Problem(row, "logged_at", f"{_local(logged)} is in the future"))
    if resolved is not None:
        if resolved < logged:
            problems.append(Problem(row, "resolved_at", "is before the ticket was logged"))
        elif resolved > now:
            problems.append(Problem(row, "resolved_at", f"{_local(resolved)} is in the future"))
    for number, (start, end) in enumerate(suspensions, start=1):
        if start < logged:
            problems.append(Problem(row, "suspensions", f"suspension {number} starts before the ticket was logged"))
        elif resolved is not None and start > resolved:
            problems.append(Problem(row, "suspensions", f"suspension {number} starts after the ticket was resolved"))
        elif end is None and resolved is not None:
            problems.append(Problem(row, "suspensions",
                                    f"suspension {number} has no end, but the ticket is resolved"))
        elif end is not None and resolved is not None and end > resolved:
            problems.append(Problem(row, "suspensions", f"suspension {number} ends after the ticket was resolved"))
        elif (end or start) > now:
            problems.append(Problem(row, "suspensions", f"suspension {number} is in the future"))


def _check_reference(reference: str, row: int, seen: dict[str, int], problems: list[Problem]) -> None:
    """Present, short enough for the stored column, and once only in the file."""
    if not reference:
        problems.append(Problem(row, "reference", "is empty"))
    elif len(reference) > MAX_REFERENCE:
        problems.append(Problem(row, "reference", f"is longer than {MAX_REFERENCE} characters"))
    elif reference in seen:
        problems.append(Problem(row, "reference", f"{reference} appears twice (also on row {seen[reference]})"))
    else:
        seen[reference] = row


def _check_school(text: str, row: int, schools: Mapping[int, int], problems: list[Problem]) -> int | None:
    """The id of the school the URN names, or None with the problem recorded."""
    urn = parse_urn(text)
    if urn is None:
        problems.append(Problem(row, "urn", f"{text!r} is not a URN" if text else "is empty"))
        return None
    if urn not in schools:
        problems.append(Problem(row, "urn", f"no school with URN {urn} in the register"))
        return None
    return schools[urn]


def _check_kind(type_text: str, priority_text: str, row: int,
                problems: list[Problem]) -> tuple[str | None, int | None]:
    """The ticket type and its priority (§6.2, §7.2); the priority is only read once the type is known."""
    try:
        ticket_type = _ticket_type(type_text)
    except ValueError as exc:
        problems.append(Problem(row, "type", str(exc)))
        return None, None
    try:
        return ticket_type, _priority(priority_text, ticket_type)
    except ValueError as exc:
        problems.append(Problem(row, "priority", str(exc)))
        return ticket_type, None


def _check_moments(cells: Mapping[str, str], now: datetime, row: int,
                   problems: list[Problem]) -> tuple[datetime | None, datetime | None, list[Interval]]:
    """Logged, resolved and the suspensions, compared with each other only once all are read."""
    logged = resolved = None
    suspensions: list[Interval] = []
    before = len(problems)
    if not cells["logged_at"]:
        problems.append(Problem(row, "logged_at", "is empty"))
    else:
        try:
            logged = parse_moment(cells["logged_at"])
        except ValueError as exc:
            problems.append(Problem(row, "logged_at", str(exc)))
    if cells["resolved_at"]:
        try:
            resolved = parse_moment(cells["resolved_at"])
        except ValueError as exc:
            problems.append(Problem(row, "resolved_at", str(exc)))
    try:
        suspensions = parse_suspensions(cells["suspensions"])
    except ValueError as exc:
        problems.append(Problem(row, "suspensions", str(exc)))
    if logged is not None and len(problems) == before:
        _check_times(logged, resolved, suspensions, now, row, problems)
    return logged, resolved, suspensions


def _intervals(cells: Mapping[str, str], name: str, logged: datetime, resolved: datetime | None, now: datetime,
               row: int, problems: list[Problem]) -> list[Interval]:
    """An interval column (``start/end;...``) within the ticket's life: after it was logged, not in
    the future, and (when it is resolved) ended by its resolution."""
    try:
        intervals = parse_suspensions(cells[name])
    except ValueError as exc:
        problems.append(Problem(row, name, str(exc).replace("suspension", "interval")))
        return []
    for number, (start, end) in enumerate(intervals, start=1):
        if start < logged:
            problems.append(Problem(row, name, f"interval {number} starts before the ticket was logged"))
        elif (end or start) > now:
            problems.append(Problem(row, name, f"interval {number} is in the future"))
        elif resolved is not None and (end is None or end > resolved):
            problems.append(Problem(row, name, f"interval {number} ends after the ticket was resolved"))
    return intervals


def _reopens(cells: Mapping[str, str], logged: datetime, resolved: datetime | None, now: datetime, row: int,
             calendar: ServiceDeskCalendar, problems: list[Problem]) -> list[Interval]:
    """§6.4: each ``resolved/reopened`` pair; a re-open after 5 working days is a new ticket."""
    pairs = _intervals(cells, "reopened_at", logged, resolved, now, row, problems)
    for number, (gone, back) in enumerate(pairs, start=1):
        if back is None:
            problems.append(Problem(row, "reopened_at", f"interval {number} has no re-open time "
                                                        "(give resolved/reopened, e.g. 2026-05-01T10:00/2026-05-04T09:00)"))
        elif not reopen_in_time(calendar, gone, back):
            problems.append(Problem(row, "reopened_at", f"re-opened {_local(back)}, more than {REOPEN_DAYS} working "
                                                        f"days after its resolution at {_local(gone)} (§6.4): raise "
                                                        "a new ticket"))
    return pairs


def _check_life(cells: Mapping[str, str], row: int, logged: datetime, resolved: datetime | None, now: datetime,
                calendar: ServiceDeskCalendar, problems: list[Problem]) -> TicketLife:
    """§6.3 awaiting the customer and why it was resolved, §6.4 re-opens, the ticket it continues."""
    awaiting = _intervals(cells, "awaiting_customer", logged, resolved, now, row, problems)
    reopened = _reopens(cells, logged, resolved, now, row, calendar, problems)
    reason = cells["resolved_reason"].lower().replace(" ", "_") or None
    if reason is not None and reason not in RESOLVED_REASONS:
        problems.append(Problem(row, "resolved_reason", f"{cells['resolved_reason']!r} is not one of "
                                                        f"{', '.join(RESOLVED_REASONS)}"))
    elif reason is not None and resolved is None:
        problems.append(Problem(row, "resolved_reason", "is given, but the ticket has no resolved_at"))
    linked = cells["linked_to"] or None
    if linked is not None and (len(linked) > MAX_REFERENCE or linked == cells["reference"]):
        problems.append(Problem(row, "linked_to", "names the ticket itself" if linked == cells["reference"]
                                else f"is longer than {MAX_REFERENCE} characters"))
    return TicketLife(tuple(Suspension(a, b) for a, b in awaiting),
                      tuple(Suspension(a, b) for a, b in reopened if b is not None), reason, linked)


def _check_row(cells: Mapping[str, str], row: int, schools: Mapping[int, int], seen: dict[str, int],
               now: datetime, calendar: ServiceDeskCalendar, problems: list[Problem]) -> LogRow | None:
    """One row checked, or None with its problems recorded (in column order)."""
    before = len(problems)
    _check_reference(cells["reference"], row, seen, problems)
    school_id = _check_school(cells["urn"], row, schools, problems)
    ticket_type, priority = _check_kind(cells["type"], cells["priority"], row, problems)
    logged, resolved, suspensions = _check_moments(cells, now, row, problems)
    if logged is None or len(problems) != before:
        return None
    life = _check_life(cells, row, logged, resolved, now, calendar, problems)
    major = check_major(cells, row, logged, priority, now, problems)
    if len(problems) != before:
        return None
    return LogRow(row, cells["reference"], school_id, ticket_type, priority,  # type: ignore[arg-type]
                  cells["summary"], logged, resolved, tuple(suspensions), life, major)  # type: ignore[arg-type]


def parse_rows(columns: Mapping[str, Sequence[str]], schools: Mapping[int, int], now: datetime,
               source: str, first_row: int, calendar: ServiceDeskCalendar | None = None) -> list[LogRow]:
    """Check every row of the log, collecting every problem with its row and column; refuse the file on any.

    *columns* holds each of COLUMNS and OPTIONAL_COLUMNS as stripped text cells ('' where
    absent); *schools* maps the URNs found (see parse_urn) to school ids; *first_row* is
    the number the file's first data row is known by. A file with no rows is refused too.
    """
    names = COLUMNS + OPTIONAL_COLUMNS
    calendar = calendar or ServiceDeskCalendar()
    problems: list[Problem] = []
    rows: list[LogRow] = []
    seen: dict[str, int] = {}
    for i in range(len(columns["reference"])):
        checked = _check_row({name: columns[name][i] for name in names}, i + first_row, schools, seen, now,
                             calendar, problems)
        if checked is not None:
            rows.append(checked)
    if problems:
        raise ImportRefused(problems, source)
    if not rows:
        raise ImportRefused(Problem(None, None, "the file has no ticket rows"), source)
    return rows


def urns_named(cells: Collection[str]) -> set[int]:
    """The URNs a log's ``urn`` column names, to look up once for the whole file (not per row)."""
    return {urn for urn in map(parse_urn, cells) if urn is not None}
