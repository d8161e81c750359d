"""Accepting an offer online (DESIGN "The buying round"): only a school's signatory, until the
close; the exact PDF accepted is stored with its SHA-256, and next year's agreement is made from
the basket with its prices snapshotted (issued at once, or left for the SLA team's approval).

One acceptance per basket revision: the offer's row is locked first (a no-op UPDATE, which
both databases serialise), a repeat of an accepted revision returns the acceptance already
made, and the (offer, revision) unique constraint stops whatever slips past.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear
from rounds import rules

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, Offer, OfferAcceptance, OfferDecline, User
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.agreements.drafts import LineInput, create_draft, set_lines
from contracts_app.services.agreements.issuing import issue
from contracts_app.services.agreements.status import InputRefused, find, transition
from contracts_app.services.rounds import documents, mail, records
from contracts_app.services.rounds.opening import basket_problems, refresh
from contracts_app.services.rounds.pricing import OfferPricing, price_basket
from contracts_app.services.transactions import refusal_rolls_back

AUTHORISED_TEXT = "I am authorised to commit this spend on behalf of the school"


# The user may not answer for the school (a 403 at every door); the message says who can.
NotSignatory = rules.NotAuthorised


@dataclass(frozen=True)
class AcceptanceRequest:
    full_name: str
    job_title: str
    authorised: bool
    po_number: str | None = None
    ip_address: str = ""
    user_agent: str = ""


def answering_users(offer: Offer):
    """The users linked to whoever answers the offer: its school's, and a group's offer's group's."""
    linked = User.school_id == offer.school_id
    return linked if offer.group_id is None else or_(linked, User.group_id == offer.group_id)


def signatories(offer: Offer) -> list[User]:
    """The school's (a group's offer: also the group's) users who may accept: active, school role,
    marked as signatory."""
    return list(db.session.scalars(select(User).where(
        answering_users(offer), User.role == "school", User.signatory.is_(True),
        User.active.is_(True)).order_by(User.name, User.email)))


def who_can_accept(offer: Offer) -> str:
    names = [f"{u.name or u.email} ({u.email})" for u in signatories(offer)]
    if not names:
        return ("no user of the school is a signatory yet: ask the SLA team or an administrator to mark the user "
                "authorised to commit spending")
    return "the school's signatories can: " + ", ".join(names)


def check_may_accept(offer: Offer, user: User, today: date | None = None) -> None:
    """Until the close only the school's signatory accepts; after it only the SLA team records it."""
    rules.check_may_accept(offer.round.dates, user.role, bool(user.signatory), today or date.today(),
                           who_can_accept(offer) if user.role == "school" and not user.signatory else "")


def check_request(request: AcceptanceRequest) -> None:
    """The signatory's name, job title and "I am authorised" (the same at every door)."""
    if not request.full_name.strip():
        raise InputRefused("type your full name to accept", "name")
    if not request.job_title.strip():
        raise InputRefused("type your job title to accept", "job_title")
    if len(request.full_name) > 200 or len(request.job_title) > 200:
        raise InputRefused("the name and job title must be at most 200 characters", "name")
    if request.authorised is not True:
        raise InputRefused(f"tick \"{AUTHORISED_TEXT}\" to accept", "authorised")
    if request.po_number is not None and len(request.po_number) > 60:
        raise InputRefused("the purchase-order number is longer than 60 characters", "po_number")


def locked(offer_id: int) -> Offer:
    """The offer, re-read after taking its row lock (repeats queue up behind the first)."""
    db.session.execute(update(Offer).where(Offer.id == offer_id).values(revision=Offer.revision))
    offer = db.session.get(Offer, offer_id)
    db.session.refresh(offer)
    return offer


def _of_revision(offer: Offer) -> OfferAcceptance | None:
    return db.session.scalar(select(OfferAcceptance).where(OfferAcceptance.offer_id == offer.id,
                                                           OfferAcceptance.revision == offer.revision))


def _reopen(agreement: Agreement) -> None:
    """An agreement made by an earlier acceptance follows the new one, unless it has been invoiced."""
    if agreement.status == "draft":
        return
    invoiced = db.session.scalar(select(Invoice.id).where(Invoice.agreement_id == agreement.id).limit(1))
    if agreement.status != "active" or invoiced is not None:
        raise ActionRefused(f"{agreement.name} is {agreement.status}{' and invoiced' if invoiced else ''}: "
                            "the SLA team must change it")
    # Never invoiced: it goes back to draft and is issued again from the new basket below.
    agreement.status, agreement.issued_at = "draft", None
    db.session.flush()
    audit.record("transition", "Agreement", agreement.id,
                 f"{agreement.name}: active → draft (accepted again in the buying round, not yet invoiced)",
                 {"status": ["active", "draft"]})


def _agreement_for(offer: Offer, by: str) -> Agreement:
    """Next year's agreement with the basket's lines; issued (prices snapshotted) when the round says so."""
    year = offer.round.sla_year
    party = {"group": offer.group} if offer.group_id is not None else {"school": offer.school}
    agreement = find(year, **party)
    if agreement is not None and agreement.id != offer.agreement_id:
        if agreement.status != "draft":
            raise ActionRefused(f"{agreement.name} already exists ({agreement.status}) and was not made from this "
                                "offer: ask the SLA team")
        transition(agreement, "cancelled", "replaced by the school's acceptance in the buying round")
        agreement = None
    source = offer.source_agreement
    if agreement is None:
        agreement = create_draft(year, **party, from_catalogue=False, commit=False,
                                 odm_name=source.odm_name if source else "",
                                 odm_email=source.odm_email if source else "")
    else:
        _reopen(agreement)
    set_lines(agreement, [LineInput(line.service_code, line.list_name, line.quantity) for line in offer.lines])
    agreement.po_number = offer.po_number
    if offer.round.approval == "immediate":
        issue(agreement, by)
    return agreement


def _basket(offer: Offer, pricing: OfferPricing) -> dict:
    """The basket as accepted, kept on the acceptance as plain data."""
    return {"lines": [{"service_code": x.service_code, "title": x.title, "list": x.list_name,
                       "quantity": str(x.quantity), "annual_price": None if x.annual_price is None else
                       str(x.annual_price), "explanation": x.explanation} for x in pricing.lines
                      if x.list_name != "available"],
            "total": str(pricing.total), "po_number": offer.po_number, "census": pricing.census_label,
            "pupils": pricing.pupils, "invoice_contact": offer.invoice_contact, "invoice_email": offer.invoice_email,
            "agreement_contact": offer.agreement_contact, "agreement_email": offer.agreement_email,
            "schedule": [{"term": s.term, "start": s.start.isoformat(), "end": s.end.isoformat(),
                          "net": str(s.net), "vat": str(s.vat), "gross": str(s.gross)} for s in pricing.schedule]}


def _priced(offer: Offer) -> OfferPricing:
    pricing = price_basket(offer)
    problems = basket_problems(offer, pricing)
    if problems or not pricing.complete:
        raise ActionRefused(f"{offer.party_name}'s basket cannot be priced on the "
                            f"{SlaYear(offer.round.sla_year).label} list: {'; '.join(problems)}")
    return pricing


def _record(offer: Offer, user: User, request: AcceptanceRequest) -> tuple[OfferAcceptance, bytes]:
    """The agreement, the stored PDF and the acceptance row, in the caller's transaction."""
    pricing = _priced(offer)
    agreement = _agreement_for(offer, user.email)
    if agreement.status == "active" and agreement.annual_total != pricing.total:
        raise ActionRefused(f"{agreement.name} was priced at {agreement.annual_total} but the offer at "
                            f"{pricing.total}: the price list or census changed; reload the offer")
    now = utcnow()
    signed = f"{request.full_name.strip()}, {request.job_title.strip()}"
    pdf = documents.render(offer, pricing, accepted=(signed, now), store_template=True)
    path, digest = records.store(offer, len(offer.acceptances) + 1, pdf)
    acceptance = OfferAcceptance(
        offer=offer, revision=offer.revision, user_id=user.id, user_email=user.email,
        full_name=request.full_name.strip(), job_title=request.job_title.strip(), authorised=True,
        ip_address=(request.ip_address or "")[:64], user_agent=(request.user_agent or "")[:500], accepted_at=now,
        basket=_basket(offer, pricing), total=pricing.total, document_sha256=digest, document_path=path,
        agreement_id=agreement.id)
    db.session.add(acceptance)
    offer.state, offer.answered_at, offer.agreement_id, offer.total = "accepted", now, agreement.id, pricing.total
    db.session.flush()
    return acceptance, pdf


def accept_locked(offer: Offer, user: User, request: AcceptanceRequest) -> tuple[OfferAcceptance, bool]:
    """The one acceptance path, in the caller's transaction (the offer's row already locked,
    nothing committed): the rules, the stored PDF, next year's agreement and the email. A trust's
    acceptance (``rounds.trust``) calls it once per academy. Returns (acceptance, True) when made,
    (the earlier one, False) when this basket was accepted already."""
    check_may_accept(offer, user)
    repeated = _of_revision(offer)
    if repeated is not None and offer.state == "declined":
        # Each basket is accepted once (the unique revision): its acceptance was replaced by a decline.
        raise rules.RoundRefused("this basket was declined after it was accepted: to accept again, change the "
                                 "basket and save it")
    if repeated is not None:
        return repeated, False
    check_request(request)
    if request.po_number is not None:
        offer.po_number = request.po_number.strip()
    acceptance, pdf = _record(offer, user, request)
    status = "Issued." if offer.agreement.status == "active" else "Awaiting the SLA team's approval."
    mail.queue_acceptance(offer, acceptance, pdf, documents.file_name(offer, draft=False), status)
    return acceptance, True


@refusal_rolls_back
def accept(offer_id: int, user: User, request: AcceptanceRequest) -> tuple[OfferAcceptance, bool]:
    """Accept the offer's current basket; (acceptance, True) when made now, (the earlier one, False)
    when this revision was accepted already (a double click, a repeated request)."""
    acceptance, created = accept_locked(locked(offer_id), user, request)
    if not created:
        db.session.rollback()
        return acceptance, False
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the document goes with it: it is stored in the same transaction
        repeated = _of_revision(db.session.get(Offer, offer_id))
        if repeated is None:
            raise
        return repeated, False
    return acceptance, True


def _withdraw(offer: Offer, by: str) -> None:
    """A decline replaces an acceptance: next year's agreement made from it is withdrawn, if it
    has not started and was never invoiced (else only the SLA team can undo it)."""
    agreement = offer.agreement
    if agreement is None or agreement.status == "cancelled":
        return
    invoiced = db.session.scalar(select(Invoice.id).where(Invoice.agreement_id == agreement.id).limit(1))
    if agreement.status not in ("draft", "active") or invoiced is not None or agreement.term_start <= date.today():
        raise ActionRefused(f"{agreement.name} is already {agreement.status}{' and invoiced' if invoiced else ''}: "
                            "please contact the SLA team to change your answer")
    transition(agreement, "cancelled", f"the school declined its offer in the buying round ({by})")
    offer.agreement_id = None


@refusal_rolls_back
def decline(offer: Offer, user: User, reason: str) -> OfferDecline:
    """The school declines next year's offer, with a reason (until the close; staff after it). A
    decline replaces an acceptance (a signatory's decision), withdrawing the agreement it made."""
    offer = locked(offer.id)
    rules.check_may_decline(offer.round.dates, user.role, bool(user.signatory), offer.state == "accepted",
                            date.today())
    if not reason.strip():
        raise InputRefused("give a reason for declining", "reason")
    _withdraw(offer, user.email)
    row = OfferDecline(offer=offer, user_id=user.id, user_email=user.email, reason=reason.strip()[:2000])
    db.session.add(row)
    offer.state, offer.answered_at = "declined", utcnow()
    refresh(offer)
    db.session.commit()
    return row


def may_accept(offer: Offer, user: User) -> tuple[bool, str]:
    """Whether the user may accept the offer now, and if not, why (the page shows it)."""
    try:
        check_may_accept(offer, user)
    except ActionRefused as exc:
        return False, exc.message
    return True, ""
