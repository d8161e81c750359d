"""API errors: always JSON ``{"error": ..., "detail": ...}`` with the right status.

The web pages answer errors with HTML pages (registered on the app); the API's
blueprint registers its own handlers, which Flask prefers for errors raised in
its views, and ``json_routing_errors`` covers unknown paths under /api/v1, which
no blueprint owns.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, default_exceptions

from pricing.errors import ActionRefused

from contracts_app.services.bounds import too_large_message
from contracts_app.services.transactions import discard_changes

PREFIX = "/api/v1"

# A short, stable code per status for clients to branch on; "detail" is for people.
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 500: "internal_error",
         501: "not_implemented"}


class ApiError(Exception):
    """An error the API answers with: status, short code and a sentence for people."""

    def __init__(self, status: int, detail: str, *, error: str | None = None,
                 fields: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.error = error or CODES.get(status, "error")
        self.detail = detail
        self.fields = fields
        self.headers = headers or {}


def not_found(detail: str) -> ApiError:
    """The 404 error for a thing that does not exist (or is another school's)."""
    return ApiError(404, detail)


def error_response(status: int, detail: str, *, error: str | None = None,
                   fields: dict[str, list[str]] | None = None, headers: dict | None = None) -> Response:
    """The JSON error body with its status and headers."""
    body: dict = {"error": error or CODES.get(status, "error"), "detail": detail}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages: object, path: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow messages ({"json": {"amount": ["..."]}}) -> {"amount": ["..."]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if not path else f"{path}.{key}"
            if path == "" and key in ("json", "query", "querystring", "form", "headers", "view_args"):
                name = ""  # the location is not part of the field's name
            if key == "_schema":
                name = path or "body"
            flat.update(_flatten(value, name))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            flat.setdefault(path or "body", []).extend(messages)
        else:
            for message in messages:
                flat.update(_flatten(message, path))
    else:
        flat.setdefault(path or "body", []).append(str(messages))
    return flat


def _handle_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.detail, error=exc.error, fields=exc.fields, headers=exc.headers)


def _handle_refused(exc: ActionRefused) -> Response:
    # The rules refused the action: nothing changed, and the state it met is why (409).
    discard_changes()
    return error_response(409, exc.message)


def _handle_http(exc: HTTPException) -> Response:
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages is not None:  # webargs validation: name each field and why
        fields = _flatten(messages)
        detail = "; ".join(f"{name}: {' '.join(reasons)}" for name, reasons in fields.items())
        return error_response(400, detail or "the request is not valid", fields=fields)
    code = exc.code or 500
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    if code >= 500:
        discard_changes()
    if code == 413:
        return error_response(413, too_large_message(current_app.config["MAX_CONTENT_LENGTH"]))
    return error_response(code, exc.description or exc.name, headers=headers)


def register(bp: Blueprint) -> None:
    """JSON errors for everything raised in the API's views (and its before_request)."""
    bp.register_error_handler(ApiError, _handle_api_error)
    bp.register_error_handler(ActionRefused, _handle_refused)
    # By status code: the app's HTML handlers are registered per code, and Flask looks
    # handlers up code first, so a class-wide HTTPException handler would lose to them.
    for code in default_exceptions:
        bp.register_error_handler(code, _handle_http)
    bp.register_error_handler(HTTPException, _handle_http)


def install_routing_errors(app: Flask) -> None:
    """Unknown paths and methods under /api/v1 answer JSON too (they belong to no blueprint).

    Registered before the app's login gate, so an unknown API path is a 404, never a
    redirect to the login page.
    """

    @app.before_request
    def json_routing_errors() -> Response | None:
        """A JSON 404 or 405 for a path or method under /api/v1 that no route has."""
        exc = request.routing_exception
        if exc is None or not (request.path == PREFIX or request.path.startswith(PREFIX + "/")):
            return None
        if isinstance(exc, MethodNotAllowed):
            return error_response(405, f"{request.method} is not allowed on {request.path}",
                                  headers={"Allow": ", ".join(exc.valid_methods or ())})
        if isinstance(exc, NotFound):
            return error_response(404, f"there is nothing at {request.path}")
        return None  # e.g. a redirect to the canonical URL
