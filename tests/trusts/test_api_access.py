"""The API's role rules for trusts (tests/api/test_auth.py sweeps the others): staff and school
users; what each role sees (a trust user only its own trust): test_doors.py."""
from __future__ import annotations

import pytest

EXPECTED = {
    "api.list_trusts": {"admin", "sla", "finance", "school"},
    "api.get_trust": {"admin", "sla", "finance", "school"},
    "api.get_trust_statement": {"admin", "sla", "finance", "school"},  # tests/trusts/test_statement_doors.py
    # A trust signatory; admin passes the role check and is then refused (403, tests/trusts/test_round.py).
    "api.trust_acceptance": {"admin", "school"},
}


def test_every_trust_operation_declares_its_roles(app):
    seen = {rule.endpoint: set(app.view_functions[rule.endpoint].allowed_roles)
            for rule in app.url_map.iter_rules() if rule.endpoint in EXPECTED}
    assert seen == EXPECTED


@pytest.mark.parametrize("path", ["/api/v1/trusts", "/api/v1/trusts/3104"])
def test_no_token_is_401(client, path):
    response = client.get(path)
    assert response.status_code == 401 and response.get_json()["error"]
