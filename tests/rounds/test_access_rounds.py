"""The access sweep for the round's pages only (tests/app/test_access.py sweeps every route; this
keeps the round's check runnable on its own)."""
from __future__ import annotations

import pytest

from tests.app.test_access import EXPECTED, ROLES, SCHOOL_SCOPED, routes, url_for_rule, world  # noqa: F401


def _ours(app):
    return [(rule, method) for rule, method in routes(app) if rule.endpoint.startswith("rounds.")]


@pytest.mark.parametrize("role", ROLES)
def test_round_pages_per_role(app, client, world, login, role):
    login(role, school=world["own"] if role == "school" else None)
    for rule, method in _ours(app):
        response = client.open(url_for_rule(rule, world, world["own"]), method=method)
        if role in EXPECTED[rule.endpoint]:
            assert response.status_code not in (401, 403, 404, 500), (role, rule.rule, response.status_code)
        else:
            assert response.status_code == 403, (role, rule.rule, response.status_code)


def test_another_schools_offer_is_404(app, client, world, login):
    login("school", school=world["own"])
    for rule, method in _ours(app):
        if rule.endpoint in SCHOOL_SCOPED:
            response = client.open(url_for_rule(rule, world, world["other"]), method=method)
            assert response.status_code == 404, (rule.rule, response.status_code)


def test_anonymous_goes_to_login(app, client, world):
    for rule, method in _ours(app):
        response = client.open(url_for_rule(rule, world, world["own"]), method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
