"""The SLA team's year at a glance (issue #30): each step that leads to next year's agreements,
in the order the team does them, with what counts as done.

Pure rules over facts the service has counted (contracts_app.services.home.year_facts). It lives
with the round because every step prepares or follows it. A step is "done", "to do" (waiting for
the team, nothing wrong) or "attention" (something is late or stands in the way of a later step).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rounds.rules import RoundDates

DONE, TO_DO, ATTENTION = "done", "to_do", "attention"
STATUS_NAMES = {DONE: "Done", TO_DO: "To do", ATTENTION: "Needs attention"}
# GIAS publishes changes daily; an extract older than this may miss conversions and closures the
# round and the register changes should know about.
REGISTER_STALE_DAYS = 31


@dataclass(frozen=True)
class YearFacts:
    """What the database says about the year being prepared (``year`` is its first calendar year)."""

    today: date
    year_label: str
    register_imported_on: date | None = None
    census_label: str = ""
    census_missing: int = 0
    price_list: str | None = None  # "published", "draft" or None; published wins over a newer draft
    round: RoundDates | None = None
    offers: int = 0
    drafts: int = 0
    issued: int = 0
    last_issued_at: datetime | None = None
    documents_at: datetime | None = None  # the year's latest whole-year ZIP that finished
    documents_failed: bool = False  # the year's latest whole-year ZIP job failed
    register_changes: int = 0


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    status: str
    summary: str

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


def _day(day: date) -> str:
    return f"{day:%d %B %Y}".lstrip("0")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def register_task(f: YearFacts) -> Task:
    title = "Import the school register (GIAS)"
    if f.register_imported_on is None:
        return Task("register", title, TO_DO, "No GIAS file imported yet.")
    age = (f.today - f.register_imported_on).days
    said = f"Last GIAS file imported on {_day(f.register_imported_on)}"
    if age > REGISTER_STALE_DAYS:
        return Task("register", title, ATTENTION, f"{said}, {age} days ago: import a fresh extract.")
    return Task("register", title, DONE, f"{said}.")


def census_task(f: YearFacts) -> Task:
    title = f"Complete the census ({f.census_label})"
    if f.census_missing == 0:
        return Task("census", title, DONE, "Every open school has a figure.")
    # Offers of schools without a figure cannot be priced while the round takes answers.
    status = ATTENTION if f.round is not None and f.round.taking_answers(f.today) else TO_DO
    return Task("census", title, status, f"{_plural(f.census_missing, 'school')} missing.")


def price_list_task(f: YearFacts) -> Task:
    title = f"Publish the {f.year_label} price list"
    if f.price_list == "published":
        return Task("prices", title, DONE, "Published.")
    if f.price_list == "draft":
        return Task("prices", title, TO_DO, "Draft: check it and publish it.")
    status = ATTENTION if f.round is not None else TO_DO
    return Task("prices", title, status, "No price list yet: copy this year's with an uplift or import one.")


def round_task(f: YearFacts) -> Task:
    title = f"Run the {f.year_label} buying round"
    r = f.round
    if r is None:
        return Task("round", title, TO_DO, "Not open yet.")
    offers = _plural(f.offers, "offer")
    if r.status == "closed":
        return Task("round", title, DONE, f"Closed on {_day(r.closed_on or r.closes_on)}: {offers}.")
    if r.status != "open":
        return Task("round", title, TO_DO, f"Closing: {offers}.")
    if f.today < r.opens_on:
        return Task("round", title, TO_DO, f"Opens on {_day(r.opens_on)}, until {_day(r.closes_on)}: {offers}.")
    if f.today > r.closes_on:
        return Task("round", title, ATTENTION, f"The closing date {_day(r.closes_on)} has passed: close the round.")
    return Task("round", title, TO_DO, f"Open until {_day(r.closes_on)}: {offers}.")


def drafts_task(f: YearFacts) -> Task:
    title = "Issue the drafts"
    if f.drafts:
        # Drafts left once the round is over hold up the year's agreements and invoices.
        late = f.round is not None and f.round.status == "closed"
        return Task("drafts", title, ATTENTION if late else TO_DO,
                    f"{_plural(f.drafts, 'draft')} waiting to be issued.")
    if f.issued:
        return Task("drafts", title, DONE, "No drafts waiting.")
    return Task("drafts", title, TO_DO, "No drafts yet: they come from the round or a rollover.")


def issued_task(f: YearFacts) -> Task:
    title = "Agreements issued"
    if not f.issued:
        return Task("issued", title, TO_DO, "None issued yet.")
    said = f"{_plural(f.issued, 'agreement')} issued"
    if f.drafts:
        return Task("issued", title, TO_DO, f"{said}, {_plural(f.drafts, 'draft')} still to issue.")
    return Task("issued", title, DONE, f"{said}.")


def documents_task(f: YearFacts) -> Task:
    title = "Generate the SLA documents"
    if f.documents_failed:
        return Task("documents", title, ATTENTION, "The last run failed: run it again.")
    if not f.issued:
        return Task("documents", title, TO_DO, "Nothing issued to generate yet.")
    if f.documents_at is None:
        return Task("documents", title, TO_DO, "Not generated yet.")
    said = f"Generated on {_day(f.documents_at.date())}"
    if f.last_issued_at is not None and f.last_issued_at > f.documents_at:
        return Task("documents", title, ATTENTION, f"{said}; agreements issued since: generate them again.")
    return Task("documents", title, DONE, f"{said}.")


def register_changes_task(f: YearFacts) -> Task:
    title = "Confirm register changes"
    if f.register_changes:
        return Task("changes", title, ATTENTION, f"{_plural(f.register_changes, 'change')} waiting for confirmation.")
    return Task("changes", title, DONE, "None waiting.")


STEPS = (register_task, census_task, price_list_task, round_task, drafts_task, issued_task, documents_task,
         register_changes_task)


def year_tasks(facts: YearFacts) -> list[Task]:
    """The year's steps in order, each with its status and one line saying where it stands."""
    return [step(facts) for step in STEPS]
