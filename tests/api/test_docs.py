"""The OpenAPI document generated from the code, and its documentation page (no CDN)."""
from __future__ import annotations

import re

from tests.api.test_auth import EXPECTED


def spec_of(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule)


def test_the_document_covers_every_api_route(app, client):
    spec = spec_of(client)  # public, like any published API reference: no token needed
    assert spec["openapi"].startswith("3.") and spec["info"]["title"]
    documented = {(path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXPECTED:
            routes |= {(openapi_path(rule.rule), m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routes
    for path in ("/api/v1/schools", "/api/v1/schools/{urn}", "/api/v1/agreements", "/api/v1/agreements/{agreement_id}",
                 "/api/v1/agreements/{agreement_id}/pdf", "/api/v1/invoices", "/api/v1/invoices/{number}",
                 "/api/v1/invoices/{number}/pdf"):
        assert path in spec["paths"], path  # DESIGN §4's paths at least


def test_bearer_security_and_error_responses(client):
    spec = spec_of(client)
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearerAuth"][
            "description"]}
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["schemas"]["Error"]["required"] == ["detail", "error"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert "401" in op["responses"], (path, method)
            assert "422" not in op["responses"], (path, method)  # bad input is 400
            assert op["operationId"] and op["tags"] and op["summary"] and op["x-roles"]
    payment = spec["components"]["schemas"]["PaymentRequest"]["properties"]["amount"]
    assert payment["type"] == "string" and payment["pattern"]  # money as text, never a number
    invoice = spec["components"]["schemas"]["Invoice"]["properties"]
    assert {invoice[name]["type"] for name in ("invoice_net", "invoice_vat", "invoice_gross", "outstanding")} == {
        "string"}


def test_the_documentation_page_works_offline(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<script" not in html and " style=" not in html and "<style" not in html  # the app's CSP
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from another host
    for path in spec_of(client)["paths"]:
        assert path in html, path
    for words in ("Bearer", "users token", "invoice_number", "Record a payment received", "PaymentRequest"):
        assert words in html, words
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
