"""The buying round: next year's offers, the basket's lines, acceptance by a signatory, decline,
and the offer's SLA document (the draft before acceptance, the accepted PDF after)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Response, request
from flask_login import current_user

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

from contracts_app.models import Offer
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.rounds import acceptance as accepting, basket, documents, queries
from contracts_app.services.rounds.trust import trust_codes
from contracts_app.services.rounds.pricing import OfferPricing, price_basket
from contracts_app.api.auth import allow, own_school_ids
from contracts_app.api.blueprint import bp
from contracts_app.api.trusts import known_trust
from contracts_app.api.errors import ApiError, not_found
from contracts_app.api.schemas.common import MAX_ID, page_dict
from contracts_app.api.schemas.rounds import (
    AcceptanceRequestSchema,
    AcceptanceResultSchema,
    DeclineRequestSchema,
    DeclineResultSchema,
    LinesRequestSchema,
    OfferArgs,
    OfferDetailSchema,
    OfferListSchema,
)

TAGS = ["Buying round"]
PDF = {"type": "string", "format": "binary"}
OFFER = f"/offers/<int(max={MAX_ID}):offer_id>"


def _offer(offer_id: int) -> Offer:
    """The offer, or 404 for another school's (or one not yet open to the school)."""
    offer = queries.get_visible(offer_id, own_school_ids())
    if offer is None:
        raise not_found(f"no offer {offer_id}")
    return offer


def summary_dict(offer: Offer, trust_code: str | None) -> dict:
    return {"id": offer.id, "year": offer.round.sla_year, "sla_year": SlaYear(offer.round.sla_year).label,
            "school_urn": offer.school.urn, "school_name": offer.school.name, "trust_code": trust_code,
            "group_name": offer.group.name if offer.group is not None else None,
            "members": [{"urn": m.urn, "name": m.name} for m in offer.members], "state": offer.state,
            "total": offer.total, "problem": offer.problem, "agreement_id": offer.agreement_id,
            "closes_on": offer.round.closes_on,
            "accepted_total": offer.acceptance.total if offer.state == "accepted" and offer.acceptance else None,
            "pending_changes": offer.pending_changes, "outcome": offer.outcome,
            "outcome_reason": offer.outcome_reason or ""}


def detail_dict(offer: Offer, pricing: OfferPricing) -> dict:
    try:
        accepting.check_may_accept(offer, current_user)
        can_accept = pricing.complete and not offer.problem
    except ActionRefused:
        can_accept = False
    return {**summary_dict(offer, trust_codes({offer.school_id}).get(offer.school_id)), "customer_type": pricing.customer_type, "census": pricing.census_label,
            "pupils": pricing.pupils, "revision": offer.revision, "po_number": offer.po_number,
            "total": pricing.total if pricing.complete else None,
            "lines": [{"service_code": x.service_code, "title": x.title, "list": x.list_name, "quantity": x.quantity,
                       "annual_price": x.annual_price, "explanation": x.explanation, "vat_code": x.vat_code,
                       "problem": x.problem} for x in pricing.lines],
            "invoice_schedule": [{"term": s.term, "period_start": s.start, "period_end": s.end, "net": s.net,
                                  "vat": s.vat, "gross": s.gross} for s in pricing.schedule],
            "problems": ([offer.problem] if offer.problem and not pricing.problems else pricing.problems),
            "can_accept": can_accept, "signatories": accepting.who_can_accept(offer),
            "acceptances": [{"id": a.id, "accepted_at": a.accepted_at, "user_email": a.user_email,
                             "full_name": a.full_name, "job_title": a.job_title, "total": a.total,
                             "document_sha256": a.document_sha256, "agreement_id": a.agreement_id}
                            for a in offer.acceptances]}


def _bad_input(exc: InputRefused) -> ApiError:
    return ApiError(400, exc.message, fields={exc.field: [exc.message]})


@bp.route("/offers", tags=TAGS)
@allow("sla", "finance", "school")
@bp.arguments(OfferArgs, location="query")
@bp.response(200, OfferListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def list_offers(args: dict) -> dict:
    """Offers of a buying round

    A school user sees its own school's offer (once the round has opened), a trust user its
    trust's academies'; staff see every school's, filtered by ``state``. ``trust`` keeps the
    offers to that trust's academies of today (an unknown code is 404). Paged like every list
    (``page``, ``per_page``).
    """
    within = None
    if args.get("trust"):
        within = known_trust(args["trust"]).academy_ids_on(date.today())
    found = queries.offers_page(args["year"], own_school_ids(), args.get("state", ""), args["page"],
                                args["per_page"], within=within)
    codes = trust_codes({o.school_id for o in found.items})
    return page_dict(found, [summary_dict(o, codes.get(o.school_id)) for o in found.items])


@bp.route(OFFER, tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, OfferDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_offer(offer_id: int) -> dict:
    """One offer, priced

    Every line priced on next year's list with the school's census and explained; the total
    of the subscribed lines, and the §2.7 invoice schedule with each invoice's amount.
    """
    offer = _offer(offer_id)
    return detail_dict(offer, price_basket(offer))


@bp.route(f"{OFFER}/lines", methods=["PUT"], tags=TAGS)
@allow("sla", "school")
@bp.arguments(LinesRequestSchema)
@bp.response(200, OfferDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def put_lines(args: dict, offer_id: int) -> dict:
    """Replace the basket's lines

    The services in the three lists with quantities; a service left out (or listed as
    ``available``) is no longer in the basket (it is still offered): what ``GET`` returns can be
    sent back unchanged. Saving the same basket again changes nothing. After an acceptance the
    saved basket is a change pending beside it (``pending_changes``): the acceptance stands until
    a signatory accepts again. After the close only the SLA team changes an offer (409).
    """
    offer = _offer(offer_id)
    items = [basket.BasketLine(line["service_code"], line["list"], Decimal(line["quantity"] or 1))
             for line in args["lines"] if line["list"] != "available"]
    try:
        basket.set_lines(offer, items, current_user)
    except InputRefused as exc:
        raise _bad_input(exc) from None
    return detail_dict(offer, price_basket(offer))


@bp.route(f"{OFFER}/acceptance", methods=["POST"], tags=TAGS)
@allow("sla", "school")
@bp.arguments(AcceptanceRequestSchema)
@bp.response(201, AcceptanceResultSchema, description="Accepted: next year's agreement made from the basket.")
@bp.alt_response(200, schema=AcceptanceResultSchema, description="This basket was accepted already.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def accept_offer(args: dict, offer_id: int) -> tuple[dict, int]:
    """Accept the offer (a signatory)

    Only a school user marked as a signatory accepts (403 names who can), until the close
    (409 after it); ``authorised`` must be true. The exact PDF accepted is stored with its
    SHA-256, and next year's agreement is made from the basket. Repeating the request for the
    same basket makes nothing new (200 with the same answer).
    """
    offer = _offer(offer_id)
    ask = accepting.AcceptanceRequest(args["name"], args["job_title"], args["authorised"], args["po_number"],
                                      request.remote_addr or "", request.headers.get("User-Agent", ""))
    try:
        made, created = accepting.accept(offer.id, current_user, ask)
    except accepting.NotSignatory as exc:
        raise ApiError(403, exc.message) from None
    except InputRefused as exc:
        raise _bad_input(exc) from None
    return {"agreement_id": made.agreement_id, "document_sha256": made.document_sha256,
            "acceptance_id": made.id, "agreement_status": made.agreement.status,
            "repeated": not created}, 201 if created else 200


@bp.route(f"{OFFER}/decline", methods=["POST"], tags=TAGS)
@allow("sla", "school")
@bp.arguments(DeclineRequestSchema)
@bp.response(201, DeclineResultSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def decline_offer(args: dict, offer_id: int) -> dict:
    """Decline the offer, with a reason

    Until the close. A decline replaces an acceptance (only a signatory may then decline, 403
    otherwise): the agreement it made is withdrawn if it has not started and was never invoiced.
    """
    offer = _offer(offer_id)
    try:
        row = accepting.decline(offer, current_user, args["reason"])
    except accepting.NotSignatory as exc:
        raise ApiError(403, exc.message) from None
    except InputRefused as exc:
        raise _bad_input(exc) from None
    return {"id": row.id, "state": offer.state, "reason": row.reason}


@bp.route(f"{OFFER}/document", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, PDF, content_type="application/pdf", description="The offer's SLA document.")
@bp.alt_response(404, response="NOT_FOUND")
def offer_document(offer_id: int) -> Response:
    """The offer's SLA document (PDF)

    The filled-in SLA for exactly the basket, marked DRAFT, until it is accepted; after
    acceptance the exact PDF accepted (its SHA-256 is on the acceptance).
    """
    offer = _offer(offer_id)
    data, name = documents.download(offer)
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f"attachment; filename={name}"})
