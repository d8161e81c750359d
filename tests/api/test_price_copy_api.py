"""POST /api/v1/price-lists/copy (issue #30): next year's draft, uplifted, as the command and page make it."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import PriceList
from contracts_app.services import price_lists
from tests.api.conftest import assert_error


def lists_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PriceList))


def test_the_sla_team_copies_with_an_uplift_and_an_override(world, api):
    response = api("POST", "/price-lists/copy", "sla",
                   json={"from_year": 2025, "to_year": 2026, "uplift": "3.5", "overrides": {"SIMS": "0"}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["year"], body["version"], body["status"]) == (2026, 1, "draft")
    old = {(e.service_code, e.customer_type): e for e in price_lists.published(2025).entries}
    for entry in price_lists.draft(2026).entries:
        before = old[(entry.service_code, entry.customer_type)]
        factor = Decimal(1) if entry.service_code == "SIMS" else Decimal("1.035")
        for column in ("amount", "rate", "minimum", "maximum"):
            value = getattr(before, column)
            assert getattr(entry, column) == (None if value is None else (value * factor).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP)), (entry.name, column)
    assert len(body["entries"]) == len(price_lists.published(2025).entries)


@pytest.mark.parametrize("body, status, words", [
    ({"from_year": 2025, "to_year": 2025, "uplift": "3"}, 409, "already has a price list: 2025-26 price list v1 (published)"),
    ({"from_year": 2024, "to_year": 2026, "uplift": "3"}, 404, "the 2024-25 price list is not published"),
    ({"from_year": 2025, "to_year": 2026, "uplift": "x"}, 400, "uplift"),
    ({"from_year": 2025, "to_year": 2026, "uplift": "101"}, 400, "uplift"),
    ({"from_year": 2025, "to_year": 2026, "uplift": "1", "overrides": {"NOPE": "0"}}, 409,
     "override for NOPE: no such service code in 2025-26 price list v1"),
    ({"from_year": 2025, "to_year": 2026, "uplift": "1", "overrides": {"DPO": "lots"}}, 400, "overrides"),
    ({"from_year": 2025, "to_year": 2026}, 400, ""),
])
def test_refusals_are_json_and_change_nothing(world, api, body, status, words):
    before = lists_count()
    assert_error(api("POST", "/price-lists/copy", "sla", json=body), status, mentions=words)
    assert lists_count() == before


@pytest.mark.parametrize("role", ["finance", "school"])
def test_other_roles_are_forbidden(world, api, role):
    assert_error(api("POST", "/price-lists/copy", role,
                     json={"from_year": 2025, "to_year": 2026, "uplift": "3"}), 403, "forbidden")
    assert price_lists.latest(2026) is None
