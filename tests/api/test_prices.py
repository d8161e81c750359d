"""GET /price-lists?year=Y and /price-lists/{year}."""
from __future__ import annotations

from contracts_app.services import price_lists
from tests.agreements_fixtures import PRICES_2026
from tests.api.conftest import assert_error


def test_every_version_of_a_year(world, api):
    price_lists.new_version(2025)
    body = api("GET", "/price-lists?year=2025", "finance").get_json()
    assert [(p["version"], p["status"]) for p in body["items"]] == [(2, "draft"), (1, "published")]
    published = body["items"][-1]
    assert published["sla_year"] == "2025-26" and published["census_basis"] == "january"
    entries = {(e["service_code"], e["customer_type"]): e for e in published["entries"]}
    assert entries[("SIMS", "all")]["rate"] == "3.10" and entries[("SIMS", "all")]["minimum"] == "950.00"
    assert entries[("SIMS", "all")]["amount"] is None and entries[("SIMS", "all")]["model"] == "per_pupil"
    assert entries[("DPO", "all")]["amount"] == "900.00" and entries[("DPO", "all")]["vat_code"] == "E"
    assert entries[("ADMIN", "maintained")]["bands"] == "0-100:1200;101-250:1800;251-:2600"
    assert api("GET", "/price-lists?year=2030", "sla").get_json() == {"items": []}


def test_the_published_list_of_a_year(world, api):
    body = api("GET", "/price-lists/2025", "sla").get_json()
    assert (body["version"], body["status"], body["year"]) == (1, "published", 2025)
    assert api("GET", "/price-lists/2025?version=1", "sla").get_json()["version"] == 1
    assert_error(api("GET", "/price-lists/2025?version=9", "sla"), 404, mentions="version 9")
    assert_error(api("GET", "/price-lists/2031", "admin"), 404, mentions="2031-32")
    price_lists.import_price_list(PRICES_2026.encode(), 2026, "prices.csv")  # a draft only
    assert_error(api("GET", "/price-lists/2026", "finance"), 404, mentions="not published")
    draft = api("GET", "/price-lists/2026?version=1", "finance").get_json()
    assert draft["status"] == "draft"


def test_price_lists_are_for_staff_and_need_a_year(world, api):
    assert_error(api("GET", "/price-lists?year=2025", "school"), 403, "forbidden")
    assert_error(api("GET", "/price-lists/2025", "school"), 403)
    assert_error(api("GET", "/price-lists", "sla"), 400, mentions="year")
    assert_error(api("GET", "/price-lists/1999", "sla"), 404)
