"""Issue #30: pickers instead of typed ids. Suggestions as JSON for staff; a school field that takes the
suggestion chosen, a typed URN or a pasted "URN name", and names what is wrong otherwise."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest
from tests.agreements_fixtures import build_priced_world


@pytest.fixture
def register(app, make_school):
    build_priced_world(2025)
    make_school(urn=103700, name="Allesley Primary School", postcode="CV5 9FY")
    make_school(urn=103701, name="Allesley Park Infant", postcode="CV5 9GA")
    make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter", postcode="CV6 1AA")


def test_school_suggestions_match_a_name_a_urn_or_a_postcode(register, client, login):
    login("sla")
    by_name = client.get("/suggest/schools?q=allesley").get_json()
    assert by_name == [{"value": "103701", "label": "Allesley Park Infant, CV5 9GA (103701)"},
                       {"value": "103700", "label": "Allesley Primary School, CV5 9FY (103700)"}]
    assert [s["value"] for s in client.get("/suggest/schools?q=140001").get_json()] == ["140001"]
    assert [s["value"] for s in client.get("/suggest/schools?q=cv6").get_json()] == ["140001"]
    assert client.get("/suggest/schools?q=a").get_json() == []  # one letter: too little to look for
    assert client.get("/suggest/schools?q=" + "x" * 5000).status_code == 200


def test_invoice_and_trust_suggestions(register, client, login):
    from contracts_app.services.invoicing import runs as invoice_run
    from tests.agreements_fixtures import add_census, issue_agreement
    from tests.app.test_invoice_lists import LINES
    from contracts_app.models import School, Trust

    school = db.session.scalar(select(School).where(School.urn == 103700))
    add_census(school, "2025-01", 412)
    issue_agreement(LINES, school=school)
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    login("finance")
    found = client.get("/suggest/invoices?q=allesley").get_json()
    assert found == [{"value": "INV-2025-000001", "label": "INV-2025-000001: Allesley Primary School, £2,432.64"}]
    assert client.get("/suggest/invoices?q=2025-0000").get_json() == found
    db.session.add(Trust(code="3104", name="Spires Learning Trust", name_lower="spires learning trust"))
    db.session.commit()
    assert client.get("/suggest/trusts?q=spires").get_json() == [{"value": "3104",
                                                                  "label": "Spires Learning Trust (3104)"}]
    assert client.get("/suggest/trusts?q=3104").get_json() == client.get("/suggest/trusts?q=spires").get_json()


def test_a_new_request_takes_a_pasted_urn_and_name_and_refuses_a_name_alone(register, client, login):
    login("sla")
    form = {"reference": "SR1", "kind": "project", "description": "Set up 30 Chromebooks"}
    refused = client.post("/adhoc/new", data={**form, "urn": "Allesley Primary School"})
    assert refused.status_code == 200
    assert "choose a school from the list, or type its URN (not &#39;Allesley Primary School&#39;)" in \
        refused.get_data(as_text=True)
    assert db.session.scalar(select(AdHocRequest)) is None
    made = client.post("/adhoc/new", data={**form, "urn": "103700 Allesley Primary School"})
    assert made.status_code == 302
    assert db.session.scalar(select(AdHocRequest)).school.urn == 103700


def test_the_picker_field_names_its_suggestions_and_works_as_a_plain_field(register, client, login):
    login("sla")
    html = client.get("/adhoc/new?urn=103700").get_data(as_text=True)
    assert 'data-suggest="/suggest/schools"' in html and 'value="103700"' in html
    assert 'src="/static/picker.js"' in html
    assert "picker.js" not in client.get("/adhoc/").get_data(as_text=True)  # only where a picker is
