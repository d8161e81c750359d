"""Health answers for load balancers and operators (issue #33): no login, JSON, nothing revealed
beyond which check failed. Never cached: each answer is about now."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from contracts_app.services import health

bp = Blueprint("health", __name__)


def _answer(body: dict, status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and answering."""
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz() -> Response:
    """Ready to serve: database reachable, schema at the migrations' head, queue reachable,
    results store writable. 503 naming the failed checks otherwise."""
    result = health.readiness()
    if result.ready:
        return _answer({"status": "ready"}, 200)
    return _answer({"status": "not ready", "failed": list(result.failed)}, 503)
