"""The API's role rules for the round's operations (tests/api/test_auth.py sweeps the others):
401 without a token, 403 for the wrong role, 404 for another school's offer."""
from __future__ import annotations

import pytest

ALL = {"admin", "sla", "finance", "school"}
WORKERS = {"admin", "sla", "school"}
EXPECTED = {
    "api.list_offers": ALL,
    "api.get_offer": ALL,
    "api.put_lines": WORKERS,
    "api.accept_offer": WORKERS,
    "api.decline_offer": WORKERS,
    "api.offer_document": ALL,
}
CALLS = {  # method, path, body that is refused (400) when the role is allowed
    "api.list_offers": ("GET", "/offers?year={year}", None),
    "api.get_offer": ("GET", "/offers/{id}", None),
    "api.put_lines": ("PUT", "/offers/{id}/lines", {}),
    "api.accept_offer": ("POST", "/offers/{id}/acceptance", {}),
    "api.decline_offer": ("POST", "/offers/{id}/decline", {}),
    "api.offer_document": ("GET", "/offers/{id}/document", None),
}


def test_every_round_operation_declares_its_roles(app):
    seen = {rule.endpoint: set(app.view_functions[rule.endpoint].allowed_roles)
            for rule in app.url_map.iter_rules() if rule.endpoint in EXPECTED}
    assert seen == EXPECTED and set(CALLS) == set(EXPECTED)


def _path(endpoint, world, school):
    from tests.rounds.conftest import NEXT

    return CALLS[endpoint][1].format(year=NEXT, id=world.offer(school).id)


@pytest.mark.parametrize("role", sorted(ALL))
def test_role_access(api, world, role):
    who = "school" if role == "school" else role
    for endpoint, (method, _, body) in CALLS.items():
        response = api(method, _path(endpoint, world, world.own), who, json=body)
        if role in EXPECTED[endpoint]:
            expected = 400 if body is not None else 200
            assert response.status_code == expected, (role, endpoint, response.status_code, response.get_json())
        else:
            assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


def test_no_token_is_401(client, world):
    for endpoint, (method, _, body) in CALLS.items():
        response = client.open(f"/api/v1{_path(endpoint, world, world.own)}", method=method, json=body)
        assert response.status_code == 401, endpoint


def test_another_schools_offer_is_404_on_every_operation(api, world):
    for endpoint, (method, _, body) in CALLS.items():
        if endpoint == "api.list_offers":
            continue
        valid = {"api.put_lines": {"lines": []}, "api.decline_offer": {"reason": "x"},
                 "api.accept_offer": {"name": "a", "job_title": "b", "authorised": True}}.get(endpoint)
        response = api(method, _path(endpoint, world, world.other), "school", json=valid)
        assert response.status_code == 404, (endpoint, response.status_code)
