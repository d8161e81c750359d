"""Issue #29's done-when for the round, on the demo: the trust signatory's token lists the trust's
academies' offers, accepts all of them in one request, and each academy has next year's agreement
equal to its own offer; a trust user cannot read an offer outside the trust (404)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Offer, TrustMembership, User
from contracts_app.services.demo.council import load_demo
from contracts_app.services.demo.trusts import TRUST_USER, TRUSTS
from contracts_app.services.users import issue_token

NEXT = SlaYear.containing(date.today()).start_year + 1


def test_done_when_the_trust_signatory_accepts_every_academy_on_the_demo(app, client):
    load_demo(NEXT - 1)
    user = db.session.scalar(select(User).where(User.email == TRUST_USER[0]))
    code = TRUSTS[0][0]
    headers = {"Authorization": f"Bearer {issue_token(user.email)}"}
    items = client.get(f"/api/v1/offers?year={NEXT}&trust={code}", headers=headers).get_json()["items"]
    members = {m.school.urn for m in db.session.scalars(select(TrustMembership)) if m.trust.code == code}
    assert {o["school_urn"] for o in items} == members and len(members) == 4
    assert all(o["trust_code"] == code for o in items)
    offers = {o["id"]: client.get(f"/api/v1/offers/{o['id']}", headers=headers).get_json() for o in items}
    answer = client.post(f"/api/v1/trusts/{code}/acceptance", headers=headers,
                         json={"name": "Ruth Adeyemi", "job_title": "Chief Executive", "authorised": True,
                               "offer_ids": sorted(offers)})
    assert answer.status_code == 201, answer.get_json()
    made = answer.get_json()["acceptances"]
    assert sorted(m["offer_id"] for m in made) == sorted(offers)
    for m in made:
        offer = offers[m["offer_id"]]
        agreement = client.get(f"/api/v1/agreements/{m['agreement_id']}", headers=headers).get_json()
        assert agreement["year"] == NEXT and agreement["status"] == "active"
        assert agreement["school_urn"] == offer["school_urn"] and agreement["annual_total"] == offer["total"]
        assert {x["service_code"]: (x["quantity"], x["annual_price"]) for x in agreement["lines"]
                if x["list"] == "subscribed"} == \
               {x["service_code"]: (x["quantity"], x["annual_price"]) for x in offer["lines"] if x["list"] == "subscribed"}
    outside = db.session.scalar(select(Offer.id).where(Offer.school_id.not_in(user.school_ids())))
    assert client.get(f"/api/v1/offers/{outside}", headers=headers).status_code == 404
