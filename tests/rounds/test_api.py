"""The /api/v1/offers doors: each rule once."""
from __future__ import annotations

from tests.rounds.conftest import NEXT


def _own(api, world):
    offer = world.offer(world.own)
    return offer.id, api("GET", f"/offers/{offer.id}", "school").get_json()


def test_school_lists_only_its_own_offer(api, world):
    items = api("GET", f"/offers?year={NEXT}", "school").get_json()["items"]
    assert [i["school_urn"] for i in items] == [world.own.urn]
    assert len(api("GET", f"/offers?year={NEXT}&state=not_opened", "sla").get_json()["items"]) == 2


def test_offer_lines_are_priced_and_explained_with_schedule(api, world):
    _, body = _own(api, world)
    sims = next(x for x in body["lines"] if x["service_code"] == "SIMS")
    assert sims["list"] == "subscribed" and "412 pupils (January" in sims["explanation"]
    assert body["total"] == "1502.10"  # SIMS 412 x £3.30 = £1,359.60 + AV 30 x £4.75 = £142.50
    assert sum(float(i["net"]) for i in body["invoice_schedule"]) == float(body["total"])


def test_another_schools_offer_is_404(api, world):
    other = world.offer(world.other)
    assert api("GET", f"/offers/{other.id}", "school").status_code == 404
    assert api("PUT", f"/offers/{other.id}/lines", "school", json={"lines": []}).status_code == 404


def test_non_signatory_gets_403_naming_who_can(api, world):
    offer_id, _ = _own(api, world)
    response = api("POST", f"/offers/{offer_id}/acceptance", "school",
                   json={"name": "A", "job_title": "B", "authorised": True})
    assert response.status_code == 403
    assert "head@own.example" in response.get_json()["detail"]


def test_change_quantity_accept_and_repeat_makes_one_agreement(api, world):
    offer_id, body = _own(api, world)
    lines = [{"service_code": x["service_code"], "list": x["list"], "quantity": x["quantity"]}
             for x in body["lines"] if x["list"] != "available"]
    for line in lines:
        if line["service_code"] == "AV":
            line["quantity"] = "40.00"
    changed = api("PUT", f"/offers/{offer_id}/lines", "school", json={"lines": lines}).get_json()
    ask = {"name": "Pat Head", "job_title": "Headteacher", "authorised": True, "po_number": "PO-1"}
    first = api("POST", f"/offers/{offer_id}/acceptance", "signatory", json=ask)
    assert first.status_code == 201, first.get_json()
    again = api("POST", f"/offers/{offer_id}/acceptance", "signatory", json=ask)
    assert again.status_code == 200
    assert again.get_json()["agreement_id"] == first.get_json()["agreement_id"]
    agreement = api("GET", f"/agreements/{first.get_json()['agreement_id']}", "school").get_json()
    assert agreement["annual_total"] == changed["total"]
    av = next(x for x in agreement["lines"] if x["service_code"] == "AV")
    assert av["quantity"] == "40.00"
    pdf = api("GET", f"/offers/{offer_id}/document", "school")
    import hashlib
    assert hashlib.sha256(pdf.data).hexdigest() == first.get_json()["document_sha256"]


def test_not_authorised_tick_is_400(api, world):
    offer_id, _ = _own(api, world)
    response = api("POST", f"/offers/{offer_id}/acceptance", "signatory",
                   json={"name": "Pat", "job_title": "Head", "authorised": False})
    assert response.status_code == 400 and "authorised" in response.get_json()["fields"]


def test_unpriceable_basket_is_refused_with_reason(api, world):
    offer_id, _ = _own(api, world)
    api("PUT", f"/offers/{offer_id}/lines", "school", json={"lines": [{"service_code": "WEB", "list": "subscribed"}]})
    response = api("POST", f"/offers/{offer_id}/acceptance", "signatory",
                   json={"name": "Pat", "job_title": "Head", "authorised": True})
    assert response.status_code == 409 and "WEB" in response.get_json()["detail"]


def test_acceptance_after_close_is_refused(api, world):
    from contracts_app.services.rounds.closing import close_round

    close_round(NEXT, "test", early=True)
    offer_id, _ = _own(api, world)
    response = api("POST", f"/offers/{offer_id}/acceptance", "signatory",
                   json={"name": "Pat", "job_title": "Head", "authorised": True})
    assert response.status_code == 409 and "closed" in response.get_json()["detail"]


def test_decline_with_reason(api, world):
    offer_id, _ = _own(api, world)
    assert api("POST", f"/offers/{offer_id}/decline", "school", json={"reason": ""}).status_code == 400
    response = api("POST", f"/offers/{offer_id}/decline", "school", json={"reason": "Too dear"})
    assert response.status_code == 201 and response.get_json()["state"] == "declined"


def test_draft_document_is_marked_draft(api, world):
    import io

    from pypdf import PdfReader

    offer_id, _ = _own(api, world)
    data = api("GET", f"/offers/{offer_id}/document", "school").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages[:2])
    assert "DRAFT" in text


def test_after_the_close_only_the_sla_team_changes_the_offer(api, world):
    from contracts_app.services.rounds.closing import close_round

    offer_id, body = _own(api, world)
    close_round(NEXT, "test", early=True)
    lines = {"lines": [{"service_code": "SIMS", "list": "subscribed"}]}
    refused = api("PUT", f"/offers/{offer_id}/lines", "school", json=lines)
    assert refused.status_code == 409 and "only the SLA team" in refused.get_json()["detail"]
    assert api("PUT", f"/offers/{offer_id}/lines", "sla", json=lines).status_code == 200
    recorded = api("POST", f"/offers/{offer_id}/acceptance", "sla",
                   json={"name": "Pat Head (paper form)", "job_title": "Headteacher", "authorised": True})
    assert recorded.status_code == 201, recorded.get_json()


def test_staff_cannot_accept_for_a_school_before_the_close(api, world):
    offer_id, _ = _own(api, world)
    response = api("POST", f"/offers/{offer_id}/acceptance", "sla",
                   json={"name": "Sam", "job_title": "SLA", "authorised": True})
    assert response.status_code == 409 and "signatory" in response.get_json()["detail"]
