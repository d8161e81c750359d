"""Property (issue #26): for any sequence of basket changes, acceptances, declines and an agreement
issued after the opening, the close gives each school exactly one outcome, and an accepted
school's agreement is its latest acceptance to the penny."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, select

from contracts_app.extensions import db
from contracts_app.models import (
    Agreement, AgreementLine, BuyingRound, Offer, OfferAcceptance, OfferDecline, OfferLine, OfferReminder,
)
from contracts_app.services.rounds import acceptance as accepting, basket
from contracts_app.services.rounds.closing import close_round
from rounds import rules
from tests.rounds.conftest import NEXT, open_next

ASK = accepting.AcceptanceRequest("Pat Head", "Headteacher", True)
SCHOOLS = ("own", "other")
ACTION = st.one_of(
    st.tuples(st.just("change"), st.sampled_from(SCHOOLS), st.integers(min_value=1, max_value=60)),
    st.tuples(st.just("accept"), st.sampled_from(SCHOOLS), st.just(0)),
    st.tuples(st.just("decline"), st.sampled_from(SCHOOLS), st.just(0)),
)


def _fresh_round(world):
    """Next year's round opened again from scratch (each example starts from the same world)."""
    db.session.rollback()
    agreements = select(Agreement.id).where(Agreement.sla_year == NEXT)
    for model in (OfferAcceptance, OfferDecline, OfferReminder, OfferLine):
        db.session.execute(delete(model))
    db.session.execute(delete(Offer))
    db.session.execute(delete(BuyingRound))
    db.session.execute(delete(AgreementLine).where(AgreementLine.agreement_id.in_(agreements)))
    db.session.execute(delete(Agreement).where(Agreement.sla_year == NEXT))
    db.session.commit()
    world.round = open_next(default=world.default)
    return world


def _signatory_for(world, name):
    user = world.users["signatory"] if name == "own" else world.users["other_signatory"]
    return user


def _apply(world, action, school_name, quantity):
    school = getattr(world, school_name)
    offer = db.session.get(Offer, world.offer(school).id)
    user = _signatory_for(world, school_name)
    try:
        if action == "change":
            items = [basket.BasketLine(x.service_code, x.list_name, Decimal(quantity) if x.service_code == "AV"
                                       else x.quantity) for x in offer.lines]
            basket.set_lines(offer, items, user)
        elif action == "accept":
            accepting.accept(offer.id, user, ASK)
        else:
            accepting.decline(offer, user, "Changed our minds")
    except rules.RoundRefused:
        db.session.rollback()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(actions=st.lists(ACTION, max_size=6), default=st.sampled_from(("renew", "lapse")))
def test_every_school_gets_one_outcome_and_the_latest_acceptance(world, make_user, actions, default):
    if "other_signatory" not in world.users:
        world.users["other_signatory"] = make_user("school", school=world.other, email="head@other.example")
        world.users["other_signatory"].signatory = True
        db.session.commit()
    world.default = default
    _fresh_round(world)
    for action, school_name, quantity in actions:
        _apply(world, action, school_name, quantity)
    report = close_round(NEXT, "test", early=True, today=date.today())
    assert sorted(r.urn for r in report.schools) == sorted([world.own.urn, world.other.urn])
    db.session.expire_all()
    for school in (world.own, world.other):
        offer = db.session.scalar(select(Offer).where(Offer.school_id == school.id))
        assert offer.outcome in rules.OUTCOMES
        live = db.session.scalars(select(Agreement).where(Agreement.school_id == school.id,
                                                          Agreement.sla_year == NEXT,
                                                          Agreement.status != "cancelled")).all()
        if offer.outcome == "accepted":
            latest = offer.acceptance
            assert [a.id for a in live] == [latest.agreement_id]
            assert live[0].annual_total == latest.total  # to the penny
            kept = {(x["service_code"], x["list"], Decimal(x["quantity"])) for x in latest.basket["lines"]}
            assert {(x.service_code, x.list_name, x.quantity) for x in live[0].lines} == kept
        elif offer.outcome == "renewed":
            assert len(live) == 1
        else:
            assert live == [] and offer.outcome_reason


@given(changes=st.lists(st.sampled_from(rules.UNANSWERED + rules.ANSWERS), max_size=8))
def test_a_change_never_withdraws_an_answer(changes):
    """rounds.rules alone: after an answer, any number of basket changes leaves the answer standing."""
    for answer in rules.ANSWERS:
        state = answer
        for _ in changes:
            state = rules.state_after_change(state)
        assert state == answer
        outcome = rules.close_outcome(state, "renew", True)
        assert outcome.outcome == answer
