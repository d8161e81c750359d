"""Issue #16 items 7, 8, 9 and 12 on the API: other scripts' digits in ``q``, ids past the
database's integers, bodies past MAX_CONTENT_LENGTH, and a school's token on a withdrawn draft.
Run on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import pytest

from contracts_app.services import agreements as agreement_service
from tests.api.conftest import assert_error

BIG, OVER = "99999999999", str(2**31)


@pytest.mark.parametrize("path", ["/schools", "/invoices", "/agreements?year=2025"])
@pytest.mark.parametrize("term", ["²", "١٢٣", BIG])
def test_lists_search_unicode_digits_and_huge_numbers_as_text(api, path, term):
    joiner = "&" if "?" in path else "?"
    response = api("GET", f"{path}{joiner}q={term}", "sla" if "agreements" in path else "finance")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["total"] == 0


@pytest.mark.parametrize("number", [BIG, OVER])
@pytest.mark.parametrize("path", ["/schools/{}", "/agreements/{}", "/agreements/{}/pdf"])
def test_ids_past_the_integer_columns_are_404(api, path, number):
    assert_error(api("GET", path.format(number), "admin"), 404, "not_found")


@pytest.mark.parametrize("number", [BIG, OVER])
def test_post_routes_with_huge_ids_are_404(api, number):
    response = api("POST", f"/agreements/{number}/notice", "sla", json={})
    assert_error(response, 404, "not_found")


def test_a_body_past_the_limit_is_a_json_413(app, api, world):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    number = world.invoices[world.own.urn]
    response = api("POST", f"/invoices/{number}/payments", "finance",
                   json={"amount": "1.00", "paid_on": "2025-05-01", "reference": "x" * 4096})
    body = assert_error(response, 413, "too_large")
    assert "at most" in body["detail"] and "MB" in body["detail"]


def test_a_school_token_cannot_read_a_withdrawn_draft(api, world):
    draft = agreement_service.create_draft(2026, school=world.own)
    staff = api("GET", f"/agreements/{draft.id}", "sla")
    assert staff.status_code == 200
    assert_error(api("GET", f"/agreements/{draft.id}", "school"), 404)  # a draft is the council's copy
    agreement_service.withdraw_draft(draft)
    assert api("GET", f"/agreements/{draft.id}", "sla").get_json()["status"] == "cancelled"
    assert_error(api("GET", f"/agreements/{draft.id}", "school"), 404)
    assert_error(api("GET", f"/agreements/{draft.id}/pdf", "school"), 404)
    listed = api("GET", "/agreements?year=2026", "school").get_json()
    assert draft.id not in [item["id"] for item in listed["items"]]
    # The school's own issued agreement is still there: the 404 is the rule, not a broken route.
    assert api("GET", f"/agreements/{world.agreements[world.own.urn]}", "school").status_code == 200
