"""The round's emails, through the outbox (docs/email.md): reminders to schools that have not
answered, and the accepted PDF to the school's agreement contacts. Queued in the caller's
transaction; the job queue sends them once it commits."""
from __future__ import annotations

from pricing.sla_year import LONDON, SlaYear

from contracts_app.models import Offer, OfferAcceptance, OfferReminder
from contracts_app.services import outbox


def agreement_recipients(offer: Offer) -> list[str]:
    """The basket's agreement contact, then the school's key stakeholders who receive agreements."""
    found = [offer.agreement_email] if offer.agreement_email else []
    found += [c.email for m in offer.members for c in m.stakeholders if c.email and c.agreements]
    return list(dict.fromkeys(address.strip().lower() for address in found))


def default_text(offer: Offer) -> str:
    label = SlaYear(offer.round.sla_year).label
    if offer.round.default_action == "renew":
        return f"its current agreement is renewed for {label} as it is, on next year's prices"
    return f"the school has no agreement for {label}"


def queue_reminder(offer: Offer, reminder: OfferReminder, recipients: list[str]) -> None:
    outbox.queue("round_reminder", concerns=("reminder", reminder.id), recipients=recipients,
                 template="round_reminder", key=f"round_reminder:{reminder.id}",
                 context={"school_name": offer.party_name, "year_label": SlaYear(offer.round.sla_year).label,
                          "closes_on": offer.round.closes_on, "default_text": default_text(offer)})


def queue_acceptance(offer: Offer, acceptance: OfferAcceptance, pdf: bytes, file_name: str,
                     status_text: str) -> list[str]:
    """The accepted PDF to the agreement contacts; returns who it goes to."""
    recipients = agreement_recipients(offer)
    if recipients:
        outbox.queue("offer_accepted", concerns=("agreement", acceptance.agreement_id), recipients=recipients,
                     template="offer_accepted", key=f"offer_accepted:{acceptance.id}",
                     attachments=[(file_name, pdf, "application/pdf")],
                     context={"school_name": offer.party_name, "year_label": SlaYear(offer.round.sla_year).label,
                              "full_name": acceptance.full_name, "job_title": acceptance.job_title,
                              "accepted_at": f"{acceptance.accepted_at.astimezone(LONDON):%d %B %Y at %H:%M}",
                              "total": acceptance.total, "sha256": acceptance.document_sha256,
                              "status_text": status_text})
    return recipients
