"""The round for a trust (issue #29): each academy's offer on one page with the trust's total, and
a trust signatory accepting several in one step - one acceptance per academy through the same path
a school's signatory uses (``acceptance.accept_locked``: its own PDF, SHA-256 and agreement), all
in one transaction, so one refusal records nothing. The rules are in ``rounds.trust``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pricing.errors import ActionRefused
from rounds import trust as rules
from rounds.rules import RoundRefused

from contracts_app.extensions import db
from contracts_app.models import BuyingRound, Offer, OfferAcceptance, Trust, TrustMembership, User
from contracts_app.services.rounds import acceptance as accepting
from contracts_app.services.rounds.pricing import OfferPricing, price_basket
from contracts_app.services.rounds.queries import portal_offers
from contracts_app.services.register.belonging import member_on
from contracts_app.services.transactions import refusal_rolls_back


@dataclass(frozen=True)
class AcademyOffer:
    """One academy's offer as the trust page shows it: its own census and basket, priced."""

    offer: Offer
    pricing: OfferPricing


@dataclass(frozen=True)
class TrustRound:
    """A round's offers to the trust's academies and the trust's total (the baskets that can be priced)."""

    round: BuyingRound
    offers: list[AcademyOffer]
    total: Decimal
    unpriced: int


@dataclass(frozen=True)
class TrustAcceptance:
    offer_id: int
    acceptance: OfferAcceptance
    created: bool  # False: this basket was accepted already (nothing new made)


def trust_rounds(trust: Trust, today: date | None = None) -> list[TrustRound]:
    """The rounds open to schools now, each with the offers to the trust's academies of today."""
    by_round: dict[int, list[AcademyOffer]] = {}
    rounds: dict[int, BuyingRound] = {}
    academies = trust.academy_ids_on(today or date.today())
    for offer in portal_offers(academies):
        if not rules.trust_answers_for((m.id for m in offer.members), academies):
            continue  # a group's offer reaching outside the trust: the group answers for it
        rounds[offer.round_id] = offer.round
        by_round.setdefault(offer.round_id, []).append(AcademyOffer(offer, price_basket(offer)))
    out = []
    for round_id, rows in by_round.items():
        priced = [row.pricing for row in rows if row.pricing.complete]
        out.append(TrustRound(rounds[round_id], rows, sum((p.total for p in priced), Decimal("0.00")),
                              len(rows) - len(priced)))
    return sorted(out, key=lambda r: r.round.sla_year)


def trust_signatories(trust: Trust) -> list[User]:
    """The trust's users who may accept for its academies: active, school role, signatory."""
    return list(db.session.scalars(select(User).where(
        User.trust_id == trust.id, User.role == "school", User.signatory.is_(True), User.active.is_(True))
        .order_by(User.name, User.email)))


def who_can_accept(trust: Trust) -> str:
    names = [f"{u.name or u.email} ({u.email})" for u in trust_signatories(trust)]
    if not names:
        return ("no user of the trust is a signatory yet: ask the SLA team or an administrator to mark one "
                "authorised to commit spending")
    return "the trust's signatories can: " + ", ".join(names)


def check_may_accept(trust: Trust, user: User) -> None:
    """Only a signatory of this trust accepts for its academies (NotAuthorised says who can)."""
    own = user.trust_id == trust.id
    rules.check_trust_signatory(user.role, own, bool(user.signatory), trust.name,
                                who_can_accept(trust) if own and not user.signatory else "")


def may_accept(trust: Trust, user: User) -> tuple[bool, str]:
    """Whether the user may accept for the trust, and if not, why (the page shows it)."""
    try:
        check_may_accept(trust, user)
    except ActionRefused as exc:
        return False, exc.message
    return True, ""


def _accept_one(trust: Trust, offer_id: int, members: set[int], user: User,
                request: accepting.AcceptanceRequest) -> TrustAcceptance:
    offer = db.session.get(Offer, offer_id)
    if offer is None or not rules.trust_answers_for((m.id for m in offer.members), members):
        raise rules.not_of_trust(offer_id, trust.name)
    offer = accepting.locked(offer_id)
    try:
        made, created = accepting.accept_locked(offer, user, request)
    except ActionRefused as exc:
        raise rules.refused_for(exc, exc.message, offer.party_name, offer_id) from None
    return TrustAcceptance(offer_id, made, created)


@refusal_rolls_back
def accept_for_trust(trust: Trust, offer_ids: list[int], user: User,
                     request: accepting.AcceptanceRequest) -> list[TrustAcceptance]:
    """Accept the chosen academies' offers for the trust, all or nothing: one acceptance per
    academy, each through the school's own acceptance path, committed together; any refusal
    (an offer closed, not the trust's, unpriceable...) names the academy and records nothing."""
    check_may_accept(trust, user)
    accepting.check_request(request)
    chosen = rules.chosen_offers(offer_ids)
    members = trust.academy_ids_on(date.today())
    made = [_accept_one(trust, offer_id, members, user, request) for offer_id in chosen]
    if not any(m.created for m in made):
        db.session.rollback()  # every one accepted already: nothing new, release the locks
        return made
    try:
        db.session.commit()
    except IntegrityError:
        # Another acceptance of one of these baskets committed first: all of this one goes.
        db.session.rollback()
        raise RoundRefused("one of these offers was accepted by someone else at the same moment: nothing was "
                           "accepted; reload the page to see its answer") from None
    return made


def trust_codes(school_ids: set[int], today: date | None = None) -> dict[int, str]:
    """Each school's trust code today (schools in no trust are left out), in one query."""
    if not school_ids:
        return {}
    day = today or date.today()
    rows = db.session.execute(
        select(TrustMembership.school_id, Trust.code).join(Trust, Trust.id == TrustMembership.trust_id)
        .where(TrustMembership.school_id.in_(school_ids),
               member_on(day)))
    return {school_id: code for school_id, code in rows}
