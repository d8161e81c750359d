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
    # a notice received on paper during the term, entered after it, that took effect within it
    "ended": frozenset({"cancelled"}),
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
    """What a stored status has become by ``today``: notices fall due, terms run out.

    §2.4 b with the term: a notice taking effect after the term end never cancels; the
    agreement ends at its term end (``notice_outcome``)."""
    if (status == "notice_given" and effective_date is not None and effective_date <= today
            and effective_date <= term_end):
        return "cancelled"
    if status in ("active", "notice_given") and term_end < today:
        return "ended"
    return status


def in_term(day: date, term_start: date, term_end: date) -> bool:
    """Whether ``day`` falls within the term, both ends included."""
    return term_start <= day <= term_end


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_notice_date(notice_date: date, *, entered_by: str, today: date, term: tuple[date, date]) -> None:
    """§2.4 a: the date a written notice is given.

    A school giving notice itself (``entered_by="school"``) dates it the day it gives it:
    it may ask for a later effective date, never back-date the notice. A notice recorded
    by staff is dated when it was received: not in the future, and within the agreement's
    term - also once the term is over, so that notices received on paper can be entered
    afterwards. Either way the notice is given within the term, so it never takes effect
    before the term begins.
    """
    if entered_by not in ("school", "staff"):
        raise TermsRefused(f"a notice is entered by the school or by staff, not {entered_by!r}", "entered_by")
    if entered_by == "school" and notice_date != today:
        raise TermsRefused(f"a school's notice is dated the day it is given, {_day(today)}, not "
                           f"{_day(notice_date)}; ask for a later cancellation date instead", "notice_date")
    if notice_date > today:
        raise TermsRefused(f"the notice date {_day(notice_date)} is in the future", "notice_date")
    if not in_term(notice_date, *term):
        raise TermsRefused(f"the notice date {_day(notice_date)} is not within the agreement's term "
                           f"({_day(term[0])} to {_day(term[1])})", "notice_date")


@dataclass(frozen=True)
class NoticeOutcome:
    """What a notice does to the agreement: the day it ends and whether that is its term end."""

    effective_date: date
    ends_on: date
    at_term_end: bool

    @property
    def text(self) -> str:
        if not self.at_term_end:
            return f"cancelled with effect from {_day(self.effective_date)}"
        return (f"the notice takes effect on {_day(self.effective_date)}, after the term: the agreement ends "
                f"at its term end on {_day(self.ends_on)} and is not renewed")


def notice_outcome(effective_date: date, term_end: date) -> NoticeOutcome:
    """§2.4 b, §2.5: what a notice with this effective date does to the agreement.

    Effective within the term: the agreement is cancelled with effect from that date.
    Effective after the term end: the agreement ends at its term end and is not renewed
    (it never rolls over; nothing runs on into next year). Either way all moneys for the
    term stay owed (§2.5 d).
    """
    if effective_date <= term_end:
        return NoticeOutcome(effective_date, effective_date, False)
    return NoticeOutcome(effective_date, term_end, True)
