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


class TermsRefused(TransitionRefused):
    """A date or party given for a move breaks a rule; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


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
    """A notice of cancellation and the date it takes effect (§2.4)."""

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
        raise TermsRefused(f"notice is given by the school or the council, not {given_by!r}", "given_by")
    if fundamental_breach:
        if given_by != "council":
            raise TermsRefused("only the council cancels for fundamental breach (§2.4 c)", "given_by")
        effective = requested_date or notice_date
        if effective < notice_date:
            raise TermsRefused(f"the effective date {effective:%d %B %Y} is before the notice "
                               f"date {notice_date:%d %B %Y}", "requested_date")
        return NoticeTerms(notice_date, requested_date, effective, True)
    earliest = earliest_effective_date(notice_date)
    if requested_date is not None and requested_date < earliest:
        raise TermsRefused(
            f"the effective date {requested_date:%d %B %Y} is earlier than 90 days after the notice "
            f"({earliest:%d %B %Y}, §2.4 b)", "requested_date")
    return NoticeTerms(notice_date, requested_date, max(earliest, requested_date or earliest), False)


def check_details_change(name: str, status: str, term: tuple[date, date], new_term: tuple[date, date]) -> None:
    """An agreement's details change while it lives; once issued its term is fixed (its prices
    were fixed for that term at issue); and a term ends after it starts."""
    if status not in ("draft", "active", "notice_given"):
        raise TransitionRefused(f"{name} is {status}; it can no longer change.")
    if status != "draft" and new_term != term:
        raise TermsRefused("The term of an issued agreement is fixed.", "term_start")
    if new_term[1] < new_term[0]:
        raise TermsRefused("The term must end after it starts.", "term_end")


def status_on(status: str, today: date, term_end: date, effective_date: date | None) -> str:
    """What a stored status has become by ``today``: notices fall due, terms run out."""
    if status == "notice_given" and effective_date is not None and effective_date <= today:
        return "cancelled"
    if status in ("active", "notice_given") and term_end < today:
        return "ended"
    return status


def in_term(day: date, term_start: date, term_end: date) -> bool:
    """Whether ``day`` falls within the term, both ends included."""
    return term_start <= day <= term_end
