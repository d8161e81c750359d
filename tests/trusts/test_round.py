"""The round for a trust (issue #29): a trust user sees each academy's offer and the trust's total on
one page; a trust signatory accepts all of them, or those chosen, in one step - one acceptance per
academy through the school's own path, all or nothing; the API's door and the access per role."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import (
    Agreement,
    Blob,
    CensusFigure,
    Offer,
    OfferAcceptance,
    OutboxMessage,
    Trust,
    TrustMembership,
)
from contracts_app.services.rounds import acceptance as accepting, basket
from contracts_app.services.users import issue_token
from tests.conftest import PASSWORD
from tests.rounds.conftest import NEXT, THIS, L, RoundWorld, base_world, open_next, publish_next_year  # noqa: F401
from tests.agreements_fixtures import add_census, issue_agreement

CODE = "16001"
BODY = {"name": "Sam Chair", "job_title": "Chief Financial Officer", "authorised": True}


@pytest.fixture
def trust_world(base_world, make_school, make_user) -> RoundWorld:  # noqa: F811 - the fixture
    """Two academies of a trust (Cardinal, Binley), a maintained school outside it (Allesley), a
    second trust; the round open; trust users (a signatory and not) beside the round world's users."""
    w = base_world
    third = make_school(urn=140002, name="Binley Academy", establishment_type="Academy converter")
    add_census(third, f"{THIS}-01", 250)
    add_census(third, f"{NEXT}-01", 260)
    issue_agreement([L("SIMS", "subscribed"), L("DPO", "subscribed")], school=third, year=THIS, by="sla@test.example")
    trust = Trust(code=CODE, name="Spires Learning Trust", name_lower="spires learning trust")
    elsewhere = Trust(code="16002", name="Arden Valley Trust", name_lower="arden valley trust")
    db.session.add_all([trust, elsewhere, TrustMembership(trust=trust, school=w.other),
                        TrustMembership(trust=trust, school=third)])
    db.session.commit()
    publish_next_year()
    w.round = open_next()
    w.third, w.trust = third, trust
    for name, which, signatory in (("trust", trust, False), ("trust_signatory", trust, True),
                                   ("elsewhere_signatory", elsewhere, True)):
        user = make_user("school", email=f"{name}@trust.example")
        user.trust, user.signatory, user.name = which, signatory, name.replace("_", " ").title()
        db.session.commit()
        w.users[name] = user
        w.tokens[name] = issue_token(user.email)
    w.users["academy_signatory"] = make_user("school", school=third, email="head@binley.example")
    w.users["academy_signatory"].signatory = True
    db.session.commit()
    return w


def call(client, w, who, method, path, **kwargs):
    return client.open(f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {w.tokens[who]}"},
                       **kwargs)


def academy_offers(w) -> list[Offer]:
    return [w.offer(w.other), w.offer(w.third)]


def counts() -> tuple[int, int, int, int]:
    """Acceptances, next year's agreements, outbox messages and stored documents: all that an acceptance makes."""
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (OfferAcceptance, Agreement,
                                                                                     OutboxMessage, Blob))


def test_done_when_a_trust_signatory_token_accepts_every_academy_in_one_request(client, trust_world):
    w = trust_world
    listed = call(client, w, "trust_signatory", "GET", f"/offers?year={NEXT}").get_json()
    assert {(o["school_urn"], o["trust_code"]) for o in listed["items"]} == {(140001, CODE), (140002, CODE)}
    offers = {o["id"]: o for o in listed["items"]}
    answer = call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                  json={**BODY, "offer_ids": sorted(offers)})
    assert answer.status_code == 201, answer.get_json()
    made = answer.get_json()["acceptances"]
    assert sorted(m["offer_id"] for m in made) == sorted(offers)
    assert len({m["document_sha256"] for m in made}) == 2 and not any(m["repeated"] for m in made)
    db.session.expire_all()
    for m in made:
        offer = db.session.get(Offer, m["offer_id"])
        agreement = db.session.get(Agreement, m["agreement_id"])
        # Each academy's next-year agreement is its own offer: its school, its basket, its total.
        assert agreement.school_id == offer.school_id and agreement.sla_year == NEXT
        assert agreement.status == "active" and agreement.annual_total == Decimal(offers[offer.id]["total"])
        assert {(x.service_code, x.list_name, x.quantity) for x in agreement.lines} == \
               {(x.service_code, x.list_name, x.quantity) for x in offer.lines}
        acceptance = offer.acceptance
        assert acceptance.document_sha256 == m["document_sha256"] and acceptance.full_name == "Sam Chair"
        assert acceptance.user_email == "trust_signatory@trust.example"
        detail = call(client, w, "trust_signatory", "GET", f"/offers/{offer.id}").get_json()
        assert detail["state"] == "accepted" and detail["trust_code"] == CODE
    again = call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                 json={**BODY, "offer_ids": sorted(offers)})
    assert again.status_code == 200 and all(m["repeated"] for m in again.get_json()["acceptances"])


def test_the_trust_filter_on_offers(client, trust_world):
    w = trust_world
    staff = call(client, w, "sla", "GET", f"/offers?year={NEXT}&trust={CODE}").get_json()
    assert {o["school_urn"] for o in staff["items"]} == {140001, 140002}
    every = {o["school_urn"]: o["trust_code"] for o in call(client, w, "sla", "GET", f"/offers?year={NEXT}")
             .get_json()["items"]}
    assert every == {103700: None, 140001: CODE, 140002: CODE}
    assert call(client, w, "sla", "GET", f"/offers?year={NEXT}&trust=16002").get_json()["items"] == []
    unknown = call(client, w, "sla", "GET", f"/offers?year={NEXT}&trust=99999")
    assert unknown.status_code == 404 and "99999" in unknown.get_json()["detail"]
    # A school user's own scope still holds under the filter.
    assert call(client, w, "school", "GET", f"/offers?year={NEXT}&trust={CODE}").get_json()["items"] == []


def test_all_or_nothing_names_the_academy_and_records_nothing(client, trust_world):
    w = trust_world
    before = counts()
    outside = w.offer(w.own)  # Allesley is not the trust's
    ids = [o.id for o in academy_offers(w)]
    refused = call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                   json={**BODY, "offer_ids": [*ids, outside.id]})
    assert refused.status_code == 409
    assert f"offer {outside.id} is not an offer to an academy of Spires Learning Trust" in refused.get_json()["detail"]
    assert counts() == before
    # Binley's basket can no longer be priced (no census for next year): Cardinal is not accepted either.
    db.session.execute(CensusFigure.__table__.delete().where(CensusFigure.school_id == w.third.id,
                                                             CensusFigure.census == f"{NEXT}-01"))
    db.session.commit()
    refused = call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance", json={**BODY, "offer_ids": ids})
    detail = refused.get_json()["detail"]
    assert refused.status_code == 409 and f"Binley Academy (offer {w.offer(w.third).id})" in detail, detail
    assert "nothing was accepted" in detail and counts() == before
    db.session.expire_all()
    assert {o.state for o in academy_offers(w)} == {"not_opened"}
    assert call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                json={**BODY, "offer_ids": [ids[0], ids[0]]}).status_code == 400
    assert call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                json={**BODY, "offer_ids": []}).status_code == 400
    assert call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                json={**BODY, "authorised": False, "offer_ids": ids}).status_code == 400
    assert counts() == before


def test_a_closed_round_refuses_every_academy(client, trust_world):
    w = trust_world
    w.round.closes_on = w.round.opens_on
    w.round.opens_on = w.round.opens_on - timedelta(days=5)
    db.session.commit()
    before = counts()
    refused = call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                   json={**BODY, "offer_ids": [o.id for o in academy_offers(w)]})
    assert refused.status_code == 409 and "can no longer be accepted online" in refused.get_json()["detail"]
    assert "Cardinal Academy" in refused.get_json()["detail"] and counts() == before


def test_the_academys_own_signatory_still_answers_and_the_latest_stands(client, trust_world):
    w = trust_world
    binley = w.offer(w.third)
    assert call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                json={**BODY, "offer_ids": [binley.id]}).status_code == 201
    academy = w.users["academy_signatory"]
    db.session.refresh(binley)
    accepting.decline(binley, academy, "we buy elsewhere")
    db.session.expire_all()
    assert db.session.get(Offer, binley.id).state == "declined"
    assert db.session.get(Offer, binley.id).agreement_id is None
    # The decline stands: the trust cannot bring back the basket it replaced, and records nothing.
    before = counts()
    refused = call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                   json={**BODY, "offer_ids": [binley.id]})
    assert refused.status_code == 409 and "Binley Academy" in refused.get_json()["detail"]
    assert "declined after it was accepted" in refused.get_json()["detail"] and counts() == before
    basket.set_lines(db.session.get(Offer, binley.id), [basket.BasketLine("SIMS", "subscribed", Decimal(1))], academy)
    again = call(client, w, "trust_signatory", "POST", f"/trusts/{CODE}/acceptance",
                 json={**BODY, "offer_ids": [binley.id]})
    assert again.status_code == 201, again.get_json()
    db.session.expire_all()
    offer = db.session.get(Offer, binley.id)
    assert offer.state == "accepted" and len(offer.acceptances) == 2
    assert offer.agreement.status == "active" and offer.agreement.id == again.get_json()["acceptances"][0]["agreement_id"]


@pytest.mark.parametrize("who,status", [("admin", 403), ("sla", 403), ("finance", 403), ("signatory", 404),
                                        ("school", 404), ("elsewhere_signatory", 404), ("trust", 403),
                                        ("trust_signatory", 201)])
def test_api_acceptance_per_role(client, trust_world, who, status):
    w = trust_world
    before = counts()
    answer = call(client, w, who, "POST", f"/trusts/{CODE}/acceptance",
                  json={**BODY, "offer_ids": [o.id for o in academy_offers(w)]})
    assert answer.status_code == status, answer.get_json()
    if status != 201:
        assert answer.get_json()["detail"] and counts() == before
    if who == "trust":
        assert "only a signatory" in answer.get_json()["detail"] and "Trust Signatory" in answer.get_json()["detail"]


def sign_in(client, user):
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_the_trust_page_lists_each_academy_and_the_total(client, trust_world):
    w = trust_world
    sign_in(client, w.users["trust"])
    assert "every academy's offer on one page" in client.get("/portal/").get_data(as_text=True)
    page = client.get("/portal/trust").get_data(as_text=True)
    totals = {o.school.name: o.total for o in academy_offers(w)}
    for name, total in totals.items():
        assert name in page and f"£{total:,.2f}" in page
    assert "Allesley" not in page and "412 pupils" in page and "260 pupils" in page
    assert f"£{sum(totals.values()):,.2f}" in page
    # Not a signatory: the page says who can, and the POST is refused too.
    assert "only a signatory, authorised to commit spending for Spires Learning Trust" in page
    assert 'name="offer"' not in page
    before = counts()
    refused = client.post("/portal/trust/accept", data={"full_name": "A", "job_title": "B", "authorised": "y",
                                                        "accept_all": "1"})
    assert refused.status_code == 403 and counts() == before


def test_the_trust_signatory_accepts_the_ticked_offers_on_the_page(client, trust_world):
    w = trust_world
    sign_in(client, w.users["trust_signatory"])
    cardinal, binley = academy_offers(w)
    missing = client.post("/portal/trust/accept", data={"offer": [cardinal.id], "accept_chosen": "1"})
    assert missing.status_code == 400 and "Type your full name." in missing.get_data(as_text=True)
    form = {"full_name": "Sam Chair", "job_title": "CFO", "authorised": "y", "accept_chosen": "1"}
    none = client.post("/portal/trust/accept", data=form)
    assert none.status_code == 409 and "choose at least one" in none.get_data(as_text=True)
    done = client.post("/portal/trust/accept", data={**form, "offer": [cardinal.id]}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Accepted 1 offer" in text and "Cardinal Academy" in text
    db.session.expire_all()
    assert db.session.get(Offer, cardinal.id).state == "accepted"
    assert db.session.get(Offer, binley.id).state == "not_opened"
    every = client.post("/portal/trust/accept", data={**form, "accept_all": "1", "accept_chosen": ""},
                        follow_redirects=True)
    assert "Accepted 1 offer (1 accepted already)" in every.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offer, binley.id).state == "accepted"


@pytest.mark.parametrize("who,status", [("admin", 302), ("sla", 403), ("finance", 403), ("school", 302),
                                        ("trust", 200), ("trust_signatory", 200)])
def test_the_trust_page_per_role(client, trust_world, who, status):
    w = trust_world
    sign_in(client, w.users[who])
    response = client.get("/portal/trust")
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].endswith("/portal/")
        posted = client.post("/portal/trust/accept", data={"full_name": "A", "job_title": "B", "authorised": "y",
                                                           "accept_all": "1"})
        assert posted.status_code == 302 and counts()[0] == 0
