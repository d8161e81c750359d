"""GET /agreements, /agreements/{id}, its PDF, and POST /agreements/{id}/notice."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from contracts_app.extensions import db
from contracts_app.models import Agreement
from contracts_app.services import agreements as agreement_service
from contracts_app.services import price_lists
from contracts_app.services.census import census_for
from pricing.sla_year import SlaYear
from tests.agreements_fixtures import PRICES_2025, add_census
from tests.api.conftest import OTHER, OWN, assert_error

L = agreement_service.LineInput


def test_the_years_agreements_for_staff(world, api):
    body = api("GET", "/agreements?year=2025", "finance").get_json()
    assert (body["total"], body["page"], body["pages"]) == (2, 1, 1)
    first = body["items"][0]
    assert first["sla_year"] == "2025-26" and first["year"] == 2025 and first["status"] == "active"
    assert first["school_urn"] == OWN and first["party_name"] == "Allesley Primary School"
    assert first["annual_total"] == "2319.70"  # money as a string with two decimals
    assert (first["term_start"], first["term_end"]) == ("2025-04-01", "2026-03-31")
    assert first["notice"] is None and first["group_name"] is None
    assert api("GET", "/agreements?year=2025&status=draft", "sla").get_json()["items"] == []
    academies = api("GET", "/agreements?year=2025&customer_type=academy", "sla").get_json()["items"]
    assert [a["school_urn"] for a in academies] == [OTHER]
    assert api("GET", "/agreements?year=2026", "sla").get_json()["total"] == 0


def test_the_year_is_required_and_checked(world, api):
    body = assert_error(api("GET", "/agreements", "sla"), 400, "bad_request", mentions="year")
    assert body["fields"] == {"year": ["Missing data for required field."]}
    assert_error(api("GET", "/agreements?year=twenty", "sla"), 400, mentions="year")
    assert_error(api("GET", "/agreements?year=1999", "sla"), 400, mentions="year")
    assert_error(api("GET", "/agreements?year=2025&status=lapsed", "sla"), 400, mentions="status")


def test_a_school_sees_its_own_issued_agreements_only(world, api, make_school):
    agreement_service.create_draft(2026, school=world.own, from_catalogue=False)  # a draft is the council's
    body = api("GET", "/agreements?year=2025", "school").get_json()
    assert [a["school_urn"] for a in body["items"]] == [OWN] and body["total"] == 1
    assert api("GET", "/agreements?year=2026", "school").get_json()["items"] == []
    draft = db.session.scalar(db.select(Agreement).where(Agreement.sla_year == 2026))
    assert_error(api("GET", f"/agreements/{draft.id}", "school"), 404)
    assert api("GET", f"/agreements/{draft.id}", "sla").get_json()["status"] == "draft"


def test_one_agreement_with_its_lines_and_prices(world, api):
    body = api("GET", f"/agreements/{world.agreements[OWN]}", "school").get_json()
    assert body["id"] == world.agreements[OWN] and body["pupils"] == 412 and body["census_label"] == "2025-01"
    assert body["price_list_version"] == 1 and body["po_number"] == "PO-103700"
    lines = {line["service_code"]: line for line in body["lines"]}
    assert set(lines) == {"SIMS", "DPO", "AV", "WEB"}
    assert lines["SIMS"]["annual_price"] == "1277.20" and lines["SIMS"]["list"] == "subscribed"
    assert lines["SIMS"]["explanation"] == "412 pupils (January 2025 census) x £3.10 = £1,277.20"
    assert lines["AV"]["quantity"] == "30.00" and lines["AV"]["annual_price"] == "142.50"
    assert lines["WEB"]["list"] == "excluded" and lines["WEB"]["annual_price"] is None
    assert body["charges"] == []


def test_another_schools_agreement_is_404(world, api):
    assert_error(api("GET", f"/agreements/{world.agreements[OTHER]}", "school"), 404, mentions="agreement")
    assert_error(api("GET", f"/agreements/{world.agreements[OTHER]}/pdf", "school"), 404)
    assert_error(api("GET", "/agreements/99999", "admin"), 404)
    assert api("GET", f"/agreements/{world.agreements[OTHER]}", "other_school").status_code == 200


def test_the_filled_in_sla_as_pdf(world, api):
    response = api("GET", f"/agreements/{world.agreements[OWN]}/pdf", "school")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and "attachment" in response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Allesley Primary School" in text and "2025-26" in text
    assert api("GET", f"/agreements/{world.agreements[OTHER]}/pdf", "finance").status_code == 200


# -- notice of cancellation -------------------------------------------------------------------

@pytest.fixture
def live(world):
    """Active agreements for the SLA year running today (the 2025 ones may have ended)."""
    year = SlaYear.containing(date.today()).start_year
    if price_lists.published(year) is None:
        price_lists.import_price_list(PRICES_2025.encode(), year, "prices.csv")
        price_lists.publish(year, "test")
    ids = {}
    for school in (world.own, world.other):
        label = census_for(year, "january").label
        if label != "2025-01":
            add_census(school, label, 300)
        agreement = agreement_service.find(year, school=school)
        if agreement is None:
            agreement = agreement_service.create_draft(year, school=school, from_catalogue=False)
            agreement_service.set_lines(agreement, [L("SIMS", "subscribed")])
        if agreement.status == "draft":
            agreement_service.issue(agreement, "sla@test.example")
        db.session.commit()
        ids[school.urn] = agreement.id
    return ids


def test_a_school_gives_notice_on_its_own_agreement(world, live, api):
    today = date.today()
    response = api("POST", f"/agreements/{live[OWN]}/notice", "school",
                   json={"notice_date": today.isoformat(), "reason": "Moving to another provider"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["effective_date"] == (today + timedelta(days=90)).isoformat()  # §2.4 b
    assert body["status"] == "notice_given" and body["agreement_id"] == live[OWN]
    assert body["notice"]["given_by"] == "school" and body["notice"]["reason"] == "Moving to another provider"
    shown = api("GET", f"/agreements/{live[OWN]}", "school").get_json()
    assert shown["status"] == "notice_given" and shown["notice"]["effective_date"] == body["effective_date"]
    # Notice on an agreement already under notice is refused: a conflict with its state.
    again = api("POST", f"/agreements/{live[OWN]}/notice", "school", json={"notice_date": today.isoformat()})
    assert_error(again, 409, "conflict", mentions="notice")


def test_a_later_requested_date_wins_and_an_earlier_one_is_400(world, live, api):
    today = date.today()
    early = api("POST", f"/agreements/{live[OWN]}/notice", "school",
                json={"notice_date": today.isoformat(), "requested_date": (today + timedelta(days=30)).isoformat()})
    body = assert_error(early, 400, "bad_request", mentions="90 days")
    assert "requested_date" in body["fields"]
    later = (today + timedelta(days=120)).isoformat()
    response = api("POST", f"/agreements/{live[OWN]}/notice", "sla",
                   json={"notice_date": today.isoformat(), "requested_date": later, "given_by": "council"})
    assert response.status_code == 201 and response.get_json()["effective_date"] == later
    assert response.get_json()["notice"]["given_by"] == "council"


def test_notice_rules_by_role(world, live, api):
    today = date.today().isoformat()
    assert_error(api("POST", f"/agreements/{live[OTHER]}/notice", "school", json={"notice_date": today}), 404)
    assert_error(api("POST", f"/agreements/{live[OWN]}/notice", "finance", json={"notice_date": today}), 403)
    assert_error(api("POST", f"/agreements/{live[OWN]}/notice", "school",
                     json={"notice_date": today, "given_by": "council"}), 403, mentions="school")
    assert_error(api("POST", f"/agreements/{live[OWN]}/notice", "school",
                     json={"notice_date": today, "fundamental_breach": True}), 403)
    assert_error(api("POST", f"/agreements/{live[OWN]}/notice", "sla",
                     json={"notice_date": today, "fundamental_breach": True}), 400, mentions="council")
    breach = api("POST", f"/agreements/{live[OTHER]}/notice", "admin",
                 json={"notice_date": today, "fundamental_breach": True, "given_by": "council"})
    assert breach.status_code == 201 and breach.get_json()["effective_date"] == today  # §2.4 c


def test_notice_input_is_checked(world, live, api):
    url = f"/agreements/{live[OWN]}/notice"
    assert_error(api("POST", url, "school", json={}), 400, mentions="notice_date")
    assert_error(api("POST", url, "school", json={"notice_date": "31/05/2025"}), 400, mentions="notice_date")
    assert_error(api("POST", url, "school", json={"notice_date": "9999-12-31"}), 400, mentions="notice_date")
    assert_error(api("POST", url, "school", json={"notice_date": "2025-06-01", "colour": "red"}), 400,
                 mentions="colour")
    assert_error(api("POST", url, "school", json={"notice_date": "2025-06-01", "reason": "a\x00b"}), 400,
                 mentions="reason")
    assert_error(api("POST", url, "school", data="{not json", content_type="application/json"), 400)
    assert_error(api("POST", url, "school", json=["2025-06-01"]), 400)
    assert api("GET", f"/agreements/{live[OWN]}", "school").get_json()["status"] == "active"


def test_an_ended_agreement_takes_only_a_paper_notice_dated_within_its_term(world, api):
    """The 2025-26 term ends on 31 March 2026: a notice dated after it is bad input (§2.4 a);
    one received during it can still be entered by staff, but not by the school itself."""
    if date.today() <= date(2026, 3, 31):
        pytest.skip("the 2025-26 agreements are still running")
    url = f"/agreements/{world.agreements[OWN]}/notice"
    late = assert_error(api("POST", url, "sla", json={"notice_date": date.today().isoformat()}), 400,
                        mentions="within the agreement's term")
    assert "notice_date" in late["fields"]
    by_school = assert_error(api("POST", url, "school", json={"notice_date": "2025-12-01"}), 400, mentions="dated the day")
    assert list(by_school["fields"]) == ["notice_date"]
    paper = api("POST", url, "sla", json={"notice_date": "2025-12-01", "given_by": "school"})
    assert paper.status_code == 201, paper.get_json()
    body = paper.get_json()
    assert (body["status"], body["effective_date"], body["ends_on"]) == ("cancelled", "2026-03-01", "2026-03-01")
    assert body["outcome"] == "cancelled with effect from 1 March 2026"
    assert_error(api("POST", url, "sla", json={"notice_date": "2025-12-01"}), 409, "conflict")


def test_a_school_cannot_back_date_its_notice(world, live, api):
    """§2.4 a: a school's notice is dated the day it is given; an earlier date is 400 naming the field."""
    url = f"/agreements/{live[OWN]}/notice"
    for day in ("2026-01-15", (date.today() - timedelta(days=1)).isoformat()):
        body = assert_error(api("POST", url, "school", json={"notice_date": day}), 400, mentions="dated the day")
        assert list(body["fields"]) == ["notice_date"]
    assert api("GET", f"/agreements/{live[OWN]}", "school").get_json()["status"] == "active"
    future = (date.today() + timedelta(days=1)).isoformat()
    assert_error(api("POST", url, "sla", json={"notice_date": future}), 400, mentions="in the future")


def test_an_effective_date_after_the_term_ends_it_at_its_term_end(world, live, api):
    agreement = db.session.get(Agreement, live[OWN])
    after = agreement.term_end + timedelta(days=200)
    response = api("POST", f"/agreements/{live[OWN]}/notice", "school",
                   json={"notice_date": date.today().isoformat(), "requested_date": after.isoformat()})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["effective_date"] == after.isoformat() and body["ends_on"] == agreement.term_end.isoformat()
    assert "after the term: the agreement ends at its term end on" in body["outcome"]
    assert body["outcome"].endswith("and is not renewed")
    shown = api("GET", f"/agreements/{live[OWN]}", "sla").get_json()["notice"]
    assert shown["outcome"] == body["outcome"] and shown["ends_on"] == body["ends_on"]


# -- one-off charges (§2.5 e) -----------------------------------------------------------------

def test_staff_add_a_cancellation_charge(world, api):
    url = f"/agreements/{world.agreements[OWN]}/charges"
    response = api("POST", url, "finance", json={"description": "SIMS and FMS licence costs (§2.5 e)",
                                                  "amount": "350.00", "vat_code": "S"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["agreement_id"], body["amount"], body["vat_code"]) == (world.agreements[OWN], "350.00", "S")
    charges = api("GET", f"/agreements/{world.agreements[OWN]}", "sla").get_json()["charges"]
    assert [(c["description"], c["amount"]) for c in charges] == [("SIMS and FMS licence costs (§2.5 e)", "350.00")]


@pytest.mark.parametrize("body, field", [
    ({"description": "x", "amount": "1.005", "vat_code": "S"}, "amount"),
    ({"description": "x", "amount": 10, "vat_code": "S"}, "amount"),
    ({"description": "x", "amount": "10.00", "vat_code": "X"}, "vat_code"),
    ({"description": "  ", "amount": "10.00", "vat_code": "S"}, "description"),
    ({"description": "x" * 501, "amount": "10.00", "vat_code": "S"}, "description"),
    ({"amount": "10.00", "vat_code": "S"}, "description"),
])
def test_a_charge_is_checked_as_on_the_page(world, api, body, field):
    response = api("POST", f"/agreements/{world.agreements[OWN]}/charges", "sla", json=body)
    assert field in assert_error(response, 400, "bad_request")["fields"]
    assert api("GET", f"/agreements/{world.agreements[OWN]}", "sla").get_json()["charges"] == []


def test_charges_by_role(world, api):
    body = {"description": "x", "amount": "10.00", "vat_code": "S"}
    assert_error(api("POST", f"/agreements/{world.agreements[OWN]}/charges", "school", json=body), 403)
    assert_error(api("POST", "/agreements/999999/charges", "sla", json=body), 404)
