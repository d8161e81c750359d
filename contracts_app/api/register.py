"""GET /register-changes and POST /register-changes/{id}/apply (issue #28): the changes GIAS
implies for schools with an agreement, and applying one, as the register changes page does."""
from __future__ import annotations

from flask_login import current_user

from contracts_app.api.auth import allow
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import ApiError, not_found
from contracts_app.api.schemas.common import MAX_ID, PageArgs, page_dict
from contracts_app.api.schemas.register import ApplyRequestSchema, ApplyResultSchema, RegisterChangePageSchema
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.register import applying
from contracts_app.services.register.changes import ChangeView, find_change, list_changes
from contracts_app.services.register.consequences import work_out, work_out_all
from contracts_app.services.register.describe import consequences

TAGS = ["Register changes"]


def change_dict(view: ChangeView) -> dict:
    """A change, its consequences worked out (consequences.work_out_all), in the wire format."""
    applied = view.applied
    return {
        "id": view.id, "state": view.state, "kind": view.implied.kind, "urn": view.school.urn,
        "school_name": view.school.name, "agreement_id": view.agreement.id,
        "successor_urns": list(view.implied.successors), "end_date": view.implied.end_date,
        "credit_kept_owed": view.credit_kept_owed,
        "credited": applied.credited if applied is not None else view.credited_total,
        "credits": [{"invoice": c.number, "net": c.net, "gross": c.gross} for c in view.credits],
        "successors": [{"urn": p.urn, "name": p.name, "issued": p.issued, "term_start": p.term_start,
                        "term_end": p.term_end, "annual_total": p.annual_total, "term_total": p.term_total,
                        "left_out": p.left_out, "note": p.note} for p in view.successors],
        "consequences": consequences(view), "problems": view.problems,
        "applied_at": applied.applied_at if applied is not None else None,
        "applied_by": applied.applied_by if applied is not None else None,
    }


@bp.route("/register-changes", tags=TAGS)
@allow("sla")
@bp.arguments(PageArgs, location="query")
@bp.response(200, RegisterChangePageSchema)
def list_register_changes(args: dict) -> dict:
    """The register changes GIAS implies

    Each issued agreement of a school GIAS closes (or proposes to close), with the change
    its links imply - conversion, merger, amalgamation, split, succession or closure - and
    what applying it would do: the end date, the credit per invoice (§2.7, or none under
    CONVERSION_CREDIT=false, §2.5 d), the successor's agreement and annual total. Pending
    and upcoming first, by close date; then those applied, latest first.
    """
    result = list_changes(args["page"], args["per_page"])
    return page_dict(result, [change_dict(v) for v in work_out_all(result.items)])


@bp.route(f"/register-changes/<int(max={MAX_ID}):change_id>/apply", methods=["POST"], tags=TAGS)
@allow("sla")
@bp.arguments(ApplyRequestSchema)
@bp.response(200, ApplyResultSchema, description="Applied, or applied before (changed false): nothing more.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def apply_register_change(args: dict, change_id: int) -> dict:
    """Apply a register change

    In one transaction, audited: the predecessor's agreement ends (status ended, with the
    reason), a credit note per invoice, the successor's agreement issued (conversion) or
    drafted (other changes). Applying again changes nothing and answers changed false.
    An upcoming change, a paid invoice or a successor that already has an agreement is 409.
    """
    if find_change(change_id) is None:
        raise not_found(f"no register change {change_id}")
    try:
        result = applying.apply_change(change_id, current_user.email, po_number=args["po_number"],
                                       credit_date=args["credit_date"])
    except InputRefused as exc:
        raise ApiError(400, exc.message, fields={exc.field: [exc.message]}) from None
    view = find_change(change_id)
    return {"changed": result.changed, "message": result.message, "credit_notes": result.credit_notes,
            "change": change_dict(work_out(view))}
