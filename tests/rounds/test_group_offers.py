"""Issue #29: a group of schools sharing one agreement (§2.1) gets one offer in the round, priced
per member on each member's census; its acceptance (service, API, page) and the close's renewal
make the group's agreement at the offer's price to the penny; trusts answer only for groups wholly
theirs. Each rule at each door it can be reached by."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer, SchoolGroup, Trust, TrustMembership
from contracts_app.services import price_lists
from contracts_app.services.price_check import price_school
from contracts_app.services.rounds import acceptance as accepting
from contracts_app.services.rounds.closing import close_round
from contracts_app.services.rounds.trust import accept_for_trust, trust_rounds
from contracts_app.services.users import issue_token
from pricing.errors import ActionRefused
from tests.agreements_fixtures import add_census, issue_agreement
from tests.conftest import PASSWORD
from tests.rounds.conftest import NEXT, THIS, L, open_next, publish_next_year

ASK = accepting.AcceptanceRequest("Gill Lead", "Executive head", True)
BASKET = [L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(20)), L("WEB", "excluded")]


@pytest.fixture
def federation(base_world, make_school, make_user):
    """Two infant/junior schools sharing this year's agreement, a group signatory and a member's user."""
    infant = make_school(urn=103801, name="Spires Infant School")
    junior = make_school(urn=103802, name="Spires Junior School")
    for school, pupils in ((infant, 150), (junior, 620)):
        add_census(school, f"{THIS}-01", pupils - 10)
        add_census(school, f"{NEXT}-01", pupils)
    group = SchoolGroup(name="Spires Federation", schools=[infant, junior], lead_school=junior)
    db.session.add(group)
    db.session.commit()
    issue_agreement(BASKET, group=group, year=THIS, by="sla@test.example")
    signatory = make_user("school", email="exec@spires.example", group=group)
    signatory.signatory = True
    member = make_user("school", school=infant, email="office@infant.example")
    member.signatory = True
    db.session.commit()
    publish_next_year()
    base_world.round = open_next()
    base_world.users |= {"group": signatory, "member": member}
    base_world.tokens |= {"group": issue_token(signatory.email), "member": issue_token(member.email)}
    return base_world, group, infant, junior


def _group_offer(world) -> Offer:
    return next(o for o in world.round.offers if o.group_id is not None)


def _members_priced(group, codes=(("SIMS", Decimal(1)), ("AV", Decimal(20)))) -> Decimal:
    """The price check run on each member alone, added up: what the group's offer must total."""
    price_list = price_lists.published(NEXT)
    return sum((price_school(m, price_list, list(codes)).total for m in group.schools), Decimal(0))


def test_the_group_gets_one_offer_priced_per_member(federation):
    world, group, infant, junior = federation
    offers = [o for o in world.round.offers if {infant.id, junior.id} & {m.id for m in o.members}]
    assert len(offers) == 1, "the members are offered through the group's offer only"
    offer = offers[0]
    assert (offer.group_id, offer.school_id, offer.party_name) == (group.id, junior.id, "Spires Federation")
    assert offer.total == _members_priced(group) and not offer.problem
    # SIMS: 150 pupils takes the £950 minimum, 620 x £3.30 = £2,046.00; each member on its own figure.
    sims = next(line for line in offer.source_agreement.lines if line.service_code == "SIMS")
    assert sims.agreement.group_id == group.id
    from contracts_app.services.rounds.pricing import price_basket
    priced = {x.service_code: x for x in price_basket(offer).subscribed}
    assert priced["SIMS"].annual_price == Decimal("950.00") + Decimal("2046.00")
    assert "Spires Infant School: 150 pupils" in priced["SIMS"].explanation
    assert "Spires Junior School: 620 pupils" in priced["SIMS"].explanation


def test_a_group_signatory_accepts_and_the_group_agreement_equals_the_offer(federation):
    world, group, _, _ = federation
    offer = _group_offer(world)
    made, created = accepting.accept(offer.id, world.users["group"], ASK)
    assert created
    agreement = db.session.get(Agreement, made.agreement_id)
    assert (agreement.group_id, agreement.school_id, agreement.sla_year) == (group.id, None, NEXT)
    assert agreement.status == "active" and agreement.annual_total == offer.total == made.total
    assert {(x.service_code, x.annual_price) for x in agreement.lines_in("subscribed")} == {
        (x["service_code"], Decimal(x["annual_price"])) for x in made.basket["lines"] if x["list"] == "subscribed"}


def test_a_member_alone_cannot_see_or_accept_the_groups_offer(federation, client):
    world, _, _, _ = federation
    offer = _group_offer(world)
    headers = {"Authorization": f"Bearer {world.tokens['member']}"}
    assert client.get(f"/api/v1/offers/{offer.id}", headers=headers).status_code == 404
    response = client.post(f"/api/v1/offers/{offer.id}/acceptance", headers=headers,
                           json={"name": "A", "job_title": "B", "authorised": True})
    assert response.status_code == 404
    assert client.get(f"/api/v1/offers?year={NEXT}", headers=headers).get_json()["items"] == []


def test_the_api_shows_the_group_and_accepts_for_it(federation, client):
    world, group, infant, junior = federation
    headers = {"Authorization": f"Bearer {world.tokens['group']}"}
    items = client.get(f"/api/v1/offers?year={NEXT}", headers=headers).get_json()["items"]
    assert [(i["group_name"], i["school_urn"]) for i in items] == [("Spires Federation", junior.urn)]
    assert [m["urn"] for m in items[0]["members"]] == [infant.urn, junior.urn]
    response = client.post(f"/api/v1/offers/{items[0]['id']}/acceptance", headers=headers,
                           json={"name": "Gill Lead", "job_title": "Executive head", "authorised": True})
    assert response.status_code == 201, response.get_json()
    agreement = db.session.get(Agreement, response.get_json()["agreement_id"])
    assert agreement.group_id == group.id and str(agreement.annual_total) == items[0]["total"]


def test_the_offer_page_names_the_group_and_its_members(federation, client):
    world, _, _, _ = federation
    offer = _group_offer(world)
    assert client.post("/login", data={"email": "exec@spires.example", "password": PASSWORD}).status_code == 302
    page = client.get(f"/rounds/offers/{offer.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Spires Federation: your" in text and "One agreement for the group's 2 schools" in text
    assert "Spires Infant School (URN 103801)" in text
    pdf = client.get(f"/rounds/offers/{offer.id}/document")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_a_member_missing_its_census_is_named_and_acceptance_refused(federation):
    world, group, infant, _ = federation
    from contracts_app.models import CensusFigure
    db.session.execute(CensusFigure.__table__.delete().where(CensusFigure.school_id == infant.id))
    db.session.commit()
    offer = _group_offer(world)
    with pytest.raises(ActionRefused, match=r"no January \d{4} census figure for Spires Infant School \(URN 103801\)"):
        accepting.accept(offer.id, world.users["group"], ASK)
    assert db.session.scalar(select(Agreement).where(Agreement.group_id == group.id,
                                                     Agreement.sla_year == NEXT)) is None


def test_the_close_renews_an_unanswered_group_at_its_members_prices(federation):
    world, group, _, _ = federation
    offer = _group_offer(world)
    report = close_round(NEXT, "sla@test.example", early=True)
    assert ("Spires Federation", "renewed") in {(row.school, row.outcome) for row in report.schools}
    renewed = db.session.scalar(select(Agreement).where(Agreement.group_id == group.id, Agreement.sla_year == NEXT))
    assert renewed.status == "active" and renewed.annual_total == _members_priced(group)
    assert db.session.get(Offer, offer.id).agreement_id == renewed.id


def _trust_of(schools, code="17001") -> Trust:
    trust = Trust(code=code, name="Spires Learning Trust", name_lower="spires learning trust")
    db.session.add(trust)
    db.session.flush()
    for school in schools:
        db.session.add(TrustMembership(trust_id=trust.id, school_id=school.id,
                                       joined_on=date.today() - timedelta(days=400)))
    db.session.commit()
    return trust


def test_a_trust_answers_for_a_group_wholly_its_own_only(federation, make_user, client):
    world, group, infant, junior = federation
    listed = lambda: [i["id"] for i in client.get(  # noqa: E731 - the API's trust filter, as the trust page
        f"/api/v1/offers?year={NEXT}&trust=17001", headers={"Authorization": f"Bearer {world.tokens['sla']}"})
        .get_json()["items"]]
    trust = _trust_of([junior])  # the lead academy is the trust's, the infant school is not
    signatory = make_user("school", email="ceo@trust.example")
    signatory.trust, signatory.signatory = trust, True
    db.session.commit()
    offer = _group_offer(world)
    assert all(o.offer.id != offer.id for r in trust_rounds(trust) for o in r.offers)
    assert offer.id not in listed()
    with pytest.raises(ActionRefused, match="is not an offer to an academy of Spires Learning Trust"):
        accept_for_trust(trust, [offer.id], signatory, ASK)
    db.session.add(TrustMembership(trust_id=trust.id, school_id=infant.id,
                                   joined_on=date.today() - timedelta(days=400)))
    db.session.commit()
    assert any(o.offer.id == offer.id for r in trust_rounds(trust) for o in r.offers)
    assert offer.id in listed()
    made = accept_for_trust(trust, [offer.id], signatory, ASK)
    assert db.session.get(Agreement, made[0].acceptance.agreement_id).group_id == group.id


def test_a_reminder_reaches_the_group_signatory_and_the_members_contacts(federation):
    world, _, infant, _ = federation
    from contracts_app.models import KeyStakeholder
    from contracts_app.services.rounds.closing import remind
    db.session.add(KeyStakeholder(school=infant, name="Infant head", role="Headteacher", email="head@infant.example"))
    db.session.commit()
    offer = _group_offer(world)
    sent, skipped = remind(NEXT, [offer.id], "sla@test.example")
    assert not skipped and len(sent) == 1
    assert {"exec@spires.example", "head@infant.example"} <= set(sent[0].recipients.split(", "))


def test_a_member_closed_before_next_year_is_not_charged_for_it(federation):
    world, group, infant, junior = federation
    from contracts_app.services.rounds.opening import reprice
    from contracts_app.services.rounds.pricing import price_basket
    infant.status, infant.closed_on = "Closed", date(NEXT, 3, 31)  # closes before next year starts
    db.session.commit()
    reprice(NEXT)
    offer = _group_offer(world)
    price_list = price_lists.published(NEXT)
    alone = price_school(junior, price_list, [("SIMS", Decimal(1)), ("AV", Decimal(20))]).total
    assert offer.total == alone and "Spires Infant School" not in price_basket(offer).subscribed[0].explanation
    made, _ = accepting.accept(offer.id, world.users["group"], ASK)
    assert db.session.get(Agreement, made.agreement_id).annual_total == alone == made.total
    # Every member closed: the offer names why it cannot be priced, and nothing can be accepted.
    junior.status, junior.closed_on = "Closed", date(NEXT, 3, 1)
    db.session.commit()
    reprice(NEXT)
    assert "has no member school open on 01 April" in price_basket(offer).problem_text
