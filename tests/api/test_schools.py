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


def test_the_register_fields_of_gias_and_the_document_agree(world, api, client):
    """Issue #28: status, open and close dates and reasons, predecessors and successors, each as the
    OpenAPI document describes them (checked with the JSON Schema engine Schemathesis uses)."""
    import jsonschema_rs

    from contracts_app.services.register.links import import_links

    import_links(b"URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
                 b"103700,150001,Allesley Academy,Successor,31-08-2026\n"
                 b"103600,103700,Allesley First School,Predecessor - merged,\n", "links.csv")
    body = api("GET", f"/schools/{OWN}", "school").get_json()
    assert (body["status"], body["opened_on"], body["closed_on"], body["change_proposed"]) == ("Open", None, None, False)
    assert (body["open_reason"], body["close_reason"]) == ("", "")
    # 103600's own row says 103700 is its predecessor, so 103600 succeeds 103700 too (undated: first).
    assert body["successors"] == [
        {"urn": 103600, "name": "", "link_type": "Predecessor - merged", "established_on": None},
        {"urn": 150001, "name": "Allesley Academy", "link_type": "Successor", "established_on": "2026-08-31"}]
    assert body["predecessors"] == []
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/SchoolDetail", "components": _nullable(document["components"])}
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    assert validator.is_valid(body), list(validator.iter_errors(body))[:3]
    for name in ("status", "opened_on", "closed_on", "predecessors", "successors"):
        assert name in document["components"]["schemas"]["SchoolDetail"]["required"]


def _nullable(schema):
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema says it (as Schemathesis reads the document)."""
    if isinstance(schema, list):
        return [_nullable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: _nullable(value) for key, value in schema.items() if key != "nullable"}
    if schema.get("nullable") and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    elif schema.get("nullable"):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted
