"""One school's offer: the basket with a live price preview (saving is a button), the answer
that stands beside changes not yet accepted, accepting by a signatory, declining (after a
confirmation), and the SLA document (the DRAFT of the basket, or the exact PDF accepted)."""
from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

from contracts_app.access import roles_required
from contracts_app.models import Offer
from contracts_app.models.catalogue import LIST_NAMES
from contracts_app.models.round import OFFER_STATE_NAMES
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.rounds import acceptance as accepting, basket, documents, queries
from contracts_app.services.rounds.pricing import OfferPricing, price_basket
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.rounds.blueprint import OFFER, bp, offer_or_404
from contracts_app.web.rounds.forms import AcceptForm, ActionForm, BasketDetailsForm, DeclineForm
from rounds.rules import OUTCOME_NAMES


def _offer_page(offer: Offer, status: int = 200, **forms) -> ResponseReturnValue:
    pricing = price_basket(offer)
    allowed, why_not = accepting.may_accept(offer, current_user)
    details = forms.pop("details", None) or BasketDetailsForm(obj=offer)
    return render_template(
        "rounds/offer.html", offer=offer, pricing=pricing, label=SlaYear(offer.round.sla_year).label,
        list_names=LIST_NAMES, state_names=OFFER_STATE_NAMES, outcome_names=OUTCOME_NAMES, details=details,
        accept_form=forms.pop("accept_form", None) or AcceptForm(), decline_form=forms.pop("decline_form", None)
        or DeclineForm(), action_form=ActionForm(), may_accept=allowed, why_not=why_not,
        who_can=accepting.who_can_accept(offer), closed=queries.closed(offer.round),
        accepted=offer.acceptance if offer.state == "accepted" else None), status


@bp.route(OFFER)
@roles_required("sla", "finance", "school")
def offer(offer_id: int) -> ResponseReturnValue:
    """One school's offer: every line priced and explained, the total and the invoice schedule."""
    return _offer_page(offer_or_404(offer_id))


@bp.route(f"{OFFER}/open", methods=["POST"])
@roles_required("sla", "school")
def view_offer(offer_id: int) -> ResponseReturnValue:
    """The school opens its offer from the portal (recorded: not opened -> viewed)."""
    offer = offer_or_404(offer_id)
    if ActionForm().validate_on_submit():
        basket.record_view(offer, current_user)
    return redirect(url_for(".offer", offer_id=offer.id))


def _pricing_json(offer: Offer, pricing: OfferPricing, saved: bool) -> Response:
    """What the page's script shows: each line's price, the total, the schedule (saved or not)."""
    school = current_user.role == "school"
    return jsonify({
        "saved": saved, "revision": offer.revision, "state": OFFER_STATE_NAMES[offer.state],
        "complete": pricing.complete, "total": f"£{pricing.total:,.2f}",
        "problems": pricing.school_problems if school else pricing.problems,
        "lines": {x.service_code: {"list": x.list_name, "price": "" if x.annual_price is None or
                                   x.list_name == "excluded" else f"£{x.annual_price:,.2f}",
                                   "explanation": (x.school_problem if school else x.problem) or x.explanation}
                  for x in pricing.lines},
        "schedule": [{"term": s.term.capitalize(), "period": f"{s.start:%d %b %Y} to {s.end:%d %b %Y}",
                      "net": f"£{s.net:,.2f}", "vat": f"£{s.vat:,.2f}", "gross": f"£{s.gross:,.2f}"}
                     for s in pricing.schedule]})


def _form_items(offer: Offer) -> list[basket.BasketLine]:
    return basket.lines_from_form(request.form, [x.service_code for x in price_basket(offer).lines])


@bp.route(f"{OFFER}/preview", methods=["POST"])
@roles_required("sla", "school")
def preview(offer_id: int) -> ResponseReturnValue:
    """The prices of the basket as the form has it, saving nothing (the page's live preview)."""
    offer = offer_or_404(offer_id)
    if not ActionForm().validate_on_submit():
        return jsonify({"error": "The page has expired: reload it."}), 400
    try:
        lines = basket.preview_lines(_form_items(offer))
    except ActionRefused as exc:
        return jsonify({"error": exc.message}), 400
    return _pricing_json(offer, price_basket(offer, lines=lines), saved=False)


@bp.route(f"{OFFER}/basket", methods=["POST"])
@roles_required("sla", "school")
def update_basket(offer_id: int) -> ResponseReturnValue:
    """Save the basket (lines, quantities, PO number, contacts): a deliberate button. After an
    answer the saved basket is a change pending beside it; the answer stands."""
    offer = offer_or_404(offer_id)
    details = BasketDetailsForm()
    try:
        if not details.validate_on_submit():
            raise InputRefused("; ".join(f"{getattr(details, n).label.text}: {' '.join(e)}"
                                         for n, e in details.errors.items()), "details")
        basket.set_lines(offer, _form_items(offer), current_user)
        basket.set_details(offer, basket.BasketDetails(
            details.po_number.data or "", details.invoice_contact.data or "", details.invoice_email.data or "",
            details.agreement_contact.data or "", details.agreement_email.data or ""), current_user)
    except ActionRefused as exc:
        flash(exc.message, "error")
        return _offer_page(offer, 400, details=details)
    if offer.pending_changes:
        flash("Your changes are saved but not yet accepted: the accepted agreement stands until a signatory "
              "accepts them.", "success")
    else:
        flash("Basket saved; the prices below are for it.", "success")
    return redirect(url_for(".offer", offer_id=offer.id))


@bp.route(f"{OFFER}/discard", methods=["POST"])
@roles_required("sla", "school")
def discard(offer_id: int) -> ResponseReturnValue:
    """Drop the changes not yet accepted: the basket goes back to what was accepted."""
    offer = offer_or_404(offer_id)
    if ActionForm().validate_on_submit():
        try:
            basket.discard_changes(offer, current_user)
            flash("Changes discarded: the basket is the one accepted.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".offer", offer_id=offer.id))


@bp.route(f"{OFFER}/accept", methods=["POST"])
@roles_required("sla", "school")
def accept(offer_id: int) -> ResponseReturnValue:
    """Accept the basket: a signatory types name and job title and ticks that they are authorised."""
    offer = offer_or_404(offer_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        return _offer_page(offer, 400, accept_form=form)
    ask = accepting.AcceptanceRequest(form.full_name.data, form.job_title.data, form.authorised.data, None,
                                      request.remote_addr or "", request.headers.get("User-Agent", ""))
    try:
        made, created = accepting.accept(offer.id, current_user, ask)
    except accepting.NotSignatory as exc:
        flash(exc.message, "error")
        return _offer_page(offer, 403, accept_form=form)
    except ActionRefused as exc:
        flash(exc.message, "error")
        return _offer_page(offer, 409, accept_form=form)
    flash(f"Accepted: {made.agreement.name} ({made.agreement.status}). The accepted document's SHA-256 is "
          f"{made.document_sha256}." if created else "This basket was accepted already.", "success")
    return redirect(url_for(".offer", offer_id=offer.id))


def _decline_page(offer: Offer, form: DeclineForm) -> ResponseReturnValue:
    consequences = [f"Reason given: {form.reason.data.strip()}",
                    f"Your school will have no {SlaYear(offer.round.sla_year).label} SLA unless it accepts an "
                    f"offer again before {offer.round.closes_on:%d %B %Y}."]
    if offer.state == "accepted":
        consequences.insert(0, f"This replaces your acceptance of £{offer.acceptance.total:,.2f} a year: "
                               "the agreement made from it is withdrawn.")
    return confirmation_page(title=f"Decline the {SlaYear(offer.round.sla_year).label} offer for "
                                   f"{offer.party_name}?", lead="Declining means the school does not buy the SLA "
                                                                 "next year.",
                             consequences=consequences, action=url_for(".decline", offer_id=offer.id),
                             back=url_for(".offer", offer_id=offer.id), button="decline the offer")


@bp.route(f"{OFFER}/decline", methods=["POST"])
@roles_required("sla", "school")
def decline(offer_id: int) -> ResponseReturnValue:
    """Decline next year's offer, with a reason, after a confirmation of what it means."""
    offer = offer_or_404(offer_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _offer_page(offer, 400, decline_form=form)
    if not confirmed():
        return _decline_page(offer, form)
    try:
        accepting.decline(offer, current_user, form.reason.data)
        flash("The offer is declined.", "success")
    except accepting.NotSignatory as exc:
        flash(exc.message, "error")
        return _offer_page(offer, 403, decline_form=form)
    except ActionRefused as exc:
        flash(exc.message, "error")
        return _offer_page(offer, 409, decline_form=form)
    return redirect(url_for(".offer", offer_id=offer.id))


@bp.route(f"{OFFER}/document")
@roles_required("sla", "finance", "school")
def document(offer_id: int) -> ResponseReturnValue:
    """The SLA for exactly this basket marked DRAFT, or the exact PDF accepted (?acceptance=ID for an earlier one)."""
    offer = offer_or_404(offer_id)
    try:
        data, name = documents.download(offer, request.args.get("acceptance", type=int),
                                        draft=request.args.get("draft") == "1")
    except ActionRefused:
        abort(404)
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={name}"})
