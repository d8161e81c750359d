"""The API's role rules for register changes (tests/api/test_auth.py sweeps the others): the SLA
team and admin only; without a token 401. Per-role answers on a real change: test_doors.py."""
from __future__ import annotations

import pytest

EXPECTED = {
    "api.list_register_changes": {"admin", "sla"},
    "api.apply_register_change": {"admin", "sla"},
}


def test_every_register_operation_declares_its_roles(app):
    seen = {rule.endpoint: set(app.view_functions[rule.endpoint].allowed_roles)
            for rule in app.url_map.iter_rules() if rule.endpoint in EXPECTED}
    assert seen == EXPECTED


@pytest.mark.parametrize("method,path", [("GET", "/api/v1/register-changes"),
                                         ("POST", "/api/v1/register-changes/1/apply")])
def test_no_token_is_401(client, method, path):
    response = client.open(path, method=method, json={})
    assert response.status_code == 401 and response.get_json()["error"]
