"""Bearer tokens and the role rules: 401 without a valid token, 403 for the wrong role,
JSON errors everywhere under /api/v1, never the login page or a CSRF refusal."""
from __future__ import annotations

import re

import pytest

from contracts_app.extensions import db
from contracts_app.services.users import revoke_tokens
from tests.api.conftest import OTHER, OWN, assert_error
from tests.conftest import PASSWORD
from tests.rounds.test_api_access import EXPECTED as ROUNDS  # swept there, on a world with a round
from tests.jobs.test_api_access import EXPECTED as JOBS  # swept there, per kind of job
from tests.register.test_api_access import EXPECTED as REGISTER  # there and in tests/register/test_doors.py
from tests.trusts.test_api_access import EXPECTED as TRUSTS  # there and in tests/trusts/test_doors.py

ALL = {"admin", "sla", "finance", "school"}
# The intended access of every API operation (as on the pages). A new API route must be
# added here, or the completeness test fails.
EXPECTED = {
    "api.list_schools": ALL,
    "api.get_school": ALL,
    "api.list_agreements": ALL,
    "api.get_agreement": ALL,
    "api.agreement_pdf": ALL,
    "api.give_notice": {"admin", "sla", "school"},
    "api.add_charge": {"admin", "sla", "finance"},
    "api.reissue": {"admin", "sla"},  # issue #31; tests/app/test_reissue.py
    "api.list_invoices": ALL,
    "api.get_invoice": ALL,
    "api.get_invoice_pdf": ALL,
    "api.get_invoice_ubl": ALL,
    "api.record_payment": {"admin", "finance"},
    "api.list_payments": {"admin", "finance"},
    "api.reverse_payment": {"admin", "finance"},
    "api.list_price_lists": {"admin", "sla", "finance"},
    "api.get_price_list": {"admin", "sla", "finance"},
    "api.copy_price_list": {"admin", "sla"},  # issue #30; tests/api/test_price_copy_api.py
    **ROUNDS,
    **JOBS,
    **REGISTER,
    **TRUSTS,
}
PUBLIC = {"api.openapi_json", "api.docs"}


def api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in PUBLIC and rule.endpoint not in ROUNDS \
                and rule.endpoint not in JOBS and rule.endpoint not in REGISTER and rule.endpoint not in TRUSTS:
            yield rule, ("POST" if "POST" in rule.methods else "GET")


def url(rule, world, urn: int = OWN) -> str:
    values = {"urn": urn, "agreement_id": world.agreements[urn], "number": world.invoices[urn], "year": 2025,
              "payment_id": 1}  # an empty body is refused (400) before the payment is looked up
    path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)
    return path + ("?year=2025" if rule.rule in ("/api/v1/agreements", "/api/v1/price-lists") else "")


def test_every_api_route_declares_the_expected_roles(app):
    seen = {}
    for rule, _ in api_rules(app):
        seen[rule.endpoint] = set(app.view_functions[rule.endpoint].allowed_roles)
    assert seen == {endpoint: roles for endpoint, roles in EXPECTED.items()
                    if endpoint not in ROUNDS.keys() | JOBS.keys() | REGISTER.keys() | TRUSTS.keys()}


def test_no_token_is_401_json_on_every_route(app, client, world):
    for rule, method in api_rules(app):
        response = client.open(url(rule, world), method=method, json={})
        body = assert_error(response, 401, "unauthorized", mentions="Bearer")
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), rule
        assert "login" not in body["detail"]


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic YWRtaW46cGFzcw==", "bearer",
                                   "Bearer " + "x" * 500, "Token sla_abc"])
def test_a_bad_token_is_401(world, client, header):
    response = client.get("/api/v1/schools", headers={"Authorization": header})
    assert_error(response, 401, "unauthorized")


def test_a_revoked_token_is_401(world, api):
    assert api("GET", "/schools", "sla").status_code == 200
    revoke_tokens(world.users["sla"])
    assert_error(api("GET", "/schools", "sla"), 401, mentions="revoked")


def test_a_deactivated_users_token_is_401(world, api):
    world.users["finance"].active = False
    db.session.commit()
    assert_error(api("GET", "/invoices", "finance"), 401)


def test_the_scheme_is_case_insensitive_and_no_session_is_made(world, client):
    response = client.get("/api/v1/schools", headers={"Authorization": f"bearer {world.tokens['sla']}"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_browser_session_is_not_enough(world, client):
    """The API is exempt from CSRF, so it must never act on a session cookie."""
    response = client.post("/login", data={"email": world.users["admin"].email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/schools/").status_code == 200
    assert_error(client.get("/api/v1/schools"), 401)


@pytest.mark.parametrize("role", sorted(ALL))
def test_role_access(app, world, api, role):
    for rule, method in api_rules(app):
        response = api(method, url(rule, world), role, json={})
        if role in EXPECTED[rule.endpoint]:
            expected = (400,) if method == "POST" else (200,)  # an empty body is bad input
            if rule.endpoint == "api.reissue":  # takes no body: it acts, or says why not (409)
                expected = (200, 409)
            assert response.status_code in expected, (role, rule.rule, response.status_code, response.get_json())
        else:
            assert_error(response, 403, "forbidden", mentions="role")


def test_a_school_gets_404_for_another_schools_data(app, world, api):
    for rule, method in api_rules(app):
        if not any(name in rule.rule for name in ("urn", "agreement_id", "number")) or method == "POST" \
                and "school" not in EXPECTED[rule.endpoint]:
            continue
        response = api(method, url(rule, world, OTHER), "school", json={"notice_date": "2025-06-01"})
        assert_error(response, 404, "not_found")
        # ... and the other school's own user reads it.
        if method == "GET":
            assert api(method, url(rule, world, OTHER), "other_school").status_code == 200, rule.rule


def test_the_api_is_exempt_from_csrf_but_the_pages_are_not(app_config, world):
    from contracts_app import create_app

    protected = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    try:
        client = protected.test_client()
        response = client.post(f"/api/v1/invoices/{world.invoices[OWN]}/payments",
                               headers={"Authorization": f"Bearer {world.tokens['finance']}"},
                               json={"amount": "10.00", "paid_on": "2025-05-01", "reference": "BACS 1"})
        assert response.status_code == 201, response.get_json()
        client.post("/login", data={"email": world.users["finance"].email, "password": PASSWORD})
        assert client.post(f"/invoices/{world.invoices[OWN]}/payments", data={"amount": "1.00"}).status_code == 400
    finally:
        with protected.app_context():
            from contracts_app.extensions import db as protected_db

            protected_db.session.remove()
            protected_db.engine.dispose()


def test_unknown_paths_and_methods_answer_json(world, client, api):
    assert_error(client.get("/api/v1/nowhere"), 404, "not_found")
    assert_error(api("GET", "/schools/1/nothing", "sla"), 404)
    response = api("DELETE", "/schools", "sla")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert_error(api("GET", f"/invoices/{world.invoices[OWN]}/payments", "finance"), 405)
    # The pages keep their HTML errors.
    assert client.get("/nowhere").mimetype == "text/html"


def test_a_wrong_role_is_403_before_the_input_is_read(world, api):
    response = api("POST", f"/invoices/{world.invoices[OWN]}/payments", "sla", data="not json",
                   content_type="application/json")
    assert_error(response, 403)
