"""A round that waits for the SLA team's approval: the acceptance leaves next year's agreement as a
draft; "Approve and issue" issues it at the accepted price."""
from __future__ import annotations

from contracts_app.extensions import db
from tests.conftest import PASSWORD
from tests.rounds.conftest import open_next, publish_next_year

ACCEPT = {"full_name": "Pat Head", "job_title": "Headteacher", "authorised": "y"}


def test_accepted_basket_waits_then_is_approved(client, base_world):
    publish_next_year()
    buying_round = open_next(approval="approval")
    offer = next(o for o in buying_round.offers if o.school_id == base_world.own.id)
    client.post("/login", data={"email": base_world.users["signatory"].email, "password": PASSWORD})
    client.post(f"/rounds/offers/{offer.id}/accept", data=ACCEPT)
    db.session.expire_all()
    assert offer.state == "accepted" and offer.agreement.status == "draft"
    client.post("/logout")
    client.post("/login", data={"email": base_world.users["sla"].email, "password": PASSWORD})
    assert client.post(f"/rounds/offers/{offer.id}/approve").status_code == 302
    db.session.expire_all()
    assert offer.agreement.status == "active" and offer.agreement.annual_total == offer.acceptance.total
