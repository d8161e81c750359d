"""Ad hoc work: requests, estimates, authorisation, time and charging (SLA §2.6, §7.2-7.4, §9.4-9.5).

Staff (the SLA team) create requests, estimate them, record written authorisations,
log time and complete the work; finance reads them and invoices them through the
invoice run; a school user sees its own school's requests in the portal and
authorises or declines their estimates there.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from pricing.sla_year import SlaYear

from contracts_app.access import can_see_school, roles_required
from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, AuditEvent, School, TimeEntry
from contracts_app.services import adhoc as service
from pricing.errors import ActionRefused, ImportRefused
from contracts_app.web.adhoc.forms import (
    CompleteForm,
    ConfirmForm,
    DeclineForm,
    DetailsForm,
    EstimateForm,
    ImportForm,
    PortalAuthorisationForm,
    RequestForm,
    TimeForm,
    WrittenAuthorisationForm,
)
from adhoc.lifecycle import (
    AWAITING_SCHOOL,
    BOOKABLE,
    KIND_NAMES,
    KIND_SECTIONS,
    STATUS_NAMES,
    kind_name,
    status_name,
)

bp = Blueprint("adhoc", __name__, url_prefix="/adhoc")


@bp.app_template_filter("adhoc_status")
def adhoc_status(status: str) -> str:
    return status_name(status)


@bp.app_template_filter("adhoc_kind")
def adhoc_kind(kind: str) -> str:
    return kind_name(kind)


def _request(request_id: int) -> AdHocRequest:
    """The request, or 404 - also for a school user asking for another school's."""
    found = db.session.get(AdHocRequest, request_id)
    if found is None or not can_see_school(found.school_id):
        abort(404)
    return found


def _refused(form: FlaskForm, exc: ActionRefused) -> None:
    """Show a refusal beside the field it is about, or as a message at the top."""
    db.session.rollback()
    name = getattr(exc, "field", None)
    if name and hasattr(form, name):
        getattr(form, name).errors.append(exc.message)
    else:
        flash(exc.message, "error")


def _back(found: AdHocRequest, message: str):
    flash(message, "error")
    return redirect(url_for(".show", request_id=found.id))


def _who() -> str:
    return current_user.name or current_user.email


@bp.route("/")
@roles_required("sla", "finance")
def index():
    args = request.args
    result = service.list_requests(args.get("status", ""), args.get("kind", ""), args.get("q", ""),
                                   args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_template("adhoc/index.html", result=result, args=args, statuses=STATUS_NAMES, kinds=KIND_NAMES,
                           counts=service.status_counts())


@bp.route("/new", methods=["GET", "POST"])
@roles_required("sla")
def new():
    form = RequestForm(urn=request.args.get("urn", type=int))
    if form.validate_on_submit():
        school = db.session.scalar(select(School).where(School.urn == form.urn.data))
        if school is None:
            form.urn.errors.append(f"No school with URN {form.urn.data}.")
        else:
            try:
                found = service.create_request(school, form.reference.data, form.kind.data, form.description.data,
                                               third_party=form.third_party.data or "",
                                               intervention_report=form.intervention_report.data or "",
                                               by=current_user.email)
                flash(f"Request {found.reference} created for {school.name}.", "success")
                return redirect(url_for(".show", request_id=found.id))
            except ActionRefused as exc:
                _refused(form, exc)
    return render_template("adhoc/new.html", form=form)


@bp.route("/import", methods=["GET", "POST"])
@roles_required("sla")
def import_file():
    form = ImportForm()
    report = problems = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = service.import_time_log(upload.read(), upload.filename or "time log")
            flash(f"Time log imported: {report.summary()}.", "success")
        except ImportRefused as exc:
            db.session.rollback()
            problems = exc
    return render_template("adhoc/import.html", form=form, report=report, problems=problems)


@bp.route("/portal")
@roles_required("school")
def portal():
    requests = service.portal_requests(current_user.school_ids())
    waiting = [r for r in requests if r.status == "estimated"]
    estimates = {r.id: service.estimate_document(r) for r in requests}
    return render_template("adhoc/portal.html", requests=requests, waiting=waiting, estimates=estimates)


@bp.route("/<int:request_id>")
@roles_required("sla", "finance", "school")
def show(request_id: int):
    found = _request(request_id)
    staff = current_user.role in ("admin", "sla")
    history = []
    if current_user.role != "school":
        history = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "AdHocRequest",
                                                              AuditEvent.entity_id == str(found.id))
                                     .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    return render_template("adhoc/show.html", req=found, estimate=service.estimate_document(found),
                           charge=service.charge(found), invoice=service.invoice_of(found), history=history,
                           staff=staff, sections=KIND_SECTIONS, awaiting=AWAITING_SCHOOL, bookable=BOOKABLE)


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@roles_required("sla")
def edit(request_id: int):
    found = _request(request_id)
    if found.status in ("invoiced", "declined"):
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}; its details can no longer "
                            "change.")
    form = DetailsForm(obj=found)
    if form.validate_on_submit():
        try:
            service.update_details(found, description=form.description.data,
                                   third_party=form.third_party.data or "",
                                   intervention_report=form.intervention_report.data or "")
            flash("Details saved.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/edit.html", form=form, req=found)


@bp.route("/<int:request_id>/estimate", methods=["GET", "POST"])
@roles_required("sla")
def estimate(request_id: int):
    found = _request(request_id)
    if found.status not in AWAITING_SCHOOL:
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}; its estimate is what the "
                            "school answered and can no longer change.")
    form = EstimateForm(hours=found.estimate_hours,
                        sla_year=found.estimate_sla_year or SlaYear.containing(date.today()).start_year)
    if form.validate_on_submit():
        try:
            service.set_estimate(found, form.hours.data, form.sla_year.data, current_user.email)
            flash("Estimate saved. The school can authorise it in the portal, or you can record its written "
                  "authorisation.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/estimate.html", form=form, req=found,
                           customer_types=service.customer_types_name(found.school.customer_type))


@bp.route("/<int:request_id>/estimate.pdf")
@roles_required("sla", "finance", "school")
def estimate_pdf(request_id: int):
    found = _request(request_id)
    data = service.estimate_pdf(found)
    if data is None:
        abort(404)  # no estimate has been given yet
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=estimate-{found.reference}.pdf"})


@bp.route("/<int:request_id>/report.pdf")
@roles_required("sla", "finance", "school")
def report_pdf(request_id: int):
    found = _request(request_id)
    data = service.report_pdf(found)
    if data is None:
        abort(404)  # only rework has a §9.5 report
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=rework-report-{found.reference}.pdf"})


@bp.route("/<int:request_id>/authorisation", methods=["GET", "POST"])
@roles_required("sla")
def record_authorisation(request_id: int):
    found = _request(request_id)
    if found.status not in AWAITING_SCHOOL:
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}: only a request awaiting the "
                            "school's answer can be authorised.")
    form = WrittenAuthorisationForm(authorised_on=date.today())
    if form.validate_on_submit():
        try:
            service.authorise(found, name=form.name.data, on=form.authorised_on.data, via="written")
            flash(f"Written authorisation recorded: time can now be logged against {found.reference}.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/authorisation.html", form=form, req=found, estimate=service.estimate_document(found))


@bp.route("/<int:request_id>/authorise", methods=["GET", "POST"])
@roles_required("school")
def authorise(request_id: int):
    found = _request(request_id)
    if found.status != "estimated":
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}: there is no estimate "
                            "waiting for your authorisation.")
    form = PortalAuthorisationForm(name=current_user.name or None)
    if form.validate_on_submit():
        try:
            service.authorise(found, name=form.name.data, on=date.today(), via="portal", user_id=current_user.id)
            flash(f"Thank you: {found.reference} is authorised. We will start the work and invoice it when it is "
                  "complete.", "success")
            return redirect(url_for(".portal") if current_user.role == "school" else
                            url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/authorise.html", form=form, req=found, estimate=service.estimate_document(found))


@bp.route("/<int:request_id>/decline", methods=["GET", "POST"])
@roles_required("sla", "school")
def decline(request_id: int):
    found = _request(request_id)
    if found.status not in AWAITING_SCHOOL:
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}: only a request awaiting the "
                            "school's answer can be declined.")
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            service.decline(found, form.reason.data)
            flash(f"{found.reference} declined: no work will be done or charged.", "success")
            if current_user.role == "school":
                return redirect(url_for(".portal"))
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/decline.html", form=form, req=found, estimate=service.estimate_document(found))


@bp.route("/<int:request_id>/time", methods=["GET", "POST"])
@roles_required("sla")
def time(request_id: int):
    found = _request(request_id)
    form = TimeForm(work_date=date.today(), who=_who())
    if form.validate_on_submit():
        try:
            entry = service.log_time(found, form.work_date.data, form.minutes.data, form.who.data or "",
                                     form.note.data or "")
            flash(f"{entry.minutes} minutes on {entry.work_date:%d %B %Y} logged against {found.reference}.",
                  "success")
            return redirect(url_for(".time", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/time.html", form=form, req=found, charge=service.charge(found),
                           can_log=found.status in BOOKABLE, delete_form=ConfirmForm())


@bp.route("/<int:request_id>/time/<int:time_entry_id>/delete", methods=["POST"])
@roles_required("sla")
def delete_time(request_id: int, time_entry_id: int):
    found = _request(request_id)
    entry = db.session.get(TimeEntry, time_entry_id)
    if entry is None or entry.request_id != found.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            service.delete_time(entry)
            flash("Time entry removed.", "success")
        except ActionRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for(".time", request_id=found.id))


@bp.route("/<int:request_id>/complete", methods=["GET", "POST"])
@roles_required("sla")
def complete(request_id: int):
    found = _request(request_id)
    if found.status != "in_progress":
        return _back(found, f"{found.reference} is {status_name(found.status).lower()}: only work in progress (with "
                            "time logged) can be completed.")
    form = CompleteForm(completed_on=date.today())
    if form.validate_on_submit():
        try:
            service.complete(found, form.completed_on.data)
            flash(f"{found.reference} is complete; the next invoice run invoices it.", "success")
            return redirect(url_for(".show", request_id=found.id))
        except ActionRefused as exc:
            _refused(form, exc)
    return render_template("adhoc/complete.html", form=form, req=found, charge=service.charge(found))
