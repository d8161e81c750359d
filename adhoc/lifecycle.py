"""The life of an ad hoc request and the rules for booking time to it (SLA §2.6, §7.3, §7.4, §9.4, §9.5).

Plain Python with no Flask or SQLAlchemy, like agreements.lifecycle, so the rules are
tested fast and alone. The service layer (services.adhoc) calls these checks before it
changes anything, and turns ``AdhocRuleBroken`` into a message for the user.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from pricing.text import control_problem, one_line_problem

KIND_NAMES = {
    "project": "Project service request",
    "rework": "Rework after unauthorised third-party changes",
    "out_of_scope": "Work not covered by the SLA",
}
# Where the SLA speaks of each kind; printed beside the kind on pages and documents.
KIND_SECTIONS = {"project": "§7.3", "rework": "§9.5", "out_of_scope": "§2.6"}
STATUS_NAMES = {
    "requested": "Requested", "estimated": "Estimate sent", "authorised": "Authorised",
    "in_progress": "In progress", "completed": "Completed", "invoiced": "Invoiced", "declined": "Declined",
}
# Who may move a request where; every other move is refused. Re-estimating before the
# school has answered is allowed (estimated -> estimated); after that the estimate is
# what the school agreed to.
TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"estimated", "authorised", "declined"}),
    "estimated": frozenset({"estimated", "authorised", "declined"}),
    "authorised": frozenset({"in_progress"}),
    "in_progress": frozenset({"completed"}),
    "completed": frozenset({"invoiced"}),
    "invoiced": frozenset(),
    "declined": frozenset(),
}
AWAITING_SCHOOL = ("requested", "estimated")
BOOKABLE = ("authorised", "in_progress")
AUTHORISED_VIA = ("portal", "written")
# One time entry is one person's work on one day; more than a day's minutes is a typo.
MAX_MINUTES_PER_ENTRY = 24 * 60
MAX_ESTIMATE_HOURS = 10_000


class AdhocRuleBroken(ValueError):
    """Something the ad hoc rules do not allow; the message says what and why, ``field`` what it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def check_one_line(field: str, label: str, value: str) -> None:
    """A reference or a name is one line: it goes into emails' subjects (a line break would cut one)."""
    problem = one_line_problem(value)
    if problem:
        raise AdhocRuleBroken(f"the {label} {problem}", field)


def check_text(field: str, label: str, value: str) -> None:
    """Several lines are fine in a description or a report; NUL and other control characters are not."""
    problem = control_problem(value)
    if problem:
        raise AdhocRuleBroken(f"the {label} {problem}", field)


def kind_name(kind: str) -> str:
    """A kind of request in words, e.g. "Project service request"."""
    return KIND_NAMES.get(kind, kind)


def status_name(status: str) -> str:
    """A request's status in words, e.g. "Estimate sent"."""
    return STATUS_NAMES.get(status, status)


def check_kind(kind: str) -> None:
    """Refuse a kind of work the SLA does not charge ad hoc (§2.6, §7.3, §9.5)."""
    if kind not in KIND_NAMES:
        raise AdhocRuleBroken(f"kind {kind!r} is not one of {', '.join(KIND_NAMES)}")


def check_transition(current: str, new: str) -> None:
    """Refuse any move not in TRANSITIONS, naming both states."""
    if current not in TRANSITIONS:
        raise AdhocRuleBroken(f"unknown request status {current!r}")
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(status_name(s).lower() for s in sorted(TRANSITIONS[current])) or "nothing"
        raise AdhocRuleBroken(f"a request that is {status_name(current).lower()} cannot become "
                              f"{status_name(new).lower()} (it can become: {allowed})")


def check_new_request(kind: str, reference: str, third_party: str) -> None:
    """A request has a reference (the service desk's, so the time log can name it) and a known kind.

    §9.5: rework is charged because a third party made unauthorised changes, so the
    request names that third party; the report to the school says who it was.
    """
    try:
        check_kind(kind)
    except AdhocRuleBroken as exc:
        raise AdhocRuleBroken(str(exc), "kind") from None
    if not reference.strip():
        raise AdhocRuleBroken("give the request's reference (the service desk call reference)", "reference")
    if len(reference.strip()) > 40:
        raise AdhocRuleBroken("the reference is longer than 40 characters", "reference")
    check_one_line("reference", "reference", reference)
    check_one_line("third_party", "third party", third_party)
    if kind == "rework" and not third_party.strip():
        raise AdhocRuleBroken("a rework request names the third party whose unauthorised changes are being put "
                              "right (§9.5)", "third_party")


def check_details(description: str, intervention_report: str) -> None:
    """A request describes the work; its description and §9.5 report hold no control characters."""
    if not description.strip():
        raise AdhocRuleBroken("describe the work requested", "description")
    check_text("description", "description", description)
    check_text("intervention_report", "report", intervention_report)


def check_estimate(status: str, hours: object) -> None:
    """§7.3: the estimate is given before work starts, so it changes only until the school answers."""
    if status not in AWAITING_SCHOOL:
        raise AdhocRuleBroken(f"the request is {status_name(status).lower()}; its estimate is what the school "
                              "answered and can no longer change")
    if not isinstance(hours, Decimal) or not hours.is_finite():
        raise AdhocRuleBroken(f"the estimate must be a number of hours, not {hours!r}")
    if hours <= 0:
        raise AdhocRuleBroken(f"the estimate must be more than zero hours, not {hours}")
    # Bounded before any arithmetic: quantizing 1E+26 (or 1E+400) past Decimal's 28 digits raises.
    if hours > MAX_ESTIMATE_HOURS:
        raise AdhocRuleBroken(f"an estimate of {hours} hours is more than {MAX_ESTIMATE_HOURS:,}; check the figure")
    if hours != hours.quantize(Decimal("0.01")):
        raise AdhocRuleBroken(f"give the estimate to at most 2 decimal places, not {hours}")


def check_authorisation(kind: str, status: str, *, name: str, on: date, via: str, third_party: str,
                        today: date) -> None:
    """Who may authorise a request, and when.

    §7.3: "we will provide an estimate of the cost before we start working on a request"
    - a Project SR can only be authorised once it has an estimate. Other kinds may be
    authorised in writing without one (the school is told the ad hoc rate, §2.6).
    §9.4: a request from a third party is actioned only with the school's written
    approval, so the approver named cannot be the third party itself.
    """
    if status not in AWAITING_SCHOOL:
        raise AdhocRuleBroken(f"the request is {status_name(status).lower()}; only a request awaiting the "
                              "school's answer can be authorised")
    if kind == "project" and status != "estimated":
        raise AdhocRuleBroken("a Project service request needs an estimate before the school can authorise it "
                              "(§7.3)")
    if via not in AUTHORISED_VIA:
        raise AdhocRuleBroken(f"authorisation is given in the portal or in writing, not {via!r}")
    if not name.strip():
        raise AdhocRuleBroken("give the name of the person at the school who authorised the work", "name")
    check_one_line("name", "name of who authorised the work", name)
    if on > today:
        raise AdhocRuleBroken(f"the authorisation date {on:%d %B %Y} is in the future", "authorised_on")
    if third_party.strip() and name.strip().casefold() == third_party.strip().casefold():
        raise AdhocRuleBroken(f"the approval must come from the school, not from the third party "
                              f"{third_party.strip()} (§9.4)", "name")


def check_decline(status: str, reason: str) -> None:
    """The school may turn down a request it has not authorised; the reason is kept."""
    if status not in AWAITING_SCHOOL:
        raise AdhocRuleBroken(f"the request is {status_name(status).lower()}; only a request awaiting the "
                              "school's answer can be declined")
    if not reason.strip():
        raise AdhocRuleBroken("give the reason the request was declined")


def check_minutes(minutes: object) -> None:
    """Minutes booked are a positive whole number, at most a day's worth in one entry (§2.6 charges them)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise AdhocRuleBroken(f"minutes must be a whole number, not {minutes!r}")
    if minutes <= 0:
        raise AdhocRuleBroken(f"minutes must be more than zero, not {minutes}")
    if minutes > MAX_MINUTES_PER_ENTRY:
        raise AdhocRuleBroken(f"{minutes} minutes is more than a whole day ({MAX_MINUTES_PER_ENTRY}) on one date")


def check_bookable(status: str) -> None:
    """§7.3: "We will not start working on a request unless we have received appropriate
    authorisation from you" - no time on a request that is not authorised. §7.4: once
    complete, "no further work will be undertaken on that request"."""
    if status in AWAITING_SCHOOL:
        raise AdhocRuleBroken(f"the request is not authorised by the school yet ({status_name(status).lower()}): "
                              "no time may be logged before authorisation (§7.3)")
    if status == "declined":
        raise AdhocRuleBroken("the school declined the request: no time may be logged against it")
    if status in ("completed", "invoiced"):
        raise AdhocRuleBroken(f"the request is {status_name(status).lower()}: no further work is booked to it "
                              "(§7.4); open a new request")
    if status not in BOOKABLE:
        raise AdhocRuleBroken(f"unknown request status {status!r}")


def check_work_date(authorised_on: date | None, work_date: date, today: date) -> None:
    """§7.3: work starts only after authorisation, so time is not dated before it (nor in the future)."""
    if work_date > today:
        raise AdhocRuleBroken(f"the work date {work_date:%d %B %Y} is in the future")
    if authorised_on is not None and work_date < authorised_on:
        raise AdhocRuleBroken(f"the work date {work_date:%d %B %Y} is before the school authorised the request "
                              f"on {authorised_on:%d %B %Y} (§7.3)")


def check_time(status: str, authorised_on: date | None, work_date: date, minutes: object, today: date) -> None:
    """Whether a time entry can be booked to a request (§2.6, §7.3, §7.4): all three checks above."""
    check_minutes(minutes)
    check_bookable(status)
    check_work_date(authorised_on, work_date, today)


def check_completion(kind: str, status: str, *, work_dates: list[date], completed_on: date,
                     intervention_report: str, today: date) -> None:
    """§7.4: a request is marked complete once the work is done; then it is invoiced (§7.3).

    It needs time booked (there is nothing to charge otherwise: decline it instead), a
    completion date on or after the last work and not in the future, and for rework the
    §9.5 report of why the council had to intervene.
    """
    if status != "in_progress":
        if status == "authorised":
            raise AdhocRuleBroken("no time is logged against the request yet; log the work before completing it")
        raise AdhocRuleBroken(f"the request is {status_name(status).lower()}; only work in progress can be "
                              "completed")
    if not work_dates:
        raise AdhocRuleBroken("no time is logged against the request yet; log the work before completing it")
    if completed_on > today:
        raise AdhocRuleBroken(f"the completion date {completed_on:%d %B %Y} is in the future")
    last = max(work_dates)
    if completed_on < last:
        raise AdhocRuleBroken(f"the completion date {completed_on:%d %B %Y} is before the last work on "
                              f"{last:%d %B %Y}")
    if kind == "rework" and not intervention_report.strip():
        raise AdhocRuleBroken("write the report of why the council had to intervene before completing rework; "
                              "it goes to the school with the invoice (§9.5)")
