"""Suggestions for the pickers (issue #30): up to ten matches for what has been typed, as JSON
``[{"value": ..., "label": ...}]``. Staff only; each answers only what its role may already list."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from contracts_app.access import roles_required
from contracts_app.services import schools as schools_service
from contracts_app.services.invoicing import listing as invoice_listing
from contracts_app.services.register import trusts as trusts_service

bp = Blueprint("pickers", __name__, url_prefix="/suggest")
SHOWN = 10


def _typed() -> str:
    return request.args.get("q", "").strip()[:100]


@bp.route("/schools")
@roles_required("sla", "finance")
def schools() -> ResponseReturnValue:
    """Schools by part of a name, a URN or a postcode's start."""
    q = _typed()
    found = schools_service.search(q, per_page=SHOWN).items if len(q) >= 2 else []
    return jsonify([{"value": str(s.urn), "label": f"{s.name}, {s.postcode or s.la_name} ({s.urn})"}
                    for s in found])


@bp.route("/invoices")
@roles_required("sla", "finance")
def invoices() -> ResponseReturnValue:
    """Invoices and credit notes by number or the school's name or URN, newest first."""
    q = _typed()
    found = invoice_listing.suggest(q, SHOWN) if len(q) >= 2 else []
    return jsonify([{"value": i.number, "label": f"{i.number}: {i.customer_name}, £{i.gross:,.2f}"} for i in found])


@bp.route("/trusts")
@roles_required("sla", "finance")
def trusts() -> ResponseReturnValue:
    """Trusts by part of a name or their GIAS code."""
    q = _typed()
    found = trusts_service.search(q, per_page=SHOWN).items if len(q) >= 2 else []
    return jsonify([{"value": t.code, "label": f"{t.name} ({t.code})"} for t in found])
