"""Ad hoc work: requests, estimates, authorisation, time and charging (SLA §2.6, §7.2-7.4, §9.4-9.5).

Staff (the SLA team) create requests, estimate them, record written authorisations,
log time and complete the work; finance reads them and invoices them through the
invoice run; a school user sees its own school's requests in the portal and
authorises or declines their estimates there.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from adhoc.charging import customer_types_name
from adhoc.lifecycle import (
    AWAITING_SCHOOL,
    BOOKABLE,
    KIND_NAMES,
    KIND_SECTIONS,
    STATUS_NAMES,
    kind_name,
    status_name,
)
from adhoc.requests_import import COLUMNS, OPTIONAL_COLUMNS
from contracts_app.access import can_see_school, roles_required
from contracts_app.models import AdHocRequest
from contracts_app.services.adhoc import charges, documents, lifecycle, queries
from contracts_app.services.jobs.imports import import_or_queue
from contracts_app.web.args import export_arg, sort_arg
from contracts_app.web.downloads import send_download
from contracts_app.web.adhoc.forms import (
    CompleteForm,
    ConfirmForm,
    DeclineForm,
    DetailsForm,
    EstimateForm,
    ImportForm,
    PortalAuthorisationForm,
    RequestForm,
    RequestsImportForm,
    TimeForm,
    WrittenAuthorisationForm,
)
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

bp = Blueprint("adhoc", __name__, url_prefix="/adhoc")


@bp.app_template_filter("adhoc_status")
def adhoc_status(status: str) -> str:
    """A request's status in words."""
    return status_name(status)


@bp.app_template_filter("adhoc_kind")
def adhoc_kind(kind: str) -> str:
    """A request's kind in words."""
    return kind_name(kind)


def _request(request_id: int) -> AdHocRequest:
    """The request, or 404 - also for a school user asking for another school's."""
    found = queries.get(request_id)
    if found is None or not can_see_school(found.school_id):
        abort(404)
    return found


def _refused(form: FlaskForm, exc: ActionRefused) -> None:
    """Show a refusal beside the field it is about, or as a message at the top (the service rolled back)."""
    name = getattr(exc, "field", None)
    if name and hasattr(form, name):
        getattr(form, name).errors.append(exc.message)
    else:
        flash(exc.message, "error")


def _back(found: AdHocRequest, message: str) -> ResponseReturnValue:
    """Back to the request's page with why the action is not open to it."""
    flash(message, "error")
    return redirect(url_for(".show", request_id=found.id))


def _who() -> str:
    """The signed-in user as a time entry names them."""
    return current_user.name or current_user.email


@bp.route("/")
@roles_required("sla", "finance")
def index() -> ResponseReturnValue:
    """Every request, filtered by status, kind and school or reference."""
    args = request.args
    filters = (args.get("status", ""), args.get("kind", ""), args.get("q", ""))
    sort = sort_arg(queries.SORT_KEYS, "created", descending=True)
    if fmt := export_arg():
        return send_download(queries.export_requests(*filters, sort, fmt))
    listed = queries.request_list(*filters, args.get("page", 1, type=int), current_app.config["PAGE_SIZE"], sort)
    return render_template("adhoc/index.html", result=listed.result, args=args, statuses=STATUS_NAMES,
                           kinds=KIND_NAMES, counts=listed.counts, sort=sort)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("sla")
def new() -> ResponseReturnValue:
    """A new request for a school, named by its URN."""
    form = RequestForm(urn=request.args.get("urn", type=int))
    if form.validate_on_submit():
        try:
            found = lifecycle.create_for_urn(form.urn.data, form.reference.data, form.kind.data,
                                             form.description.data, third_party=form.third_party.data or "",
                                             intervention_report=form.intervention_report.data or "",
                                             by=current_user.email)
            flash(f"Request {found.reference} created for {found.school.name}.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/new.html", form=form)


@bp.route("/import", methods=["GET", "POST"])
@roles_required("sla")
def import_file() -> ResponseReturnValue:
    """The service desk's time log, uploaded: all or nothing."""
    form = ImportForm()
    report = problems = None
    if form.validate_on_submit():
        report, problems, job = import_or_queue("import_time_log", form.file.data, current_user)
        if job is not None:  # a long file: imported by the job queue, its page shows the bar
            return redirect(url_for("jobs.show", job_id=job.id))
        if report is not None:
            flash(f"Time log imported: {report.summary()}.", "success")
    return render_template("adhoc/import.html", form=form, report=report, problems=problems)


@bp.route("/requests/import", methods=["GET", "POST"])
@roles_required("sla")
def import_requests() -> ResponseReturnValue:
    """Requests raised in the call-logging system, uploaded: created, estimated, authorised; all or nothing."""
    form = RequestsImportForm()
    report = problems = None
    if form.validate_on_submit():
        report, problems, job = import_or_queue("import_adhoc_requests", form.file.data, current_user)
        if job is not None:  # a long file: imported by the job queue, its page shows the bar
            return redirect(url_for("jobs.show", job_id=job.id))
        if report is not None:
            flash(f"Ad hoc requests imported: {report.summary()}.", "success")
    return render_template("adhoc/requests_import.html", form=form, report=report, problems=problems,
                           columns=COLUMNS + OPTIONAL_COLUMNS)


@bp.route("/portal")
@roles_required("school")
def portal() -> ResponseReturnValue:
    """A school user's requests, estimates waiting for the school's answer first."""
    facts = queries.portal(current_user.school_ids())
    return render_template("adhoc/portal.html", requests=facts.requests, waiting=facts.waiting,
                           estimates=facts.estimates)


@bp.route("/<int:request_id>")
@roles_required("sla", "finance", "school")
def show(request_id: int) -> ResponseReturnValue:
    """One request: its estimate, authorisation, time, charge, invoice and (for staff) history."""
    found = _request(request_id)
    staff = current_user.role in ("admin", "sla")
    facts = queries.page_facts(found, with_history=current_user.role != "school")
    return render_template("adhoc/show.html", req=found, estimate=facts.estimate, charge=facts.charge,
                           invoice=facts.invoice, history=facts.history, staff=staff, sections=KIND_SECTIONS,
                           awaiting=AWAITING_SCHOOL, bookable=BOOKABLE)


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@roles_required("sla")
def edit(request_id: int) -> ResponseReturnValue:
    """Correct the description, third party and §9.5 report."""
    found = _request(request_id)
    if found.status in ("invoiced", "declined"):
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}; its details can no longer "
                            "change.")
    form = DetailsForm(obj=found)
    if form.validate_on_submit():
        try:
            lifecycle.update_details(found, description=form.description.data,
                                     third_party=form.third_party.data or "",
                                     intervention_report=form.intervention_report.data or "")
            flash("Details saved.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/edit.html", form=form, req=found)


@bp.route("/<int:request_id>/estimate", methods=["GET", "POST"])
@roles_required("sla")
def estimate(request_id: int) -> ResponseReturnValue:
    """Give or change the estimate while the school has not answered (§7.3)."""
    found = _request(request_id)
    if found.status not in AWAITING_SCHOOL:
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}; its estimate is what the "
                            "school answered and can no longer change.")
    form = EstimateForm(hours=found.estimate_hours,
                        sla_year=found.estimate_sla_year or SlaYear.containing(date.today()).start_year)
    if form.validate_on_submit():
        try:
            lifecycle.set_estimate(found, form.hours.data, form.sla_year.data, current_user.email)
            flash("Estimate saved. The school can authorise it in the portal, or you can record its written "
                  "authorisation.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/estimate.html", form=form, req=found,
                           customer_types=customer_types_name(found.school.customer_type))


@bp.route("/<int:request_id>/estimate.pdf")
@roles_required("sla", "finance", "school")
def estimate_pdf(request_id: int) -> ResponseReturnValue:
    """The estimate as a PDF (§7.3)."""
    found = _request(request_id)
    data = documents.estimate_pdf(found)
    if data is None:
        abort(404)  # no estimate has been given yet
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=estimate-{found.reference}.pdf"})


@bp.route("/<int:request_id>/report.pdf")
@roles_required("sla", "finance", "school")
def report_pdf(request_id: int) -> ResponseReturnValue:
    """A rework request's §9.5 report as a PDF."""
    found = _request(request_id)
    data = documents.report_pdf(found)
    if data is None:
        abort(404)  # only rework has a §9.5 report
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=rework-report-{found.reference}.pdf"})


@bp.route("/<int:request_id>/authorisation", methods=["GET", "POST"])
@roles_required("sla")
def record_authorisation(request_id: int) -> ResponseReturnValue:
    """Staff record the school's written authorisation (§7.3, §9.4)."""
    found = _request(request_id)
    if found.status not in AWAITING_SCHOOL:
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}: only a request awaiting the "
                            "school's answer can be authorised.")
    form = WrittenAuthorisationForm(authorised_on=date.today())
    if form.validate_on_submit():
        try:
            lifecycle.authorise(found, name=form.name.data, on=form.authorised_on.data, via="written")
            flash(f"Written authorisation recorded: time can now be logged against {found.reference}.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/authorisation.html", form=form, req=found,
                           estimate=documents.estimate_document(found))


@bp.route("/<int:request_id>/authorise", methods=["GET", "POST"])
@roles_required("school")
def authorise(request_id: int) -> ResponseReturnValue:
    """A school user authorises the estimate in the portal (§7.3)."""
    found = _request(request_id)
    if found.status != "estimated":
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}: there is no estimate "
                            "waiting for your authorisation.")
    form = PortalAuthorisationForm(name=current_user.name or None)
    if form.validate_on_submit():
        try:
            lifecycle.authorise(found, name=form.name.data, on=date.today(), via="portal",
                                user_id=current_user.id)
            flash(f"Thank you: {found.reference} is authorised. We will start the work and invoice it when it is "
                  "complete.", "success")
            return redirect(url_for(".portal") if current_user.role == "school" else
                            url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/authorise.html", form=form, req=found,
                           estimate=documents.estimate_document(found))


@bp.route("/<int:request_id>/decline", methods=["GET", "POST"])
@roles_required("sla", "school")
def decline(request_id: int) -> ResponseReturnValue:
    """The school turns the request down; nothing is done or charged."""
    found = _request(request_id)
    if found.status not in AWAITING_SCHOOL:
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}: only a request awaiting the "
                            "school's answer can be declined.")
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            lifecycle.decline(found, form.reason.data)
            flash(f"{found.reference} declined: no work will be done or charged.", "success")
            if current_user.role == "school":
                return redirect(url_for(".portal"))
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/decline.html", form=form, req=found,
                           estimate=documents.estimate_document(found))


@bp.route("/<int:request_id>/time", methods=["GET", "POST"])
@roles_required("sla")
def time(request_id: int) -> ResponseReturnValue:
    """Book time to the request, and see what it comes to so far (§2.6)."""
    found = _request(request_id)
    form = TimeForm(work_date=date.today(), who=_who())
    if form.validate_on_submit():
        try:
            entry = lifecycle.log_time(found, form.work_date.data, form.minutes.data, form.who.data or "",
                                       form.note.data or "")
            flash(f"{entry.minutes} minutes on {entry.work_date:%d %B %Y} logged against {found.reference}.",
                  "success")
            return redirect(url_for(".time", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/time.html", form=form, req=found, charge=charges.charge(found),
                           can_log=found.status in BOOKABLE, delete_form=ConfirmForm())


@bp.route("/<int:request_id>/time/<int:time_entry_id>/delete", methods=["POST"])
@roles_required("sla")
def delete_time(request_id: int, time_entry_id: int) -> ResponseReturnValue:
    """Remove a mistaken time entry while the work is open."""
    found = _request(request_id)
    entry = queries.time_entry(found, time_entry_id)
    if entry is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            lifecycle.delete_time(entry)
            flash("Time entry removed.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".time", request_id=found.id))


@bp.route("/<int:request_id>/complete", methods=["GET", "POST"])
@roles_required("sla")
def complete(request_id: int) -> ResponseReturnValue:
    """Mark the work complete (§7.4); the next invoice run invoices it."""
    found = _request(request_id)
    if found.status != "in_progress":
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}: only work in progress (with "
                            "time logged) can be completed.")
    form = CompleteForm(completed_on=date.today())
    if form.validate_on_submit():
        try:
            lifecycle.complete(found, form.completed_on.data)
            flash(f"{found.reference} is complete; the next invoice run invoices it.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/complete.html", form=form, req=found, charge=charges.charge(found))
