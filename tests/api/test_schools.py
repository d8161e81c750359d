"""GET /schools and /schools/{urn}."""
from __future__ import annotations

from contracts_app.extensions import db
from contracts_app.models import KeyStakeholder
from tests.api.conftest import OTHER, OWN, assert_error


def test_staff_search_the_register_a_page_at_a_time(world, api):
    body = api("GET", "/schools?per_page=1", "finance").get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 1, 2, 2)
    assert [s["urn"] for s in body["items"]] == [OWN]  # by name
    second = api("GET", "/schools?per_page=1&page=2", "finance").get_json()
    assert [s["urn"] for s in second["items"]] == [OTHER]
    assert [s["urn"] for s in api("GET", "/schools?q=cardinal", "sla").get_json()["items"]] == [OTHER]
    assert [s["urn"] for s in api("GET", f"/schools?q={OWN}", "sla").get_json()["items"]] == [OWN]
    academies = api("GET", "/schools?customer_type=academy", "admin").get_json()["items"]
    assert [(s["urn"], s["customer_type"]) for s in academies] == [(OTHER, "academy")]


def test_a_school_user_lists_only_its_own_school(world, api):
    body = api("GET", "/schools", "school").get_json()
    assert [s["urn"] for s in body["items"]] == [OWN] and body["total"] == 1
    assert api("GET", "/schools?q=cardinal", "school").get_json()["items"] == []


def test_one_school_with_its_contacts_and_census(world, api):
    db.session.add(KeyStakeholder(school=world.own, name="Ann Head", role="Headteacher", email="head@own.example"))
    db.session.commit()
    body = api("GET", f"/schools/{OWN}", "school").get_json()
    assert body["name"] == "Allesley Primary School" and body["customer_type"] == "maintained"
    assert body["key_stakeholders"] == [{"name": "Ann Head", "role": "Headteacher", "email": "head@own.example",
                                         "phone": ""}]
    assert body["census"] == [{"census": "2025-01", "pupils": 412, "source": "census"}]
    assert body["customer_type_override"] is None and body["groups"] == []


def test_another_school_or_an_unknown_urn_is_404(world, api):
    assert_error(api("GET", f"/schools/{OTHER}", "school"), 404, "not_found", mentions=str(OTHER))
    assert_error(api("GET", "/schools/999999", "sla"), 404)
    assert api("GET", f"/schools/{OTHER}", "sla").status_code == 200


def test_bad_paging_and_filters_are_400_naming_the_field(world, api):
    body = assert_error(api("GET", "/schools?per_page=0", "sla"), 400, "bad_request", mentions="per_page")
    assert "per_page" in body["fields"]
    assert_error(api("GET", "/schools?page=x", "sla"), 400, mentions="page")
    assert_error(api("GET", "/schools?customer_type=grammar", "sla"), 400, mentions="customer_type")
    assert_error(api("GET", "/schools?q=%00", "sla"), 400, mentions="q")
    assert_error(api("GET", "/schools?q=" + "a" * 101, "sla"), 400, mentions="q")
