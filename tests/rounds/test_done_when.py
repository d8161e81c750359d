"""The issue's done-when, on the demo: a signatory school token reads its next-year offer, changes a
quantity, accepts, and finds next year's agreement with those lines and prices; a non-signatory
gets 403, another school's offer is 404, and a repeated acceptance makes no second agreement."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer, User
from contracts_app.services.demo.council import load_demo
from contracts_app.services.users import issue_token

THIS = SlaYear.containing(date.today()).start_year
NEXT = THIS + 1


def test_done_when_on_the_demo(app, client, make_user):
    load_demo(THIS)
    school_user = db.session.scalar(select(User).where(User.email == "school@demo.example"))
    assert school_user.signatory
    plain = make_user("school", school=school_user.school, email="not-a-signatory@demo.example")
    tokens = {"signatory": issue_token(school_user.email), "plain": issue_token(plain.email)}

    def api(method, path, who, **kwargs):
        return client.open(f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {tokens[who]}"},
                           **kwargs)

    items = api("GET", f"/offers?year={NEXT}", "signatory").get_json()["items"]
    assert len(items) == 1
    offer = api("GET", f"/offers/{items[0]['id']}", "signatory").get_json()
    lines = [{"service_code": x["service_code"], "list": x["list"], "quantity": x["quantity"]}
             for x in offer["lines"] if x["list"] != "available"]
    antivirus = next(x for x in lines if x["service_code"] == "ANTIVIRUS")
    antivirus["quantity"] = f"{int(float(antivirus['quantity'])) + 5}.00"
    changed = api("PUT", f"/offers/{offer['id']}/lines", "signatory", json={"lines": lines}).get_json()
    ask = {"name": "Demo Head", "job_title": "Headteacher", "authorised": True, "po_number": "PO-DEMO"}
    assert api("POST", f"/offers/{offer['id']}/acceptance", "plain", json=ask).status_code == 403
    other = db.session.scalar(select(Offer.id).where(Offer.school_id != school_user.school_id))
    assert api("GET", f"/offers/{other}", "signatory").status_code == 404
    accepted = api("POST", f"/offers/{offer['id']}/acceptance", "signatory", json=ask)
    assert accepted.status_code == 201, accepted.get_json()
    again = api("POST", f"/offers/{offer['id']}/acceptance", "signatory", json=ask)
    assert again.status_code == 200 and again.get_json()["agreement_id"] == accepted.get_json()["agreement_id"]
    agreement = api("GET", f"/agreements/{accepted.get_json()['agreement_id']}", "signatory").get_json()
    assert agreement["year"] == NEXT and agreement["status"] == "active" and agreement["po_number"] == "PO-DEMO"
    assert agreement["annual_total"] == changed["total"]
    offered = {x["service_code"]: (x["quantity"], x["annual_price"]) for x in changed["lines"]
               if x["list"] == "subscribed"}
    assert {x["service_code"]: (x["quantity"], x["annual_price"]) for x in agreement["lines"]
            if x["list"] == "subscribed"} == offered
    assert db.session.scalar(select(func.count()).select_from(Agreement).where(
        Agreement.sla_year == NEXT, Agreement.school_id == school_user.school_id,
        Agreement.status != "cancelled")) == 1
