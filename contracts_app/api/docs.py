"""The OpenAPI document (/api/v1/openapi.json) and its documentation page (/api/v1/docs).

Both are public, like any published API reference: they describe the API and hold
no data. The page is rendered on the server from the generated document - no
Swagger UI or ReDoc from a CDN, no inline scripts or styles - so it works offline
and under the app's Content-Security-Policy.
"""
from __future__ import annotations

from apispec import APISpec, BasePlugin
from flask import Blueprint, Response, current_app, json, render_template

from contracts_app.api.blueprint import bp
from contracts_app.api.reference import reference


# gunicorn refuses a request line (method, path and query) over 4,094 bytes itself, with its own
# HTML page, before the API sees it: every operation can meet it, so the document says so.
URI_TOO_LONG = {"description": "The path and query are too long for the web server (over 4,094 bytes): its "
                               "own HTML page, before the API reads the request.",
                "content": {"text/html": {"schema": {"type": "string"}}}}


class FrontServerAnswers(BasePlugin):
    """An apispec plugin: what the web server in front answers goes in every operation (414)."""

    def init_spec(self, spec: APISpec) -> None:
        super().init_spec(spec)
        spec.components.response("URI_TOO_LONG", URI_TOO_LONG)

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: object) -> None:
        for operation in (operations or {}).values():
            operation.setdefault("responses", {})["414"] = "URI_TOO_LONG"


def spec_dict() -> dict:
    """The generated OpenAPI document as plain data."""
    return current_app.extensions["contracts_api"].spec.to_dict()


def openapi_json() -> Response:
    """The OpenAPI 3 document, generated from the routes and schemas."""
    return current_app.response_class(json.dumps(spec_dict(), indent=2, sort_keys=False),
                                      mimetype="application/json")


def docs() -> str:
    """The API reference page, built from the same document."""
    return render_template("api/docs.html", ref=reference(spec_dict()))


# Added as plain Flask rules (not flask-smorest's), so they stay out of the document they serve.
Blueprint.add_url_rule(bp, "/openapi.json", "openapi_json", openapi_json)
Blueprint.add_url_rule(bp, "/docs", "docs", docs)
