"""Next year follows a conversion (issue #28, "Next year"): in each open buying round the offer
made for a closed school moves to its successor - its basket, and its acceptance if accepted,
re-priced at the successor's prices - and the school is told by email; a successor with no offer
gets one. The census that prices it (a predecessor's figure) is services.register.census.

``follow_successor`` works in the caller's transaction (applying a register change is one) and
never commits. It is idempotent: once the offer has moved there is nothing left to move.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Agreement, BuyingRound, Invoice, Offer, OfferAcceptance, School
from contracts_app.models.types import utcnow
from contracts_app.services import audit, catalogue, outbox, price_lists
from contracts_app.services.agreements.drafts import LineInput, create_draft, set_lines
from contracts_app.services.agreements.issuing import issue
from contracts_app.services.agreements.status import find, transition
from contracts_app.services.rounds import documents, mail, records
from contracts_app.services.rounds.basket import restore_accepted
from contracts_app.services.rounds.opening import make_offer, refresh, renewal_source
from contracts_app.services.rounds.pricing import OfferPricing, price_basket

UNTOUCHED = ("not_opened", "viewed")


class _NotMoved(Exception):
    """Why an offer stays where it is; the savepoint is rolled back and the reason reported."""


@dataclass(frozen=True)
class _Moved:
    """What the school is told: the old and new totals, services left out, the acceptance's state."""

    old_total: object
    left_out: list[str]
    accepted_by: str = ""
    status_text: str = ""


def follow_successor(predecessor: School | Agreement, successor: School | Agreement, actor: str) -> list[str]:
    """Move the predecessor's offers in every open buying round to its successor (issue #28), or
    make the successor an offer; returns what was done (or why not), one message each. Either
    side may be given as the school or as its agreement (applying a register change holds both);
    a group's agreement names no one school, so nothing follows it."""
    predecessor, successor = _school(predecessor), _school(successor)
    if predecessor is None or successor is None or predecessor.id == successor.id:
        return []
    messages: list[str] = []
    rounds = db.session.scalars(select(BuyingRound).where(BuyingRound.status == "open")
                                .order_by(BuyingRound.sla_year)).all()
    for buying_round in rounds:
        messages += _follow_in_round(buying_round, predecessor, successor, actor)
    return messages


def _school(party: School | Agreement) -> School | None:
    return party.school if isinstance(party, Agreement) else party


def _offer(buying_round: BuyingRound, school: School) -> Offer | None:
    return db.session.scalar(select(Offer).where(Offer.round_id == buying_round.id, Offer.school_id == school.id))


def _follow_in_round(buying_round: BuyingRound, predecessor: School, successor: School, actor: str) -> list[str]:
    old, own = _offer(buying_round, predecessor), _offer(buying_round, successor)
    name = buying_round.name
    if old is None:
        return [] if own is not None else [_new_offer(buying_round, predecessor, successor)]
    if old.group_id is not None:  # a group's offer (§2.1) follows the group's members, which the SLA team keeps
        return [f"{name}: {predecessor.name} answers for the group {old.party_name}'s offer {old.id}; the offer "
                f"stays with the group: change the group's members, and the school that answers, by hand"]
    if own is not None and (own.state not in UNTOUCHED or own.acceptances or own.declines):
        return [f"{name}: {successor.name} (URN {successor.urn}) has answered its own offer, so "
                f"{predecessor.name}'s offer {old.id} stays for the SLA team"]
    try:
        with db.session.begin_nested():
            if own is not None:
                # The successor's own offer is untouched (made when the round opened): the
                # predecessor's, which the school may have worked on or accepted, replaces it.
                for reminder in list(own.reminders):
                    db.session.delete(reminder)
                db.session.delete(own)
                db.session.flush()
            return [_move(old, predecessor, successor, actor)]
    except _NotMoved as exc:
        return [f"{name}: {predecessor.name}'s offer {old.id} was not moved to {successor.name} "
                f"(URN {successor.urn}): {exc}"]


def _new_offer(buying_round: BuyingRound, predecessor: School, successor: School) -> str:
    """The successor's offer, pre-filled from its own agreement or its predecessor's."""
    source = renewal_source(successor, buying_round.sla_year, predecessor)
    offer = make_offer(buying_round, successor, source, catalogue.services())
    audit.record("create", "Offer", offer.id, f"{buying_round.name}: offer made for {successor.name} "
                                              f"(URN {successor.urn}), successor of URN {predecessor.urn}")
    return (f"{buying_round.name}: offer made for {successor.name} (URN {successor.urn})"
            + (f", pre-filled from {source.name}" if source else ""))


def _left_out(offer: Offer, successor: School) -> list[str]:
    """Subscribed services the successor's customer type has no price for (issue #28: "listed and
    left out"), on the round's list."""
    priced = set(price_lists.rows_by_key(offer.round.price_list))
    return [line.service_code for line in offer.lines
            if line.list_name == "subscribed" and (line.service_code, successor.customer_type) not in priced]


def _move(offer: Offer, predecessor: School, successor: School, actor: str) -> str:
    """The offer (basket, acceptance) now the successor's, re-priced, the school told; or _NotMoved."""
    accepted = offer.acceptance if offer.state == "accepted" else None
    discarded = False
    if accepted is not None:
        _check_agreement_movable(offer, successor)
        # What moves is what was accepted: changes never accepted are dropped, as the close does.
        discarded = restore_accepted(offer)
    left_out = _left_out(offer, successor)
    old_total = offer.total
    for line in [x for x in offer.lines if x.service_code in left_out]:
        offer.lines.remove(line)
    # A new buyer needs a new purchase order (issue #28); the basket is a new revision.
    offer.school, offer.po_number = successor, ""
    offer.revision, offer.changed_at = offer.revision + 1, utcnow()
    db.session.flush()
    moved = _Moved(old_total, left_out)
    if accepted is not None:
        moved = _carry_acceptance(offer, accepted, predecessor, actor, moved)
    else:
        refresh(offer)
    audit.record("update", "Offer", offer.id, f"{offer.round.name}: offer moved from {predecessor.name} "
                                              f"(URN {predecessor.urn}) to its successor URN {successor.urn}")
    _tell(offer, predecessor, moved)
    total = "no total (it cannot be priced yet)" if offer.total is None else f"total {offer.total}"
    return (f"{offer.round.name}: offer {offer.id} moved from {predecessor.name} (URN {predecessor.urn}) to "
            f"{successor.name} (URN {successor.urn}){', acceptance carried over' if accepted else ''}, "
            f"re-priced at {successor.customer_type} prices: {total}"
            + (f"; left out (no {successor.customer_type} price): {', '.join(left_out)}" if left_out else "")
            + ("; changes never accepted were discarded" if discarded else ""))


def _invoiced(agreement: Agreement) -> bool:
    return db.session.scalar(select(Invoice.id).where(Invoice.agreement_id == agreement.id).limit(1)) is not None


def _check_agreement_movable(offer: Offer, successor: School) -> None:
    """Next year's agreement made from the acceptance moves only if never invoiced, and only where
    the successor has no agreement of its own for the year beyond a draft (a rollover's)."""
    agreement = offer.agreement
    if agreement is not None and (agreement.status not in ("draft", "active") or _invoiced(agreement)):
        raise _NotMoved(f"{agreement.name} is {agreement.status}{' and invoiced' if _invoiced(agreement) else ''}:"
                        " the SLA team must change it")
    own = find(offer.round.sla_year, school=successor)
    if own is not None and own.status != "draft":
        raise _NotMoved(f"{own.name} already exists ({own.status})")


def _successor_agreement(offer: Offer, predecessor: School, actor: str) -> Agreement:
    """Next year's agreement for the successor from the basket (issued when the round issues on
    acceptance); the predecessor's, and any rollover draft of the successor's, are withdrawn."""
    year, successor, old = offer.round.sla_year, offer.school, offer.agreement
    if old is not None and old.status != "cancelled":
        transition(old, "cancelled", f"{predecessor.name} closed: its acceptance moved to its successor "
                                     f"URN {successor.urn}")
    draft = find(year, school=successor)
    if draft is not None:
        transition(draft, "cancelled", f"replaced by the acceptance carried over from URN {predecessor.urn}")
    new = create_draft(year, school=successor, from_catalogue=False, commit=False,
                       odm_name=old.odm_name if old else "", odm_email=old.odm_email if old else "")
    set_lines(new, [LineInput(line.service_code, line.list_name, line.quantity) for line in offer.lines])
    if offer.round.approval == "immediate":
        issue(new, actor)
    return new


def _carry_acceptance(offer: Offer, accepted: OfferAcceptance, predecessor: School, actor: str,
                      moved: _Moved) -> _Moved:
    """A new acceptance of the moved basket at the successor's prices, by the same signatory at the
    same time (the first stays, with its PDF, as the record of what was signed), and its agreement."""
    pricing = price_basket(offer)
    if not pricing.complete:
        raise _NotMoved(f"it cannot be priced for the successor: {pricing.problem_text}")
    try:
        agreement = _successor_agreement(offer, predecessor, actor)
    except ActionRefused as exc:
        raise _NotMoved(exc.message) from None
    signed = f"{accepted.full_name}, {accepted.job_title}"
    pdf = documents.render(offer, pricing, accepted=(signed, accepted.accepted_at), store_template=True)
    path, digest = records.store(offer, len(offer.acceptances) + 1, pdf)
    db.session.add(OfferAcceptance(
        offer=offer, revision=offer.revision, user_id=accepted.user_id, user_email=accepted.user_email,
        full_name=accepted.full_name, job_title=accepted.job_title, authorised=True,
        user_agent=f"carried over from URN {predecessor.urn} by {actor}"[:500], accepted_at=accepted.accepted_at,
        basket=_basket(offer, pricing, accepted, predecessor), total=pricing.total, document_sha256=digest,
        document_path=path, agreement_id=agreement.id))
    offer.agreement_id, offer.total, offer.problem = agreement.id, pricing.total, ""
    db.session.flush()
    status = "Issued." if agreement.status == "active" else "Awaiting the SLA team's approval."
    return _Moved(moved.old_total, moved.left_out, signed, status)


def _basket(offer: Offer, pricing: OfferPricing, accepted: OfferAcceptance, predecessor: School) -> dict:
    """The re-priced basket as plain data, naming the acceptance it carries over."""
    return {"lines": [{"service_code": x.service_code, "title": x.title, "list": x.list_name,
                       "quantity": str(x.quantity), "annual_price": None if x.annual_price is None else
                       str(x.annual_price), "explanation": x.explanation} for x in pricing.lines
                      if x.list_name != "available"],
            "total": str(pricing.total), "census": pricing.census_label, "pupils": pricing.pupils,
            "po_number": offer.po_number, "invoice_contact": offer.invoice_contact,
            "invoice_email": offer.invoice_email, "agreement_contact": offer.agreement_contact,
            "agreement_email": offer.agreement_email,
            "carried_over_from": {"acceptance_id": accepted.id, "urn": predecessor.urn,
                                  "total": str(accepted.total)}}


def _tell(offer: Offer, predecessor: School, moved: _Moved) -> None:
    """One email to the successor's agreement contacts (keyed by offer and school: never twice)."""
    school = offer.school
    outbox.queue("offer_followed", concerns=("offer", offer.id), recipients=mail.agreement_recipients(offer),
                 template="offer_followed", key=f"offer_followed:{offer.id}:{school.urn}",
                 context={"school_name": school.name, "school_urn": school.urn,
                          "predecessor_name": predecessor.name, "predecessor_urn": predecessor.urn,
                          "year_label": SlaYear(offer.round.sla_year).label, "customer_type": school.customer_type,
                          "accepted": bool(moved.accepted_by), "accepted_by": moved.accepted_by,
                          "status_text": moved.status_text, "total": offer.total, "old_total": moved.old_total,
                          "left_out": moved.left_out, "closes_on": offer.round.closes_on})
