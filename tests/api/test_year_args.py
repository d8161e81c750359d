"""Issue #15 item 8 at the API: every ``year`` argument is checked by the one bound
(pricing.sla_year.requested_year) and answered with the API's JSON 400, never a 500."""
from __future__ import annotations

import pytest

from tests.api.conftest import assert_error

ENDPOINTS = [("/agreements", "sla"), ("/invoices", "finance"), ("/price-lists", "finance")]


@pytest.mark.parametrize("path,who", ENDPOINTS)
@pytest.mark.parametrize("year,words", [("1", "from 2000 to 2100"), ("99999", "from 2000 to 2100"),
                                        ("2101", "from 2000 to 2100"), ("abc", "year")])
def test_a_mistyped_year_is_the_json_400(api, path, who, year, words):
    body = assert_error(api("GET", f"{path}?year={year}", who), 400, "bad_request", mentions=words)
    assert "year" in body["fields"]


@pytest.mark.parametrize("path,who", ENDPOINTS)
def test_the_bound_is_inclusive(api, path, who):
    for year in ("2000", "2100"):
        assert api("GET", f"{path}?year={year}", who).status_code == 200


def test_the_documented_range_is_the_bound(api):
    from pricing.sla_year import FIRST_YEAR, LAST_YEAR

    spec = api("GET", "/api/v1/openapi.json").get_json()
    year = next(p for p in spec["paths"]["/api/v1/agreements"]["get"]["parameters"] if p["name"] == "year")
    assert (year["schema"]["minimum"], year["schema"]["maximum"]) == (FIRST_YEAR, LAST_YEAR)
