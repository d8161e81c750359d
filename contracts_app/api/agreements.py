"""Agreements: the list by year and status, one agreement, its PDF, a notice of cancellation, a
one-off charge and re-issuing under the newest SLA template version."""
from __future__ import annotations

from datetime import date

from flask import Response
from flask_login import current_user

from pricing.sla_year import SlaYear

from contracts_app.models import Agreement, CancellationNotice
from contracts_app.services.agreements import changes, queries
from contracts_app.services.documents import pdf_download
from contracts_app.services.agreements.cancellation import give_notice as record_notice
from contracts_app.services.agreements.reissuing import reissue_agreement
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.register import belonging
from contracts_app.api.auth import allow, own_school_ids, school_user
from contracts_app.api.blueprint import bp
from contracts_app.api.trusts import known_trust
from contracts_app.api.errors import ApiError, not_found
from contracts_app.api.schemas.agreements import (
    AgreementArgs,
    AgreementDetailSchema,
    AgreementPageSchema,
    ChargeRequestSchema,
    ChargeResultSchema,
    NoticeRequestSchema,
    NoticeResultSchema,
    ReissueResultSchema,
)
from contracts_app.api.schemas.common import MAX_ID

TAGS = ["Agreements"]
PDF = {"type": "string", "format": "binary"}


def _agreement(agreement_id: int) -> Agreement:
    """The agreement, or 404 for one the caller may not see (contracts_app.access's rule)."""
    agreement = queries.get_visible(agreement_id, own_school_ids())
    if agreement is None:
        raise not_found(f"no agreement {agreement_id}")
    return agreement


def notice_dict(notice: CancellationNotice | None) -> dict | None:
    """The notice as the API shows it (NoticeSchema)."""
    if notice is None:
        return None
    outcome = notice.outcome
    return {"given_by": notice.given_by, "notice_date": notice.notice_date, "requested_date": notice.requested_date,
            "effective_date": notice.effective_date, "fundamental_breach": notice.fundamental_breach,
            "reason": notice.reason, "ends_on": outcome.ends_on, "outcome": outcome.text}


def agreement_dict(a: Agreement, trust_code: str | None, detail: bool = False) -> dict:
    """The agreement as the API shows it; ``detail`` adds its lines, charges and pricing basis."""
    data = {
        "id": a.id, "sla_year": SlaYear(a.sla_year).label, "year": a.sla_year, "status": a.status,
        "party_name": a.party_name, "school_urn": a.school.urn if a.school else None,
        "group_name": a.group.name if a.group else None,
        "schools": [{"urn": s.urn, "name": s.name} for s in a.schools], "trust_code": trust_code,
        "customer_type": a.customer_type,
        "term_start": a.term_start, "term_end": a.term_end, "annual_total": a.annual_total,
        "po_number": a.po_number, "issued_at": a.issued_at, "notice": notice_dict(a.notice),
    }
    if detail:
        data.update({
            "census_label": a.census_label, "pupils": a.pupils,
            "price_list_version": a.price_list.version if a.price_list else None,
            "odm_name": a.odm_name, "odm_email": a.odm_email,
            "lines": [{"service_code": l.service_code, "title": l.title, "list": l.list_name, "quantity": l.quantity,
                       "start_date": l.start_date, "end_date": l.end_date, "annual_price": l.annual_price,
                       "explanation": l.explanation, "vat_code": l.vat_code} for l in a.lines],
            "charges": [{"kind": c.kind, "description": c.description, "amount": c.amount, "vat_code": c.vat_code}
                        for c in a.charges],
        })
    return data


@bp.route("/agreements", tags=TAGS)
@allow("sla", "finance", "school")
@bp.arguments(AgreementArgs, location="query")
@bp.response(200, AgreementPageSchema)
def list_agreements(args: dict) -> dict:
    """Agreements of an SLA year

    Filtered by status, customer type, name or trust. A school user sees its own
    school's (and its group's) issued agreements.
    """
    if args.get("trust"):
        known_trust(args["trust"])
    f = queries.AgreementFilter(args["year"], args.get("status", ""), args.get("customer_type", ""),
                                args.get("q", ""), args.get("trust", ""))
    result = queries.visible_page(own_school_ids(), f, args["page"], args["per_page"])
    codes = belonging.agreement_codes([a.id for a in result.items], date.today())
    return {"items": [agreement_dict(a, codes.get(a.id)) for a in result.items], "page": result.page,
            "per_page": result.per_page, "total": result.total, "pages": result.pages}


@bp.route(f"/agreements/<int(max={MAX_ID}):agreement_id>", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, AgreementDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_agreement(agreement_id: int) -> dict:
    """One agreement

    Its party, term, status, notice, the services in its three lists (§4.1-4.3) with
    their prices and explanations, and one-off charges. Another school's agreement is
    404 to a school user.
    """
    agreement = _agreement(agreement_id)
    return agreement_dict(agreement, belonging.agreement_codes([agreement.id], date.today()).get(agreement.id),
                          detail=True)


@bp.route(f"/agreements/<int(max={MAX_ID}):agreement_id>/pdf", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, PDF, content_type="application/pdf", description="The filled-in SLA document.")
@bp.alt_response(404, response="NOT_FOUND")
def agreement_pdf(agreement_id: int) -> Response:
    """The agreement's filled-in SLA document (PDF)

    The same document as the agreement's page offers, rendered with the SLA template
    version the agreement was issued under.
    """
    data, name = pdf_download(_agreement(agreement_id))
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f"attachment; filename={name}"})


def _bad_notice(exc: InputRefused, breach: bool) -> ApiError:
    """§2.4's refusal of the notice's terms as a 400 naming the field to fix."""
    if exc.field == "given_by" and breach:
        return ApiError(400, f"{exc.message}: send given_by council",
                        fields={"given_by": ["must be council for a fundamental breach"]})
    return ApiError(400, exc.message, fields={exc.field: [exc.message]})


@bp.route(f"/agreements/<int(max={MAX_ID}):agreement_id>/notice", methods=["POST"], tags=TAGS)
@allow("sla", "school")
@bp.arguments(NoticeRequestSchema)
@bp.response(201, NoticeResultSchema, description="Notice recorded; the agreement is under notice.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def give_notice(args: dict, agreement_id: int) -> dict:
    """Give notice of cancellation

    §2.4: the agreement is cancelled from the later of the notice date + 90 days and
    the date the notice asks for (an earlier requested date is refused, 400). When that
    date is after the term end, the agreement ends at its term end and is not renewed
    (``ends_on``, ``outcome``). A school user gives notice on its own school's agreement,
    dated today (an earlier or later notice date is 400); staff record a written notice
    dated when received (not in the future, within the term), notice given by the council,
    or cancellation for fundamental breach (§2.4 c). Only an active agreement takes
    notice, or, from staff, an ended one without a notice (409 otherwise).
    """
    agreement = _agreement(agreement_id)
    given_by, breach = args["given_by"] or "school", args["fundamental_breach"]
    if school_user() and (given_by != "school" or breach):
        raise ApiError(403, "a school gives notice as the school; only the council records its own notice or "
                            "a fundamental breach")
    try:  # the notice's terms are the client's input (400); the agreement's state is a conflict (409)
        notice = record_notice(agreement, notice_date=args["notice_date"], requested_date=args["requested_date"],
                               given_by=given_by, reason=args["reason"], fundamental_breach=breach,
                               recorded_by=current_user.email, entered_by="school" if school_user() else "staff")
    except InputRefused as exc:
        raise _bad_notice(exc, breach) from None
    shown = notice_dict(notice)
    return {"agreement_id": agreement.id, "status": agreement.status, "effective_date": notice.effective_date,
            "ends_on": shown["ends_on"], "outcome": shown["outcome"], "notice": shown}


@bp.route(f"/agreements/<int(max={MAX_ID}):agreement_id>/charges", methods=["POST"], tags=TAGS)
@allow("sla", "finance")
@bp.arguments(ChargeRequestSchema)
@bp.response(201, ChargeResultSchema, description="Charge added; the next invoice run invoices it.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def add_charge(args: dict, agreement_id: int) -> dict:
    """Add a one-off charge (§2.5 e)

    For example SIMS and FMS licence costs on a maintained school's cancellation. The
    same checks as the agreement page and ``agreements charge``: positive pounds and
    pence, a known VAT code (S, Z, E, O), a description (400 naming the field); a draft
    agreement takes no charges (409). The next invoice run invoices it.
    """
    agreement = _agreement(agreement_id)
    try:
        charge = changes.add_charge(agreement, args["description"], args["amount"], args["vat_code"],
                                    current_user.email)
    except InputRefused as exc:
        raise ApiError(400, exc.message, fields={exc.field: [exc.message]}) from None
    return {"agreement_id": agreement.id, "kind": charge.kind, "description": charge.description,
            "amount": charge.amount, "vat_code": charge.vat_code}


@bp.route(f"/agreements/<int(max={MAX_ID}):agreement_id>/reissue", methods=["POST"], tags=TAGS)
@allow("sla")
@bp.response(200, ReissueResultSchema, description="Re-issued: the document and the report use the new version.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def reissue(agreement_id: int) -> dict:
    """Re-issue under the newest SLA template version

    An agreement keeps the template version it was issued under until re-issued. This moves it to
    the newest published version for its customer type, as the agreement's page and
    ``agreements reissue`` do: its document is regenerated with that version's text and service
    levels, and the service desk report measures its school's tickets against them; prices,
    services and term stay as issued. Audited. 409 naming why for a draft, an ended or cancelled
    agreement, one already on the newest version, or one made from a school's signed acceptance.
    """
    plan = reissue_agreement(_agreement(agreement_id), current_user.email)
    return {"agreement_id": plan.agreement.id, "template_version": plan.new.version,
            "previous_version": plan.old.version if plan.old is not None else None, "changes": list(plan.changes)}
