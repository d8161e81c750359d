"""Agreement pages: the list, one agreement, drafting lines, issuing, changes and notices."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from agreements.lifecycle import STATUS_NAMES, earliest_effective_date, notice_outcome
from invoices.schedule import ScheduleError, billing_periods, schedule_description
from pricing.errors import ActionRefused
from pricing.money import format_gbp
from pricing.sla_year import SlaYear
from servicedesk.period import long_date

from contracts_app.access import agreement_or_404, roles_required
from contracts_app.models import Agreement, Service
from contracts_app.models.catalogue import LIST_NAMES, LISTS
from contracts_app.services.agreements import changes, drafts, queries
from contracts_app.web.agreements import bulk
from contracts_app.services.agreements.cancellation import give_notice, notice_refusal, preview_notice
from contracts_app.services.agreements.issuing import issue_draft
from contracts_app.services.agreements.reissuing import ReissuePlan, plan_reissue, reissue_agreement, reissue_target
from contracts_app.services.agreements.status import InputRefused
from contracts_app.web.args import export_arg, sort_arg, trust_arg, unknown_trust, year_arg
from contracts_app.web.downloads import send_download
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.agreements.forms import (
    ChangeForm,
    ChargeForm,
    ConfirmForm,
    DetailsForm,
    NewAgreementForm,
    NoticeForm,
)

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@bp.app_template_filter("status_name")
def status_name(status: str) -> str:
    """An agreement status as people read it: ``notice_given`` -> ``Notice given``."""
    return STATUS_NAMES.get(status, status)


def _agreement(agreement_id: int) -> Agreement:
    return agreement_or_404(queries.get(agreement_id))


def _this_year() -> int:
    return SlaYear.containing(date.today()).start_year


@bp.route("/")
@roles_required("sla", "finance")
def index() -> ResponseReturnValue:
    """The year's agreements, filtered, with their count and annual total."""
    args = request.args
    year = year_arg(_this_year())
    sort = sort_arg(queries.SORT_KEYS, "")
    filters = queries.AgreementFilter(year, args.get("status", ""), args.get("type", ""), args.get("q", ""),
                                      trust_arg())
    if fmt := export_arg():
        return send_download(queries.export_agreements(filters, sort, fmt))
    result, count, total = queries.list_agreements(filters, args.get("page", 1, type=int),
                                                   current_app.config["PAGE_SIZE"], sort)
    return render_template("agreements/index.html", result=result, count=count, total=total, sort=sort,
                           confirm_form=ConfirmForm(), unknown_trust=unknown_trust(filters.trust_code),
                           sla_year=SlaYear(year), args=args, statuses=STATUS_NAMES)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("sla")
def new() -> ResponseReturnValue:
    """Create a draft agreement for a school (by URN) or a group."""
    form = NewAgreementForm(year=year_arg(_this_year()), urn=request.args.get("urn", type=int))
    form.group.choices = [("", "—")] + [(str(g.id), g.name) for g in queries.groups()]
    if form.validate_on_submit():
        if not form.urn.data and not form.group.data:
            form.urn.errors.append("Give a school's URN or choose a group.")
        else:
            try:
                agreement = drafts.start_draft(form.year.data, urn=form.urn.data,
                                               group_id=int(form.group.data) if form.group.data else None,
                                               from_catalogue=form.from_catalogue.data,
                                               odm_name=current_app.config["DEFAULT_ODM"])
                flash(f"Draft agreement {agreement.name} created. Choose its services.", "success")
                return redirect(url_for(".lines", agreement_id=agreement.id))
            except ActionRefused as exc:
                form.urn.errors.append(exc.message)
    return render_template("agreements/new.html", form=form)


def _schedule(agreement: Agreement) -> tuple[list[str], list, str | None]:
    try:
        periods = billing_periods(agreement.customer_type, agreement.term_start, agreement.term_end)
        return schedule_description(agreement.customer_type), periods, None
    except ScheduleError as exc:
        return schedule_description(agreement.customer_type), [], str(exc)


@bp.route("/<int:agreement_id>")
@roles_required("sla", "finance", "school")
def show(agreement_id: int) -> ResponseReturnValue:
    """One agreement: its lines, prices, billing schedule and history."""
    agreement = _agreement(agreement_id)
    facts = queries.page_facts(agreement)
    descriptions, periods, schedule_error = _schedule(agreement)
    staff = current_user.role in ("admin", "sla")
    return render_template("agreements/show.html", agreement=agreement, check=facts.check, history=facts.history,
                           charged=facts.charged,
                           schedule=descriptions, periods=periods, schedule_error=schedule_error,
                           list_names=LIST_NAMES, confirm=ConfirmForm(), charge_form=ChargeForm(),
                           staff=staff, today=date.today(), reissue_to=reissue_target(agreement) if staff else None)


@bp.route("/<int:agreement_id>/details", methods=["GET", "POST"])
@roles_required("sla")
def details(agreement_id: int) -> ResponseReturnValue:
    """Edit the term (a draft's only), ODM, purchase-order number and notes."""
    agreement = _agreement(agreement_id)
    form = DetailsForm(obj=agreement)
    if form.validate_on_submit():
        try:
            drafts.save_details(agreement, term_start=form.term_start.data, term_end=form.term_end.data,
                                odm_name=form.odm_name.data, odm_email=form.odm_email.data,
                                po_number=form.po_number.data, notes=form.notes.data)
            flash("Agreement details saved.", "success")
            return redirect(url_for(".show", agreement_id=agreement.id))
        except InputRefused as exc:
            getattr(form, exc.field).errors.append(exc.message)
        except ActionRefused as exc:
            flash(exc.message, "error")
            return redirect(url_for(".show", agreement_id=agreement.id))
    return render_template("agreements/details.html", form=form, agreement=agreement)


def _line_values(services: list[Service], agreement: Agreement) -> dict[str, dict]:
    """What the lines form shows for each service: the draft's own line, or empty."""
    current = {line.service_code: line for line in agreement.lines}
    values = {}
    for s in services:
        line = current.get(s.code)
        values[s.code] = {"list": line.list_name if line else "",
                          "qty": str(line.quantity.normalize()) if line else "1",
                          "start": line.start_date.isoformat() if line and line.start_date else ""}
    return values


def _posted_lines(services: list[Service], posted: MultiDict) -> tuple[list, dict[str, dict], dict[str, str]]:
    """The lines chosen on the form, what was typed for each service, and per-service errors."""
    items, values, errors = [], {}, {}
    for s in services:
        chosen = posted.get(f"list-{s.code}", "")
        qty_text = posted.get(f"qty-{s.code}", "1").strip() or "1"
        start_text = posted.get(f"start-{s.code}", "").strip()
        values[s.code] = {"list": chosen, "qty": qty_text, "start": start_text}
        if not chosen:
            continue
        try:
            quantity = Decimal(qty_text)
            if not quantity.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors[s.code] = f"quantity {qty_text!r} is not a number"
            continue
        try:
            start = date.fromisoformat(start_text) if start_text else None
        except ValueError:
            errors[s.code] = f"start date {start_text!r} is not a date"
            continue
        items.append(drafts.LineInput(s.code, chosen, quantity, start))
    return items, values, errors


@bp.route("/<int:agreement_id>/lines", methods=["GET", "POST"])
@roles_required("sla")
def lines(agreement_id: int) -> ResponseReturnValue:
    """Choose a draft's services in the three lists (§4.1-4.3)."""
    agreement = _agreement(agreement_id)
    if agreement.status != "draft":
        flash(f"{agreement.name} is {agreement.status}: add or remove services from a date instead.", "error")
        return redirect(url_for(".show", agreement_id=agreement.id))
    services = queries.catalogue_by_list()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        items, values, errors = _posted_lines(services, request.form)
        if not errors:
            try:
                drafts.save_lines(agreement, items)
                flash("Services saved.", "success")
                return redirect(url_for(".show", agreement_id=agreement.id))
            except ActionRefused as exc:
                code = exc.message.split(":", 1)[0]
                errors[code if code in {s.code for s in services} else "_"] = exc.message
    else:
        values = _line_values(services, agreement)
    return render_template("agreements/lines.html", agreement=agreement, services=services, values=values,
                           errors=errors, list_names=LIST_NAMES, lists=LISTS, form=ConfirmForm())


@bp.route("/<int:agreement_id>/issue", methods=["POST"])
@roles_required("sla")
def issue(agreement_id: int) -> ResponseReturnValue:
    """Issue a draft, once the confirmation page has said its annual total and invoice schedule:
    its prices are fixed from then on."""
    agreement = _agreement(agreement_id)
    if ConfirmForm().validate_on_submit():
        if not confirmed() and agreement.status == "draft":
            page = _issue_confirmation(agreement)
            if page is not None:
                return page
        try:
            issue_draft(agreement, current_user.email)
            flash(f"{agreement.name} issued: prices are fixed at {agreement.annual_total:,.2f} a year.", "success")
        except ActionRefused as exc:
            flash(f"Not issued: {exc.message}", "error")
    return redirect(url_for(".show", agreement_id=agreement_id))


def _issue_confirmation(agreement: Agreement) -> ResponseReturnValue | None:
    """What issuing will fix: the annual total and the invoices; None when it cannot be issued (the
    refusal then says why)."""
    facts = queries.page_facts(agreement)
    if facts.check is None or facts.check.problems or not facts.check.lines:
        return None
    descriptions, periods, schedule_error = _schedule(agreement)
    consequences = [f"Prices are fixed at {format_gbp(facts.check.total)} a year (before VAT) for "
                    f"{long_date(agreement.term_start)} to {long_date(agreement.term_end)}."]
    if facts.charged.total is not None and facts.charged.total != facts.check.total:
        consequences.append(f"The term charges {format_gbp(facts.charged.total)} (§2.7 pro rata).")
    consequences += [f"{p.term.capitalize()} term invoice: {long_date(p.start)} to {long_date(p.end)}."
                     for p in periods] or [schedule_error or ""]
    consequences += descriptions
    return confirmation_page(
        title=f"Issue {agreement.name}?", lead="Issuing sends the agreement: its prices cannot change afterwards.",
        consequences=consequences, action=url_for(".issue", agreement_id=agreement.id),
        back=url_for(".show", agreement_id=agreement.id),
        button=f"issue at {format_gbp(facts.check.total)} a year", fields=[])


@bp.route("/<int:agreement_id>/reissue", methods=["POST"])
@roles_required("sla")
def reissue(agreement_id: int) -> ResponseReturnValue:
    """Re-issue an issued agreement under the newest SLA template version (issue #31), once the
    confirmation page has said which version and which service levels change."""
    agreement = _agreement(agreement_id)
    if ConfirmForm().validate_on_submit():
        try:
            if not confirmed():
                return _reissue_confirmation(plan_reissue(agreement))
            plan = reissue_agreement(agreement, current_user.email)
            flash(f"{agreement.name} re-issued under SLA template v{plan.new.version}: its document and the service "
                  "desk report use that version's service levels from now on.", "success")
        except ActionRefused as exc:
            flash(f"Not re-issued: {exc.message}", "error")
    return redirect(url_for(".show", agreement_id=agreement_id))


def _reissue_confirmation(plan: ReissuePlan) -> ResponseReturnValue:
    """What re-issuing changes: the version, and each service level that differs."""
    agreement = plan.agreement
    consequences = [f"The SLA document is regenerated under SLA template v{plan.new.version} ({plan.new.title}), "
                    f"replacing {plan.old_name}.",
                    "The service desk report measures the school's tickets against that version's service levels.",
                    *(plan.changes or ["Its service levels are the same as before."]),
                    "Prices, services and the term stay as issued."]
    return confirmation_page(
        title=f"Re-issue {agreement.name} under v{plan.new.version}?",
        lead="Re-issuing cannot be undone: the agreement keeps the new version from now on.",
        consequences=consequences, action=url_for(".reissue", agreement_id=agreement.id),
        back=url_for(".show", agreement_id=agreement.id), button=f"re-issue under v{plan.new.version}", fields=[])


@bp.route("/<int:agreement_id>/withdraw", methods=["POST"])
@roles_required("sla")
def withdraw(agreement_id: int) -> ResponseReturnValue:
    """Withdraw a draft that will not be issued."""
    agreement = _agreement(agreement_id)
    if ConfirmForm().validate_on_submit():
        if not confirmed() and agreement.status == "draft":
            return confirmation_page(
                title=f"Withdraw the draft {agreement.name}?",
                lead=f"The {agreement.name} draft will never be issued: it becomes cancelled.",
                consequences=["It can no longer be edited or issued; a new draft would start from scratch.",
                              "The school never saw it, so it is not told."],
                action=url_for(".withdraw", agreement_id=agreement.id),
                back=url_for(".show", agreement_id=agreement.id), button="withdraw the draft", fields=[])
        try:
            drafts.withdraw_draft(agreement)
            flash(f"Draft {agreement.name} withdrawn.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".show", agreement_id=agreement_id))


@bp.route("/<int:agreement_id>/change", methods=["GET", "POST"])
@roles_required("sla")
def change(agreement_id: int) -> ResponseReturnValue:
    """Add or remove a service of an issued agreement from a date."""
    agreement = _agreement(agreement_id)
    form = ChangeForm()
    form.service.choices = [(s.code, f"{s.code} {s.title}") for s in queries.services_offered()]
    if form.validate_on_submit():
        try:
            if form.action.data == "add":
                line = changes.add_service_by_code(agreement, form.service.data, form.quantity.data or Decimal(1),
                                                   form.from_date.data)
                flash(f"{line.service_code} added from {form.from_date.data:%d %B %Y}; invoicing charges it pro "
                      "rata.", "success")
            else:
                line = changes.remove_service_by_code(agreement, form.service.data, form.from_date.data)
                flash(f"{line.service_code} stops from {form.from_date.data:%d %B %Y}. It is still owed for the "
                      "term (§2.5 d) unless finance issues a credit note.", "success")
            return redirect(url_for(".show", agreement_id=agreement.id))
        except ActionRefused as exc:
            form.service.errors.append(exc.message)
    return render_template("agreements/change.html", form=form, agreement=agreement)


def _notice_terms(form: NoticeForm, school_user: bool) -> dict:
    """The notice as the form gives it; a school's own notice is dated today, by the school (§2.4 a)."""
    if school_user:
        return {"notice_date": date.today(), "requested_date": form.requested_date.data, "given_by": "school",
                "fundamental_breach": False, "entered_by": "school"}
    return {"notice_date": form.notice_date.data, "requested_date": form.requested_date.data,
            "given_by": form.given_by.data, "fundamental_breach": form.fundamental_breach.data, "entered_by": "staff"}


@bp.route("/<int:agreement_id>/notice", methods=["GET", "POST"])
@roles_required("sla", "school")
def notice(agreement_id: int) -> ResponseReturnValue:
    """Written notice of cancellation (§2.4): first what it will do (the effective date, whether
    the agreement is cancelled or ends at its term end), then, once confirmed, recorded."""
    agreement = _agreement(agreement_id)
    school_user = current_user.role == "school"
    refusal = notice_refusal(agreement)
    if refusal:  # an agreement not started yet takes no notice: say what to do instead, offer no form
        return render_template("agreements/notice_refused.html", agreement=agreement, message=refusal), 409
    form = NoticeForm(notice_date=date.today())
    if school_user:  # no notice date, party or breach for a school to choose
        del form.notice_date, form.given_by, form.fundamental_breach
    outcome = None
    if form.validate_on_submit():
        terms = _notice_terms(form, school_user)
        try:
            if form.confirmed.data != "yes":
                outcome = preview_notice(agreement, **terms)
            else:
                notice_row = give_notice(agreement, **terms, reason=form.reason.data or "",
                                         recorded_by=current_user.email)
                flash(f"Notice recorded: {notice_row.outcome.text}.", "success")
                return redirect(url_for(".show", agreement_id=agreement.id))
        except InputRefused as exc:  # a field a school's form lacks (deleted: None) gets the message too
            (form._fields.get(exc.field) or form.requested_date).errors.append(exc.message)
        except ActionRefused as exc:
            form.requested_date.errors.append(exc.message)
    return render_template("agreements/notice.html", form=form, agreement=agreement, school_user=school_user,
                           outcome=outcome, today=date.today(),
                           earliest=notice_outcome(earliest_effective_date(date.today()), agreement.term_end))


@bp.route("/<int:agreement_id>/charges", methods=["POST"])
@roles_required("sla", "finance")
def add_charge(agreement_id: int) -> ResponseReturnValue:
    """Add a one-off charge (§2.5 e)."""
    agreement = _agreement(agreement_id)
    form = ChargeForm()
    if form.validate_on_submit():
        try:
            changes.add_charge(agreement, form.description.data, form.amount.data, form.vat_code.data,
                               current_user.email)
            flash("Charge added; the next invoice run invoices it.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    else:
        for name, errors in form.errors.items():
            flash(f"{getattr(form, name).label.text}: {'; '.join(errors)}", "error")
    return redirect(url_for(".show", agreement_id=agreement_id))


# The drafts chosen on the list, issued together (web/agreements/bulk.py).
bp.add_url_rule("/issue-chosen", view_func=roles_required("sla")(bulk.issue_chosen_drafts), methods=["POST"])
