"""Closing the round, reminding schools that have not answered, and the SLA team's approval
of accepted baskets when the round waits for it.

The close (DESIGN "An acceptance stands") looks at each school as it is at the close and gives
it exactly one outcome (``rounds.rules.close_outcome``): its latest acceptance stands (changes
never accepted are discarded and listed), a decline stands, and a school that has not answered
is renewed from the agreement it has *at the close* (``rollover.roll_one``, issued when the
round issues at once) or lapses. Each offer records its outcome and why; batches commit, so an
interrupted close re-run finishes the work and does nothing twice (offers with an outcome are
skipped). Before the closing date the close needs ``early`` (the SLA team's explicit word).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from pricing.errors import ActionRefused
from rounds import rules

from contracts_app.extensions import db
from contracts_app.models import Offer, OfferReminder, User
from contracts_app.models.types import utcnow
from contracts_app.services.agreements.issuing import issue
from contracts_app.services.agreements.rollover import roll_one
from contracts_app.services.rounds import mail
from contracts_app.services.rounds.acceptance import answering_users
from contracts_app.services.rounds.basket import restore_accepted
from contracts_app.services.rounds.opening import offer_source, require_round
from contracts_app.services.rounds.queries import closed, unanswered_count
from contracts_app.services.transactions import refusal_rolls_back

BATCH = 100
UNANSWERED = rules.UNANSWERED


@dataclass(frozen=True)
class SchoolOutcome:
    """One school's line in the close's report."""

    urn: int
    school: str
    outcome: str
    reason: str = ""
    agreement: str = ""


@dataclass
class CloseReport:
    schools: list[SchoolOutcome] = field(default_factory=list)
    # Accepted offers whose later changes were never accepted: the acceptance stood, changes dropped.
    discarded: list[str] = field(default_factory=list)
    left_as_drafts: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict:
        counts = {name: 0 for name in rules.OUTCOMES}
        for row in self.schools:
            counts[row.outcome] += 1
        return {rules.OUTCOME_NAMES[k].lower(): v for k, v in counts.items()} | {
            "changes discarded": len(self.discarded)}

    @property
    def without_agreement(self) -> list[SchoolOutcome]:
        """Every school the close leaves with no agreement for next year, with why."""
        return [row for row in self.schools if row.outcome in rules.WITHOUT_AGREEMENT]


def check_may_close(buying_round, early: bool, today: date | None = None) -> None:
    """Refused before the closing date without ``early`` (the job checks this when it is asked for)."""
    if buying_round.status != "closing":  # a close already under way (interrupted) goes on
        rules.check_close_date(buying_round.dates, today or date.today(), early,
                               unanswered_count(buying_round.sla_year))


def _renew(offer: Offer, source, by: str, report: CloseReport) -> rules.Outcome:
    """The agreement the school has at the close, rolled over and (round issuing at once) issued."""
    savepoint = db.session.begin_nested()
    made = roll_one(source, offer.round.sla_year)
    if isinstance(made, str):
        savepoint.rollback()
        return rules.renewal_failed(made)
    offer.agreement_id = made.id
    if offer.round.approval == "immediate":
        try:
            issue(made, by)
        except ActionRefused as exc:
            report.left_as_drafts.append((offer.party_name, exc.message))
    savepoint.commit()
    return rules.Outcome("renewed", "" if made.status == "active" else "renewed as a draft for the SLA team")


def _close_one(offer: Offer, by: str, report: CloseReport) -> None:
    """Give one school its outcome at the close, and record it on its offer."""
    if offer.state == "accepted" and restore_accepted(offer):
        report.discarded.append(offer.party_name)
    source = offer_source(offer) if offer.state in UNANSWERED else None
    decline = offer.decline
    outcome = rules.close_outcome(offer.state, offer.round.default_action, source is not None,
                                  decline.reason if decline and offer.state == "declined" else "")
    if outcome.outcome == "renewed":
        offer.source_agreement_id = source.id
        outcome = _renew(offer, source, by, report)
    if offer.state in UNANSWERED:
        offer.state = "no_answer"
    offer.outcome, offer.outcome_reason = outcome.outcome, outcome.reason
    agreement = offer.agreement.name if offer.agreement_id and offer.agreement else ""
    report.schools.append(SchoolOutcome(offer.school.urn, offer.party_name, outcome.outcome, outcome.reason,
                                        agreement if outcome.outcome in ("accepted", "renewed") else ""))


def _recorded(offer: Offer) -> SchoolOutcome:
    return SchoolOutcome(offer.school.urn, offer.party_name, offer.outcome, offer.outcome_reason,
                         offer.agreement.name if offer.agreement_id and offer.agreement else "")


def close_round(year: int, by: str, progress: Callable[[int, int], None] | None = None, early: bool = False,
                today: date | None = None) -> CloseReport:
    """Close the year's round: every school gets one outcome (listed, with why where it gets no agreement)."""
    buying_round = require_round(year)
    check_may_close(buying_round, early, today)
    buying_round.status = "closing"
    db.session.commit()
    ids = list(db.session.scalars(select(Offer.id).where(Offer.round_id == buying_round.id).order_by(Offer.id)))
    report = CloseReport()
    if progress:
        progress(0, len(ids))
    for start in range(0, len(ids), BATCH):
        for offer in db.session.scalars(select(Offer).where(Offer.id.in_(ids[start:start + BATCH]))
                                        .order_by(Offer.id)):
            if offer.outcome is None:
                _close_one(offer, by, report)
            else:
                report.schools.append(_recorded(offer))
        db.session.commit()
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    buying_round.status, buying_round.closed_at, buying_round.closed_by = "closed", utcnow(), by
    buying_round.close_summary = ", ".join(f"{v} {k}" for k, v in report.summary().items())
    db.session.commit()
    return report


def _recipients(offer: Offer) -> list[str]:
    """The agreement contacts, and the users who can answer (a group's offer: the group's users too)."""
    users = db.session.scalars(select(User.email).where(
        answering_users(offer), User.active.is_(True), User.role == "school"))
    return list(dict.fromkeys([*mail.agreement_recipients(offer), *(e.lower() for e in users)]))


@refusal_rolls_back
def remind(year: int, offer_ids: list[int] | None, by: str) -> tuple[list[OfferReminder], list[tuple[str, str]]]:
    """Remind one school (or every one) that has not answered; each reminder recorded, sent through
    the outbox. Returns the reminders and (school, why not) for those that could not be reminded."""
    buying_round = require_round(year)
    if closed(buying_round):
        raise ActionRefused(f"the {buying_round.name} is closed: there is nobody left to remind")
    query = select(Offer).where(Offer.round_id == buying_round.id).order_by(Offer.id)
    if offer_ids is not None:
        query = query.where(Offer.id.in_(offer_ids))
    sent, skipped = [], []
    for offer in db.session.scalars(query):
        if offer.state not in UNANSWERED:
            skipped.append((offer.party_name, f"has answered ({offer.state.replace('_', ' ')})"))
            continue
        recipients = _recipients(offer)
        if not recipients:
            skipped.append((offer.party_name, "no contact or user with an email address"))
            continue
        reminder = OfferReminder(offer=offer, sent_by=by, recipients=", ".join(recipients))
        db.session.add(reminder)
        db.session.flush()
        mail.queue_reminder(offer, reminder, recipients)
        sent.append(reminder)
    db.session.commit()
    return sent, skipped


@refusal_rolls_back
def approve(offer: Offer, by: str) -> Offer:
    """Issue the agreement an acceptance made, when the round waits for the SLA team's approval."""
    agreement, acceptance = offer.agreement, offer.acceptance
    if acceptance is None or agreement is None or offer.state != "accepted":
        raise ActionRefused(f"{offer.party_name} has no accepted basket to approve")
    if agreement.status != "draft":
        raise ActionRefused(f"{agreement.name} is already {agreement.status}")
    issue(agreement, by)
    if agreement.annual_total != acceptance.total:
        raise ActionRefused(f"{agreement.name} now prices at {agreement.annual_total}, the school accepted "
                            f"{acceptance.total}: the price list or census changed since; ask the school to accept "
                            "again")
    db.session.commit()
    return offer
