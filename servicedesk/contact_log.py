"""The telephony system's call log and the desk mailbox's email log, read and checked row by
row for the §11.1 call and email standards (the same all-or-nothing rules as the ticket log).

Calls: ``called_at`` and ``answered_at`` (empty, with ``abandoned`` yes, for a call nobody
answered), optionally ``urn`` (when the caller is known) and ``reference``. Emails:
``received_at``, ``first_response_at`` (empty while unanswered), optionally ``urn`` and
``reference``. Pure checking: the caller reads the file into columns of text cells and looks
up which URNs are schools; every problem is named by row and column.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pricing.errors import ImportRefused, Problem
from pricing.sla_year import LONDON
from servicedesk.ticket_log import MAX_REFERENCE, parse_moment, parse_urn

__all__ = ["CHANNELS", "ContactRow", "ContactImportReport", "Channel", "parse_contacts"]

_YES = {"yes", "y", "true", "1"}
_NO = {"", "no", "n", "false", "0"}


@dataclass(frozen=True)
class Channel:
    """How a log names its columns: when the contact came in, when it was first answered."""

    name: str  # "call" or "email"
    started: str
    answered: str
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.started,)

    @property
    def all_columns(self) -> tuple[str, ...]:
        return (self.started, self.answered, *self.optional)


CHANNELS = {
    "call": Channel("call", "called_at", "answered_at", ("abandoned", "urn", "reference")),
    "email": Channel("email", "received_at", "first_response_at", ("urn", "reference")),
}


@dataclass(frozen=True)
class ContactRow:
    """One checked call or email: its key (reference, else time and URN), school and times."""

    row: int
    key: str
    school_id: int | None
    started_at: datetime
    answered_at: datetime | None
    abandoned: bool = False


@dataclass
class ContactImportReport:
    """What an import did: contacts added, updated and unchanged, and the columns it ignored."""

    channel: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """``98 added, 2 updated, 0 unchanged``, naming any ignored columns."""
        ignored = f" (columns ignored: {', '.join(self.ignored_columns)})" if self.ignored_columns else ""
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged{ignored}"


def _moment(cells: Mapping[str, str], name: str, row: int, problems: list[Problem],
            now: datetime) -> datetime | None:
    text = cells[name]
    if not text:
        return None
    try:
        moment = parse_moment(text)
    except ValueError as exc:
        problems.append(Problem(row, name, str(exc)))
        return None
    if moment > now:
        problems.append(Problem(row, name, f"{moment.astimezone(LONDON):%Y-%m-%d %H:%M} is in the future"))
    return moment


def _school(text: str, row: int, schools: Mapping[int, int], problems: list[Problem]) -> int | None:
    """The school the URN names; an empty URN is a caller not known (counted for the service only)."""
    if not text:
        return None
    urn = parse_urn(text)
    if urn is None:
        problems.append(Problem(row, "urn", f"{text!r} is not a URN"))
    elif urn not in schools:
        problems.append(Problem(row, "urn", f"no school with URN {urn} in the register"))
    else:
        return schools[urn]
    return None


def _abandoned(channel: Channel, cells: Mapping[str, str], answered: datetime | None, row: int,
               problems: list[Problem]) -> bool:
    """A call is answered (its time given) or abandoned (``abandoned`` yes), never both nor neither."""
    if channel.name != "call":
        return False
    flag = cells["abandoned"].lower()
    if flag not in _YES | _NO:
        problems.append(Problem(row, "abandoned", f"{cells['abandoned']!r} is not yes or no"))
        return False
    abandoned = flag in _YES
    if abandoned and cells["answered_at"]:
        problems.append(Problem(row, "abandoned", "is yes, but the call has an answered_at time"))
    elif not abandoned and not cells["answered_at"]:
        problems.append(Problem(row, "answered_at", "is empty: give the time the call was answered, or "
                                                    "abandoned=yes for a call nobody answered"))
    return abandoned


def _key(channel: Channel, cells: Mapping[str, str], started: datetime, row: int, seen: dict[str, int],
         problems: list[Problem]) -> str | None:
    """The reference, else the time and URN: a contact imported twice is stored once."""
    reference = cells["reference"]
    if len(reference) > MAX_REFERENCE:
        problems.append(Problem(row, "reference", f"is longer than {MAX_REFERENCE} characters"))
        return None
    key = f"ref:{reference}" if reference else f"at:{started.isoformat()}|{parse_urn(cells['urn']) or ''}"
    if key in seen:
        what = f"reference {reference}" if reference else f"the {channel.name} at this time from this school"
        problems.append(Problem(row, "reference" if reference else channel.started,
                                f"{what} appears twice (also on row {seen[key]})"))
        return None
    seen[key] = row
    return key


def _check_row(channel: Channel, cells: Mapping[str, str], row: int, schools: Mapping[int, int],
               seen: dict[str, int], now: datetime, problems: list[Problem]) -> ContactRow | None:
    before = len(problems)
    started = _moment(cells, channel.started, row, problems, now)
    if started is None and not cells[channel.started]:
        problems.append(Problem(row, channel.started, "is empty"))
    answered = _moment(cells, channel.answered, row, problems, now)
    school_id = _school(cells["urn"], row, schools, problems)
    abandoned = _abandoned(channel, cells, answered, row, problems)
    if started is not None and answered is not None and answered < started:
        problems.append(Problem(row, channel.answered, f"is before the {channel.name} came in"))
    if len(problems) != before:
        return None
    key = _key(channel, cells, started, row, seen, problems)  # type: ignore[arg-type]
    return None if key is None else ContactRow(row, key, school_id, started, answered, abandoned)  # type: ignore[arg-type]


def parse_contacts(channel: Channel, columns: Mapping[str, Sequence[str]], schools: Mapping[int, int],
                   now: datetime, source: str, first_row: int) -> list[ContactRow]:
    """Check every row of a call or email log; refuse the whole file on any problem, naming each."""
    problems: list[Problem] = []
    rows: list[ContactRow] = []
    seen: dict[str, int] = {}
    names = channel.all_columns
    for i in range(len(columns[channel.started])):
        checked = _check_row(channel, {name: columns[name][i] for name in names}, i + first_row, schools, seen,
                             now, problems)
        if checked is not None:
            rows.append(checked)
    if problems:
        raise ImportRefused(problems, source)
    if not rows:
        raise ImportRefused(Problem(None, None, f"the file has no {channel.name} rows"), source)
    return rows
