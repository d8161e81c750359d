"""GET /trusts and /trusts/{code} (issue #29): trusts with their academies and balances. A trust
user sees its own trust only; another trust, or any trust to a user of one school, is 404."""
from __future__ import annotations

from datetime import date

from flask_login import current_user

from contracts_app.api.auth import allow, school_user
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import not_found
from contracts_app.api.schemas.common import page_dict
from contracts_app.api.schemas.trusts import TrustArgs, TrustDetailSchema, TrustPageSchema
from contracts_app.models import Trust
from contracts_app.services.register import trusts as trusts_service

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
    trust = trusts_service.by_code(code)
    ids = _own_trust_ids()
    if trust is None or (ids is not None and trust.id not in ids):
        raise not_found(f"no trust with code {code}")
    today = date.today()
    view = trusts_service.trust_view(trust, today)
    return {**trust_dict(trust, today), "companies_house_number": trust.companies_house_number,
            "address": trust.address,
            "memberships": [{"urn": m.school.urn, "name": m.school.name, "joined_on": m.joined_on,
                             "left_on": m.left_on, "source": m.source} for m in trust.memberships],
            "balances": [{"urn": m.school.urn, "name": m.school.name, "balance": view.balances.get(m.school_id)}
                         for m in view.current],
            "balance": view.total}
