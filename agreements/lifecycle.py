"""The agreement's life and its cancellation rules (SLA §2.4, §2.5).

Plain Python with no Flask or SQLAlchemy, like pricing/ and invoices/, so the
rules are tested fast and alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

NOTICE_PERIOD = timedelta(days=90)

# Who may move an agreement where; every other move is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"active", "cancelled"}),        # issue; withdraw a draft
    "active": frozenset({"notice_given", "ended", "cancelled"}),  # notice; term over; breach, immediately
    # effective date reached; notice withdrawn; term over before the notice took effect
    "notice_given": frozenset({"cancelled", "active", "ended"}),
    "ended": frozenset(),
    "cancelled": frozenset(),
}
STATUS_NAMES = {
    "draft": "Draft", "active": "Active", "notice_given": "Notice given", "ended": "Ended",
    "cancelled": "Cancelled",
}


class TransitionRefused(ValueError):
    """A move the agreement's life does not allow."""


def check_transition(current: str, new: str) -> None:
    """Refuse any move not in TRANSITIONS, naming both states."""
    if current not in TRANSITIONS:
        raise TransitionRefused(f"unknown agreement status {current!r}")
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(STATUS_NAMES[s].lower() for s in sorted(TRANSITIONS[current])) or "nothing"
        raise TransitionRefused(
            f"an agreement that is {STATUS_NAMES[current].lower()} cannot become "
            f"{STATUS_NAMES.get(new, new).lower()} (it can become: {allowed})")


@dataclass(frozen=True)
class NoticeTerms:
    notice_date: date
    requested_date: date | None
    effective_date: date
    fundamental_breach: bool


def earliest_effective_date(notice_date: date) -> date:
    """§2.4 b: cancellation takes effect 90 days after the notice is given."""
    return notice_date + NOTICE_PERIOD


def notice_terms(notice_date: date, requested_date: date | None, *, given_by: str,
                 fundamental_breach: bool = False) -> NoticeTerms:
    """The effective date of a written notice of cancellation.

    §2.4 b: 90 days after the notice, or later if the notice asks for a later date;
    a requested date earlier than that is refused. §2.4 c: the council may cancel for
    the school's fundamental breach, and then the date it gives applies (at the
    earliest the notice date itself).
    """
    if given_by not in ("school", "council"):
        raise TransitionRefused(f"notice is given by the school or the council, not {given_by!r}")
    if fundamental_breach:
        if given_by != "council":
            raise TransitionRefused("only the council cancels for fundamental breach (§2.4 c)")
        effective = requested_date or notice_date
        if effective < notice_date:
            raise TransitionRefused(f"the effective date {effective:%d %B %Y} is before the notice "
                                    f"date {notice_date:%d %B %Y}")
        return NoticeTerms(notice_date, requested_date, effective, True)
    earliest = earliest_effective_date(notice_date)
    if requested_date is not None and requested_date < earliest:
        raise TransitionRefused(
            f"the effective date {requested_date:%d %B %Y} is earlier than 90 days after the notice "
            f"({earliest:%d %B %Y}, §2.4 b)")
    return NoticeTerms(notice_date, requested_date, max(earliest, requested_date or earliest), False)


def status_on(status: str, today: date, term_end: date, effective_date: date | None) -> str:
    """What a stored status has become by ``today``: notices fall due, terms run out."""
    if status == "notice_given" and effective_date is not None and effective_date <= today:
        return "cancelled"
    if status in ("active", "notice_given") and term_end < today:
        return "ended"
    return status


def in_term(day: date, term_start: date, term_end: date) -> bool:
    return term_start <= day <= term_end
