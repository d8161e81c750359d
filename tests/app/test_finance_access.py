"""Issue #20's routes for every role (the sweep of test_access.py, narrowed to them so it
reads on its own): the wrong role gets 403, another school's statement is 404."""
from __future__ import annotations

import pytest

from tests.app.access_areas import finance
from tests.app.test_access import ROLES, routes, url_for_rule, world  # noqa: F401 - world is a fixture


def _mine(app):
    return [(rule, method) for rule, method in routes(app) if rule.endpoint in finance.EXPECTED]


def test_every_route_of_the_area_is_there(app):
    assert {rule.endpoint for rule, _ in _mine(app)} == set(finance.EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_role_access(app, client, world, login, role):  # noqa: F811
    login(role, school=world["own"] if role == "school" else None)
    for rule, method in _mine(app):
        url = url_for_rule(rule, world, world["own"])
        response = client.open(url, method=method)
        if role in finance.EXPECTED[rule.endpoint]:
            assert response.status_code not in (401, 403, 404, 500), (role, url, response.status_code)
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def test_anonymous_is_sent_to_login(app, client, world):  # noqa: F811
    for rule, method in _mine(app):
        response = client.open(url_for_rule(rule, world, world["own"]), method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_school_user_gets_404_for_another_schools_statement(app, client, world, login):  # noqa: F811
    login("school", school=world["own"])
    for rule, method in _mine(app):
        if rule.endpoint in finance.SCHOOL_SCOPED:
            response = client.open(url_for_rule(rule, world, world["other"]), method=method)
            assert response.status_code == 404, rule.rule
