"""The buying round: the SLA team's round page (open, remind, close, approve), with a year
picker over every year that has a published price list. Each school's offer is in ``offers``."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

from contracts_app.access import roles_required
from contracts_app.models.round import OFFER_STATE_NAMES, OFFER_STATES
from contracts_app.services import jobs
from contracts_app.services.rounds import closing, queries
from contracts_app.services.rounds.opening import RoundSettings, open_round as open_service, reprice as reprice_offers
from contracts_app.web.args import export_arg, sort_arg, year_arg
from contracts_app.web.downloads import send_download
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.rounds import offers  # noqa: F401  (the offer pages, on the same blueprint)
from contracts_app.web.rounds.blueprint import STAFF_READ, bp, offer_or_404
from contracts_app.web.rounds.forms import ActionForm, OpenRoundForm, RemindForm
from rounds.rules import OUTCOME_NAMES

@bp.route("/")
@roles_required(*STAFF_READ)
def index() -> ResponseReturnValue:
    """The round page: schools and value by state, filters, each offer, the schools that cannot be
    priced, and after the close every school left without an agreement, with why."""
    year = year_arg(SlaYear.containing(date.today()).start_year + 1)
    state = request.args.get("state", "")
    state = state if state in OFFER_STATES else ""
    sort = sort_arg(queries.SORT_KEYS, "school")
    filters = (year, state, request.args.get("q", ""), request.args.get("unpriced") == "1")
    if fmt := export_arg():
        return send_download(queries.export_offers(*filters, sort, fmt))
    page = queries.round_page(*filters, request.args.get("page", 1, type=int), 50, sort)
    return render_template("rounds/index.html", page=page, year=year, label=SlaYear(year).label, state=state, sort=sort,
                           q=request.args.get("q", ""), state_names=OFFER_STATE_NAMES, outcome_names=OUTCOME_NAMES,
                           open_form=OpenRoundForm(year=year), remind_form=RemindForm(), action_form=ActionForm(),
                           closed=page.round is not None and queries.closed(page.round),
                           without_agreement=queries.without_agreement(page.round) if page.round else [])


def _form_errors(form) -> None:
    for name, errors in form.errors.items():
        flash(f"{getattr(form, name).label.text}: {'; '.join(errors)}", "error")


@bp.route("/open", methods=["POST"])
@roles_required("sla")
def open_round() -> ResponseReturnValue:
    """Open a round on the year's published list (refused without one), after a confirmation
    stating how many schools get an offer."""
    form = OpenRoundForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(url_for(".index", year=form.year.data or None))
    settings = RoundSettings(form.year.data, form.opens_on.data, form.closes_on.data, form.default_action.data,
                             form.approval.data)
    if not confirmed():
        label = SlaYear(settings.year).label
        return confirmation_page(
            title=f"Open the {label} buying round?",
            lead=f"{queries.open_school_count()} open school(s) each get an offer, visible to them from "
                 f"{settings.opens_on:%d %B %Y}.",
            consequences=[f"Schools answer until {settings.closes_on:%d %B %Y}.",
                          f"Schools that do not answer: {dict(form.default_action.choices)[settings.default_action]}.",
                          f"Accepted baskets: {dict(form.approval.choices)[settings.approval].lower()}."],
            action=url_for(".open_round"), back=url_for(".index", year=settings.year), button="open the round")
    try:
        made = open_service(settings, current_user.email)
        flash(f"The {SlaYear(made.sla_year).label} round is open: {len(made.offers)} offers.", "success")
    except ActionRefused as exc:
        flash(exc.message, "error")
    return redirect(url_for(".index", year=form.year.data))


def _remind_all_page(year: int, chosen: list[int] | None = None) -> ResponseReturnValue:
    waiting = len(chosen) if chosen else queries.unanswered_count(year)
    return confirmation_page(
        title=(f"Remind the {waiting} chosen school(s)?" if chosen else
               f"Remind every school that has not answered the {SlaYear(year).label} offer?"),
        lead=f"{waiting} school(s) have not answered; each gets a reminder email through the outbox.",
        consequences=["Schools without a contact or user with an email address are listed, not reminded."],
        action=url_for(".remind", year=year), back=url_for(".index", year=year), button="send the reminders")


def _chosen_offers() -> list[int] | None:
    """The offers ticked on the round page (None: the button for every school was used)."""
    if request.form.get("chosen") != "1":
        return None
    raw = request.form.getlist("offer_ids")
    if any(not (v.isascii() and v.isdigit() and len(v) < 10) for v in raw):
        abort(400, description="offer_ids must be offer numbers")
    return sorted({int(v) for v in raw})


@bp.route("/<int:year>/remind", methods=["POST"])
@roles_required("sla")
def remind(year: int) -> ResponseReturnValue:
    """Remind one school (offer_id) or, after a confirmation, every school that has not answered."""
    form = RemindForm()
    offer_id = request.form.get("offer_id", type=int)
    if not form.validate_on_submit():
        return redirect(url_for(".index", year=year))
    chosen = _chosen_offers()
    if chosen == []:
        flash("Choose at least one school to remind.", "error")
        return redirect(url_for(".index", year=year))
    if offer_id is None and not confirmed():
        return _remind_all_page(year, chosen)
    try:
        sent, skipped = closing.remind(year, [offer_id] if offer_id else chosen, current_user.email)
        flash(f"Reminded {len(sent)} school(s) that have not answered.", "success")
        if skipped:
            flash(f"Not reminded ({len(skipped)}): " + "; ".join(f"{n}: {w}" for n, w in skipped[:20]) +
                  (f"; and {len(skipped) - 20} more" if len(skipped) > 20 else "") + ".", "warning")
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


def _close_page(year: int, buying_round) -> ResponseReturnValue:
    waiting, early = queries.unanswered_count(year), date.today() <= buying_round.closes_on
    consequences = [f"{waiting} school(s) have not answered: they get the round's default "
                    f"({buying_round.default_action}).",
                    "Changes a school saved after accepting, never accepted, are discarded; the acceptance stands.",
                    "It runs in the background; the next page shows its progress and lists every school left "
                    "without an agreement, with why."]
    lead = "Schools can no longer answer online."
    if early:
        lead = (f"The round is open until {buying_round.closes_on:%d %B %Y}: closing it now, early, takes away "
                f"the remaining days from the {waiting} school(s) that have not answered.")
    return confirmation_page(title=f"Close the {SlaYear(year).label} buying round{' early' if early else ''}?",
                             lead=lead, consequences=consequences, action=url_for(".close", year=year),
                             back=url_for(".index", year=year),
                             button="close the round early" if early else "close the round",
                             fields=[("early", "1")] if early else [])


@bp.route("/<int:year>/close", methods=["POST"])
@roles_required("sla")
def close(year: int) -> ResponseReturnValue:
    """Close the round as a background job (its page shows the progress), after a confirmation
    that says how many schools have not answered (and that it is early, before the closing date)."""
    buying_round = queries.find_round(year)
    if buying_round is None:
        flash(f"There is no {SlaYear(year).label} round to close.", "error")
        return redirect(url_for(".index", year=year))
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".index", year=year))
    if not confirmed():
        return _close_page(year, buying_round)
    try:
        job = jobs.start("round_close", {"year": year, "early": request.form.get("early") == "1"}, current_user)
    except ActionRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index", year=year))
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/offers/<int:offer_id>/approve", methods=["POST"])
@roles_required("sla")
def approve(offer_id: int) -> ResponseReturnValue:
    """Issue the agreement an accepted basket made (rounds that wait for approval)."""
    offer = offer_or_404(offer_id)
    if ActionForm().validate_on_submit():
        try:
            closing.approve(offer, current_user.email)
            flash(f"{offer.agreement.name} issued.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".offer", offer_id=offer.id))
