"""The round's rules, one function each, naming the section it comes from.

Every refusal is a ``RoundRefused`` whose message a school can read: it says what the school
can do instead, never the system's inner names.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pricing.errors import ActionRefused

UNANSWERED = ("not_opened", "viewed", "in_progress")
ANSWERS = ("accepted", "declined")
OUTCOMES = ("accepted", "renewed", "lapsed", "declined", "not_done")
OUTCOME_NAMES = {"accepted": "Accepted", "renewed": "Renewed", "lapsed": "Lapsed", "declined": "Declined",
                 "not_done": "Not done"}
# Outcomes that leave the school with no agreement for next year (listed, with why, by the close).
WITHOUT_AGREEMENT = ("lapsed", "declined", "not_done")


class RoundRefused(ActionRefused):
    """A round rule refused the action; nothing was changed."""


class NotAuthorised(RoundRefused):
    """The user may not answer for the school (a 403 at every door)."""


def _day(day: date) -> str:
    return f"{day:%d %B %Y}".lstrip("0")


@dataclass(frozen=True)
class RoundDates:
    """When the round takes schools' answers, and whether it has been closed."""

    name: str
    opens_on: date
    closes_on: date
    status: str  # open, closing, closed
    closed_on: date | None = None

    def taking_answers(self, today: date) -> bool:
        """§2.6: schools answer from the opening day until the closing day, while the round is open."""
        return self.status == "open" and self.opens_on <= today <= self.closes_on

    def ended_text(self) -> str:
        """When the round stopped taking answers, as it really happened."""
        if self.closed_on is not None:
            return f"the {self.name} closed on {_day(self.closed_on)}"
        if self.status != "open":
            return f"the {self.name} is closing"
        return f"the {self.name} closed on {_day(self.closes_on)}"


def check_may_accept(dates: RoundDates, role: str, signatory: bool, today: date, who_can: str = "") -> None:
    """§2.6 and DESIGN "The buying round": until the close only a signatory of the school
    (authorised to commit spend) accepts; after it only the SLA team records an acceptance."""
    if role == "school":
        if today < dates.opens_on:
            raise RoundRefused(f"the {dates.name} opens on {_day(dates.opens_on)}")
        if not dates.taking_answers(today):
            raise RoundRefused(f"{dates.ended_text()}: the offer can no longer be accepted online; please "
                               "contact the SLA team")
        if not signatory:
            raise NotAuthorised(f"only a signatory, authorised to commit spending for the school, can accept; "
                                f"{who_can}".rstrip("; "))
        return
    if role in ("sla", "admin"):
        if dates.status == "open" and today <= dates.closes_on:
            raise RoundRefused(f"until the {dates.name} closes only the school's signatory accepts")
        return
    raise NotAuthorised(f"the {role} role cannot accept offers")


def check_may_change(dates: RoundDates, role: str, today: date) -> None:
    """§2.6: a school changes its basket until the close; the SLA team (and admin) at any time."""
    if role in ("sla", "admin"):
        return
    if not dates.taking_answers(today):
        raise RoundRefused(f"{dates.ended_text()}: only the SLA team can change this offer now")


def check_may_decline(dates: RoundDates, role: str, signatory: bool, accepted: bool, today: date) -> None:
    """DESIGN "An acceptance stands": a decline replaces an acceptance, so only a signatory may
    decline an accepted offer; any school user may decline one not yet accepted, until the close."""
    if role in ("sla", "admin"):
        return
    if not dates.taking_answers(today):
        raise RoundRefused(f"{dates.ended_text()}: please contact the SLA team to change your answer")
    if accepted and not signatory:
        raise NotAuthorised("your school has accepted this offer: only a signatory, authorised to commit "
                            "spending for the school, can decline it now")


def state_after_change(state: str) -> str:
    """DESIGN "An acceptance stands": changing the basket after an answer is a pending change,
    never a withdrawal; the answer (accepted or declined) stands until another replaces it."""
    if state in ANSWERS or state == "no_answer":
        return state
    return "in_progress"


def has_pending_changes(state: str, revision: int, accepted_revision: int | None) -> bool:
    """An accepted offer whose basket has changed since the acceptance: changes not yet accepted."""
    return state == "accepted" and accepted_revision is not None and revision != accepted_revision


def check_close_date(dates: RoundDates, today: date, early: bool, unanswered: int) -> None:
    """§2.6: the round closes on its closing date; before it only when the SLA team says so
    explicitly, knowing how many schools have not answered."""
    if dates.status == "closed":
        raise RoundRefused(f"{dates.ended_text()} already")
    if today <= dates.closes_on and not early:
        raise RoundRefused(f"the {dates.name} is open until {_day(dates.closes_on)} and {unanswered} school(s) "
                           "have not answered: closing now takes their answers away; confirm an early close "
                           "(`round close --early`) to do it")


@dataclass(frozen=True)
class Outcome:
    """What the close gives one school: one of OUTCOMES, and why where there is no agreement."""

    outcome: str
    reason: str = ""


def close_outcome(state: str, default_action: str, current_agreement: bool, decline_reason: str = "") -> Outcome:
    """DESIGN "An acceptance stands": the close looks at each school as it is at the close.
    Its latest answer stands (accepted: the agreement follows the latest acceptance; declined);
    a school that has not answered gets the round's default: renewed from the agreement it has
    at the close, or lapsed. Renewing is only possible from a current agreement."""
    if state == "accepted":
        return Outcome("accepted")
    if state == "declined":
        return Outcome("declined", f"declined the offer{': ' + decline_reason if decline_reason else ''}")
    if default_action == "lapse":
        return Outcome("lapsed", "did not answer; the round's default for schools that do not answer is lapse")
    if not current_agreement:
        return Outcome("not_done", "did not answer, and has no current agreement at the close to renew")
    return Outcome("renewed")


def renewal_failed(reason: str) -> Outcome:
    """§2.6 renew: the rollover rules refused (e.g. a service cannot be priced): no agreement, and why."""
    return Outcome("not_done", f"did not answer; renewing failed: {reason}")


def check_notice_started(term_start: date, today: date, round_taking_answers: bool) -> None:
    """§2.4 notice is given during an agreement's term: one that has not started yet cannot be
    given notice. Say what the school can do instead."""
    if today >= term_start:
        return
    if round_taking_answers:
        instead = ("while the buying round is open, change your answer on your offer instead (decline it, or "
                   "accept a different basket)")
    else:
        instead = "give notice once the term has begun, or contact the SLA team"
    raise RoundRefused(f"this agreement has not started yet (it starts on {_day(term_start)}), so notice cannot "
                       f"be given on it: {instead}")


def school_problem(kind: str, title: str, customer_type: str, year_label: str, census: str, reason: str) -> str:
    """DESIGN "The buying round": a school reads why a line cannot be priced in its own terms,
    with what it can do, not the price list's inner names."""
    if kind == "no_price":
        return (f"{title} is not offered to {customer_type} schools in {year_label}: choose \"Not taken\" for it, "
                "or contact the SLA team")
    if kind == "no_census":
        return (f"{title} is priced on pupil numbers, and we do not yet have your school's figure from the "
                f"{census} census: please contact the SLA team")
    return f"{title} cannot be priced as chosen: {reason}"
