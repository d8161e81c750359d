"""The buying round: the SLA team's round page (open, remind, close, approve) and each school's
offer (basket, live prices, DRAFT preview, accept by a signatory, decline)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused, PriceRuleError
from pricing.sla_year import SlaYear, requested_year

from contracts_app.access import roles_required, viewer_school_ids
from contracts_app.models import Offer
from contracts_app.models.catalogue import LIST_NAMES
from contracts_app.models.round import OFFER_STATE_NAMES, OFFER_STATES
from contracts_app.services import jobs
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.rounds import acceptance as accepting, basket, closing, documents, queries
from contracts_app.services.rounds.opening import RoundSettings, open_round as open_service, reprice as reprice_offers
from contracts_app.services.rounds.pricing import price_basket
from contracts_app.web.args import year_arg
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.rounds.forms import (
    AcceptForm,
    ActionForm,
    BasketDetailsForm,
    DeclineForm,
    OpenRoundForm,
    RemindForm,
)

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


@bp.url_value_preprocessor
def _year_in_range(endpoint: str | None, values: dict | None) -> None:
    """A year outside the SLA years is no round at all: 404 before any view runs."""
    if values and "year" in values:
        try:
            requested_year(values["year"])
        except PriceRuleError:
            abort(404)
STAFF_READ = ("sla", "finance")
OFFER = "/offers/<int:offer_id>"


def _offer(offer_id: int) -> Offer:
    """The offer, or 404 for another school's (a school learns nothing about it)."""
    offer = queries.get_visible(offer_id, viewer_school_ids())
    if offer is None:
        abort(404)
    return offer


@bp.route("/")
@roles_required(*STAFF_READ)
def index() -> ResponseReturnValue:
    """The round page: schools and value by state, filters, each offer, the schools that cannot be priced."""
    year = year_arg(SlaYear.containing(date.today()).start_year + 1)
    state = request.args.get("state", "")
    state = state if state in OFFER_STATES else ""
    page = queries.round_page(year, state, request.args.get("q", ""), request.args.get("unpriced") == "1",
                              request.args.get("page", 1, type=int), 50)
    form = OpenRoundForm(year=year)
    return render_template("rounds/index.html", page=page, year=year, label=SlaYear(year).label, state=state,
                           q=request.args.get("q", ""), state_names=OFFER_STATE_NAMES, open_form=form,
                           remind_form=RemindForm(), action_form=ActionForm(),
                           closed=page.round is not None and queries.closed(page.round))


@bp.route("/open", methods=["POST"])
@roles_required("sla")
def open_round() -> ResponseReturnValue:
    """Open a round on the year's published list (refused without one)."""
    form = OpenRoundForm()
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            flash(f"{getattr(form, name).label.text}: {'; '.join(errors)}", "error")
        return redirect(url_for(".index"))
    try:
        made = open_service(RoundSettings(form.year.data, form.opens_on.data, form.closes_on.data,
                                          form.default_action.data, form.approval.data), current_user.email)
        flash(f"The {SlaYear(made.sla_year).label} round is open: {len(made.offers)} offers.", "success")
    except ActionRefused as exc:
        flash(exc.message, "error")
    return redirect(url_for(".index", year=form.year.data))


@bp.route("/<int:year>/remind", methods=["POST"])
@roles_required("sla")
def remind(year: int) -> ResponseReturnValue:
    """Remind one school (offer_id) or every school that has not answered, through the outbox."""
    form = RemindForm()
    offer_id = request.form.get("offer_id", type=int)
    if form.validate_on_submit():
        try:
            sent, skipped = closing.remind(year, [offer_id] if offer_id else None, current_user.email)
            flash(f"Reminded {len(sent)} school(s)." + "".join(f" {n}: {w}." for n, w in skipped[:10]), "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".index", year=year))


@bp.route("/<int:year>/reprice", methods=["POST"])
@roles_required("sla")
def reprice(year: int) -> ResponseReturnValue:
    """Price every unanswered offer again (after census figures were entered, say)."""
    if ActionForm().validate_on_submit():
        try:
            flash(f"{reprice_offers(year)} offer(s) priced again.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".index", year=year))


@bp.route("/<int:year>/close", methods=["POST"])
@roles_required("sla")
def close(year: int) -> ResponseReturnValue:
    """Close the round as a background job (its page shows the progress), after a confirmation."""
    if not confirmed():
        return confirmation_page(
            title=f"Close the {SlaYear(year).label} buying round?", lead="Schools can no longer answer online.",
            consequences=["Schools that have not answered get the round's default (renew or lapse).",
                          "It runs in the background; the next page shows its progress."],
            action=url_for(".close", year=year), back=url_for(".index", year=year), button="close the round",
            fields=[])
    try:
        job = jobs.start("round_close", {"year": year}, current_user)
    except ActionRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index", year=year))
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route(f"{OFFER}/approve", methods=["POST"])
@roles_required("sla")
def approve(offer_id: int) -> ResponseReturnValue:
    """Issue the agreement an accepted basket made (rounds that wait for approval)."""
    offer = _offer(offer_id)
    if ActionForm().validate_on_submit():
        try:
            closing.approve(offer, current_user.email)
            flash(f"{offer.agreement.name} issued.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".offer", offer_id=offer.id))


def _offer_page(offer: Offer, status: int = 200, **forms) -> ResponseReturnValue:
    pricing = price_basket(offer)
    allowed, why_not = accepting.may_accept(offer, current_user)
    details = forms.pop("details", None) or BasketDetailsForm(obj=offer)
    return render_template(
        "rounds/offer.html", offer=offer, pricing=pricing, label=SlaYear(offer.round.sla_year).label,
        list_names=LIST_NAMES, state_names=OFFER_STATE_NAMES, details=details,
        accept_form=forms.pop("accept_form", None) or AcceptForm(), decline_form=forms.pop("decline_form", None)
        or DeclineForm(), action_form=ActionForm(), may_accept=allowed, why_not=why_not,
        who_can=accepting.who_can_accept(offer), closed=queries.closed(offer.round)), status


@bp.route(OFFER)
@roles_required("sla", "finance", "school")
def offer(offer_id: int) -> ResponseReturnValue:
    """One school's offer: every line priced and explained, the total and the invoice schedule."""
    return _offer_page(_offer(offer_id))


@bp.route(f"{OFFER}/open", methods=["POST"])
@roles_required("sla", "school")
def view_offer(offer_id: int) -> ResponseReturnValue:
    """The school opens its offer from the portal (recorded: not opened -> viewed)."""
    offer = _offer(offer_id)
    if ActionForm().validate_on_submit():
        basket.record_view(offer, current_user)
    return redirect(url_for(".offer", offer_id=offer.id))


def _pricing_json(offer: Offer) -> Response:
    """What the page's script shows after a change: each line's price, the total, the schedule."""
    pricing = price_basket(offer)
    return jsonify({
        "revision": offer.revision, "state": OFFER_STATE_NAMES[offer.state], "complete": pricing.complete,
        "total": f"£{pricing.total:,.2f}", "problems": pricing.problems,
        "lines": {x.service_code: {"list": x.list_name, "price": "" if x.annual_price is None or
                                   x.list_name == "excluded" else f"£{x.annual_price:,.2f}",
                                   "explanation": x.problem or x.explanation} for x in pricing.lines},
        "schedule": [{"term": s.term.capitalize(), "period": f"{s.start:%d %b %Y} to {s.end:%d %b %Y}",
                      "net": f"£{s.net:,.2f}", "vat": f"£{s.vat:,.2f}", "gross": f"£{s.gross:,.2f}"}
                     for s in pricing.schedule]})


@bp.route(f"{OFFER}/basket", methods=["POST"])
@roles_required("sla", "school")
def update_basket(offer_id: int) -> ResponseReturnValue:
    """Save the basket (lines, quantities, PO number, contacts) and show the new prices; the page's
    script posts here too and gets JSON back (the form works without it)."""
    offer = _offer(offer_id)
    wants_json = request.accept_mimetypes.best == "application/json"
    details = BasketDetailsForm()
    try:
        if not details.validate_on_submit():
            raise InputRefused("; ".join(f"{getattr(details, n).label.text}: {' '.join(e)}"
                                         for n, e in details.errors.items()), "details")
        items = basket.lines_from_form(request.form, [x.service_code for x in price_basket(offer).lines])
        basket.set_lines(offer, items, current_user)
        basket.set_details(offer, basket.BasketDetails(
            details.po_number.data or "", details.invoice_contact.data or "", details.invoice_email.data or "",
            details.agreement_contact.data or "", details.agreement_email.data or ""), current_user)
    except ActionRefused as exc:
        if wants_json:
            return jsonify({"error": exc.message}), 400
        flash(exc.message, "error")
        return _offer_page(offer, 400, details=details)
    if wants_json:
        return _pricing_json(offer)
    flash("Basket saved; the prices below are for it.", "success")
    return redirect(url_for(".offer", offer_id=offer.id))


@bp.route(f"{OFFER}/accept", methods=["POST"])
@roles_required("sla", "school")
def accept(offer_id: int) -> ResponseReturnValue:
    """Accept the basket: a signatory types name and job title and ticks that they are authorised."""
    offer = _offer(offer_id)
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


@bp.route(f"{OFFER}/decline", methods=["POST"])
@roles_required("sla", "school")
def decline(offer_id: int) -> ResponseReturnValue:
    """Decline next year's offer, with a reason."""
    offer = _offer(offer_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _offer_page(offer, 400, decline_form=form)
    try:
        accepting.decline(offer, current_user, form.reason.data)
        flash("The offer is declined.", "success")
    except ActionRefused as exc:
        flash(exc.message, "error")
        return _offer_page(offer, 409, decline_form=form)
    return redirect(url_for(".offer", offer_id=offer.id))


@bp.route(f"{OFFER}/document")
@roles_required("sla", "finance", "school")
def document(offer_id: int) -> ResponseReturnValue:
    """The SLA for exactly this basket marked DRAFT, or the exact PDF accepted (?acceptance=ID for an earlier one)."""
    offer = _offer(offer_id)
    try:
        data, name = documents.download(offer, request.args.get("acceptance", type=int))
    except ActionRefused:
        abort(404)
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={name}"})
