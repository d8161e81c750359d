"""GET /trusts and /trusts/{code} (issue #29): trusts with their academies and balances; POST
/trusts/{code}/acceptance: a trust signatory accepts academies' offers in one step. A trust user
sees its own trust only; another trust, or any trust to a user of one school, is 404."""
from __future__ import annotations

from datetime import date

from flask import request
from flask_login import current_user

from contracts_app.api.auth import allow, school_user
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import ApiError, not_found
from contracts_app.api.schemas.common import page_dict
from contracts_app.api.schemas.trusts import (
    TrustAcceptanceRequestSchema,
    TrustAcceptanceResultSchema,
    TrustArgs,
    TrustDetailSchema,
    TrustPageSchema,
)
from contracts_app.models import Trust
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.register import trusts as trusts_service
from contracts_app.services.rounds import acceptance as accepting, trust as trust_round

TAGS = ["Trusts"]


def _own_trust_ids() -> set[int] | None:
    """A school user's trust (none for a user of one school or group); None for staff, who see all."""
    if not school_user():
        return None
    return {current_user.trust_id} if current_user.trust_id else set()


def trust_dict(trust: Trust, today: date) -> dict:
    """A trust with today's academies, as the list shows it."""
    return {"code": trust.code, "name": trust.name, "billing": trust.billing,
            "academies": [{"urn": s.urn, "name": s.name} for s in trusts_service.academies(trust, today)]}


@bp.route("/trusts", tags=TAGS)
@allow("sla", "finance", "school")
@bp.arguments(TrustArgs, location="query")
@bp.response(200, TrustPageSchema)
def list_trusts(args: dict) -> dict:
    """List the trusts

    By name, a page at a time, each with its billing setting and today's academies. A
    trust user sees its own trust only; a user of one school sees none.
    """
    result = trusts_service.search(args.get("q", ""), args["page"], args["per_page"], trust_ids=_own_trust_ids())
    today = date.today()
    return page_dict(result, [trust_dict(t, today) for t in result.items])


def known_trust(code: str, own_only: bool = False) -> Trust:
    """The trust with this GIAS code, or 404 naming the code; ``own_only``: also 404 when it is not
    the trust user's own (the one answer for every door's ``trust`` argument and path)."""
    trust = trusts_service.by_code(code)
    ids = _own_trust_ids() if own_only else None
    if trust is None or (ids is not None and trust.id not in ids):
        raise not_found(f"no trust with code {code}")
    return trust


def _trust(code: str) -> Trust:
    """The trust, or 404 when there is none or it is not the trust user's own."""
    return known_trust(code, own_only=True)


@bp.route("/trusts/<string(maxlength=20):code>", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, TrustDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_trust(code: str) -> dict:
    """One trust by GIAS code

    Its academies today, every membership with its dates (past ones kept), and the
    balance of each academy's invoices issued while a member, with the trust's total.
    Another trust is 404 to a trust user.
    """
    trust = _trust(code)
    today = date.today()
    view = trusts_service.trust_view(trust, today)
    return {**trust_dict(trust, today), "companies_house_number": trust.companies_house_number,
            "address": trust.address,
            "memberships": [{"urn": m.school.urn, "name": m.school.name, "joined_on": m.joined_on,
                             "left_on": m.left_on, "source": m.source} for m in trust.memberships],
            "balances": [{"urn": m.school.urn, "name": m.school.name, "balance": view.balances.get(m.school_id)}
                         for m in view.current],
            "balance": view.total}


@bp.route("/trusts/<string(maxlength=20):code>/acceptance", methods=["POST"], tags=TAGS)
@allow("school")
@bp.arguments(TrustAcceptanceRequestSchema)
@bp.response(201, TrustAcceptanceResultSchema, description="Accepted: each academy's agreement made from its basket.")
@bp.alt_response(200, schema=TrustAcceptanceResultSchema, description="Every basket was accepted already.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def trust_acceptance(args: dict, code: str) -> tuple[dict, int]:
    """Accept academies' offers for the trust (a trust signatory)

    One acceptance per academy, exactly as the academy's own signatory would make it (its own
    PDF and SHA-256; its agreement follows it), all or nothing: if one offer cannot be accepted
    (the round closed, not an academy of the trust, cannot be priced...) nothing is recorded and
    the answer names the academy and the offer (409). A trust user who is not a signatory gets
    403; another trust is 404. An academy already accepted with this basket is listed with
    ``repeated`` true.
    """
    trust = _trust(code)
    ask = accepting.AcceptanceRequest(args["name"], args["job_title"], args["authorised"], None,
                                      request.remote_addr or "", request.headers.get("User-Agent", ""))
    try:
        made = trust_round.accept_for_trust(trust, args["offer_ids"], current_user, ask)
    except accepting.NotSignatory as exc:
        raise ApiError(403, exc.message) from None
    except InputRefused as exc:
        raise ApiError(400, exc.message, fields={exc.field: [exc.message]}) from None
    return {"acceptances": [{"offer_id": m.offer_id, "agreement_id": m.acceptance.agreement_id,
                             "document_sha256": m.acceptance.document_sha256, "acceptance_id": m.acceptance.id,
                             "repeated": not m.created} for m in made]}, \
        201 if any(m.created for m in made) else 200
