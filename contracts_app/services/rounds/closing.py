"""Closing the round, reminding schools that have not answered, and the SLA team's approval
of accepted baskets when the round waits for it.

The close applies the round's default to every school that has not answered: ``renew`` makes
next year's agreement as this year's, re-priced (the rollover rules, ``rollover.roll_one``),
issued when the round issues at once; ``lapse`` makes none. It works in batches that commit,
reporting ``progress(done, total)``, so an interrupted close re-run finishes the work and
does nothing twice (offers already closed are ``no_answer`` and skipped).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from pricing.errors import ActionRefused

from contracts_app.extensions import db
from contracts_app.models import Offer, OfferReminder, User
from contracts_app.models.types import utcnow
from contracts_app.services.agreements.issuing import issue
from contracts_app.services.agreements.rollover import roll_one
from contracts_app.services.rounds import mail
from contracts_app.services.rounds.opening import require_round
from contracts_app.services.rounds.queries import closed
from contracts_app.services.transactions import refusal_rolls_back

BATCH = 100
UNANSWERED = ("not_opened", "viewed", "in_progress")


@dataclass
class CloseReport:
    renewed: list[str] = field(default_factory=list)
    left_as_drafts: list[tuple[str, str]] = field(default_factory=list)
    lapsed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict:
        return {"renewed": len(self.renewed), "left as drafts": len(self.left_as_drafts),
                "no agreement": len(self.lapsed)}


def _renew(offer: Offer, by: str, report: CloseReport) -> None:
    """This year's agreement rolled over and, when the round issues at once, issued."""
    name = offer.school.name
    if offer.source_agreement is None:
        report.lapsed.append((name, "no current agreement to renew"))
        return
    savepoint = db.session.begin_nested()
    made = roll_one(offer.source_agreement, offer.round.sla_year)
    if isinstance(made, str):
        savepoint.rollback()
        report.lapsed.append((name, made))
        return
    offer.agreement_id = made.id
    if offer.round.approval == "immediate":
        try:
            issue(made, by)
        except ActionRefused as exc:
            report.left_as_drafts.append((name, exc.message))
            savepoint.commit()
            return
    savepoint.commit()
    report.renewed.append(name)


def _apply_default(offer: Offer, by: str, report: CloseReport) -> None:
    if offer.round.default_action == "renew":
        _renew(offer, by, report)
    else:
        report.lapsed.append((offer.school.name, "the round's default is lapse"))
    offer.state = "no_answer"


def close_round(year: int, by: str, progress: Callable[[int, int], None] | None = None) -> CloseReport:
    """Close the year's round and apply its default to the schools that have not answered."""
    buying_round = require_round(year)
    if buying_round.status == "closed":
        raise ActionRefused(f"the {buying_round.name} is already closed")
    buying_round.status = "closing"
    db.session.commit()
    ids = list(db.session.scalars(select(Offer.id).where(Offer.round_id == buying_round.id,
                                                         Offer.state.in_(UNANSWERED)).order_by(Offer.id)))
    report = CloseReport()
    if progress:
        progress(0, len(ids))
    for start in range(0, len(ids), BATCH):
        for offer in db.session.scalars(select(Offer).where(Offer.id.in_(ids[start:start + BATCH]))):
            _apply_default(offer, by, report)
        db.session.commit()
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    buying_round.status, buying_round.closed_at, buying_round.closed_by = "closed", utcnow(), by
    buying_round.close_summary = ", ".join(f"{v} {k}" for k, v in report.summary().items())
    db.session.commit()
    return report


def _recipients(offer: Offer) -> list[str]:
    users = db.session.scalars(select(User.email).where(User.school_id == offer.school_id, User.active.is_(True),
                                                         User.role == "school"))
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
            skipped.append((offer.school.name, f"has answered ({offer.state})"))
            continue
        recipients = _recipients(offer)
        if not recipients:
            skipped.append((offer.school.name, "no contact or user with an email address"))
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
        raise ActionRefused(f"{offer.school.name} has no accepted basket to approve")
    if agreement.status != "draft":
        raise ActionRefused(f"{agreement.name} is already {agreement.status}")
    issue(agreement, by)
    if agreement.annual_total != acceptance.total:
        raise ActionRefused(f"{agreement.name} now prices at {agreement.annual_total}, the school accepted "
                            f"{acceptance.total}: the price list or census changed since; ask the school to accept "
                            "again")
    db.session.commit()
    return offer
