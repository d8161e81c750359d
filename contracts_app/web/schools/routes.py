"""The school register pages."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contracts_app.access import roles_required, school_or_404
from contracts_app.models import KeyStakeholder, School
from contracts_app.services import schools as schools_service
from contracts_app.services.jobs.imports import import_or_queue
from contracts_app.services.invoicing import statements
from contracts_app.services.register import links as links_service
from contracts_app.web.args import export_arg, sort_arg
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.downloads import send_download
from contracts_app.web.schools.forms import CustomerTypeForm, DeleteForm, ImportForm, LinksImportForm, StakeholderForm

bp = Blueprint("schools", __name__, url_prefix="/schools")


def _school(urn: int) -> School:
    return school_or_404(schools_service.by_urn(urn))


def _contact(school: School, contact_id: int) -> KeyStakeholder:
    contact = schools_service.stakeholder(school, contact_id)
    if contact is None:
        abort(404)
    return contact


def _contact_values(form: StakeholderForm) -> dict[str, str]:
    return {name: getattr(form, name).data for name in schools_service.STAKEHOLDER_FIELDS}


def _can_edit_contacts(school: School) -> bool:
    return current_user.role in ("admin", "sla", "school")


@bp.route("/")
@roles_required("sla", "finance")
def index() -> ResponseReturnValue:
    """Search the register by name, URN or postcode."""
    q = request.args.get("q", "")
    customer_type = request.args.get("type", "")
    sort = sort_arg(schools_service.SORTS, "name")
    if fmt := export_arg():
        return send_download(schools_service.export(q, customer_type, sort, fmt))
    page = request.args.get("page", 1, type=int)
    result = schools_service.search(q, customer_type, page, current_app.config["PAGE_SIZE"], sort=sort)
    return render_template("schools/index.html", result=result, q=q, customer_type=customer_type, sort=sort)


@bp.route("/import", methods=["GET", "POST"])
@roles_required("sla")
def import_file() -> ResponseReturnValue:
    """Upload a GIAS extract: the whole file is imported or nothing is."""
    form = ImportForm()
    report = problems = None
    if form.validate_on_submit():
        report, problems, job = import_or_queue("import_schools", form.file.data, current_user)
        if job is not None:  # a long file: imported by the job queue, its page shows the bar
            return redirect(url_for("jobs.show", job_id=job.id))
        if report is not None:
            flash(f"Schools imported: {report.summary()}.", "success")
    return render_template("schools/import.html", form=form, report=report, problems=problems)


@bp.route("/links/import", methods=["GET", "POST"])
@roles_required("sla")
def import_links() -> ResponseReturnValue:
    """Upload GIAS's links file: it replaces the stored links, all or nothing."""
    form = LinksImportForm()
    report = problems = None
    if form.validate_on_submit():
        report, problems, job = import_or_queue("import_school_links", form.file.data, current_user)
        if job is not None:  # the national file (2.4 MB) is imported by the job queue
            return redirect(url_for("jobs.show", job_id=job.id))
        if report is not None:
            flash(f"Links imported: {report.summary()}.", "success")
    return render_template("schools/links_import.html", form=form, report=report, problems=problems)


@bp.route("/<int:urn>")
@roles_required("sla", "finance", "school")
def show(urn: int) -> ResponseReturnValue:
    """A school with its customer type, GIAS status, predecessors and successors, key stakeholders
    and census figures."""
    school = _school(urn)
    return _show(school, CustomerTypeForm(override=school.customer_type_override or "",
                                          reason=school.override_reason or ""))


def _show(school: School, type_form: CustomerTypeForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "schools/show.html", school=school, type_form=type_form, links=links_service.links_of(school),
        delete_form=DeleteForm(), can_edit_contacts=_can_edit_contacts(school),
        can_edit_school=current_user.role in ("admin", "sla"),
    ), status


@bp.route("/<int:urn>/customer-type", methods=["POST"])
@roles_required("sla")
def customer_type(urn: int) -> ResponseReturnValue:
    """Override the customer type derived from GIAS, with a reason, or go back to it."""
    school = _school(urn)
    form = CustomerTypeForm()
    if form.validate_on_submit():
        schools_service.set_customer_type(school, form.override.data, form.reason.data)
        flash(f"Customer type is now: {school.customer_type_label}.", "success")
        return redirect(url_for(".show", urn=urn))
    return _show(school, form, 400)


@bp.route("/<int:urn>/stakeholders/new", methods=["GET", "POST"])
@roles_required("sla", "school")
def new_stakeholder(urn: int) -> ResponseReturnValue:
    """Add a key stakeholder to the school."""
    school = _school(urn)
    form = StakeholderForm()
    if form.validate_on_submit():
        contact = schools_service.add_stakeholder(school, **_contact_values(form))
        flash(f"{contact.name} added as a key stakeholder.", "success")
        return redirect(url_for(".show", urn=urn))
    return render_template("schools/stakeholder_form.html", school=school, form=form, contact=None)


@bp.route("/<int:urn>/stakeholders/<int:contact_id>/edit", methods=["GET", "POST"])
@roles_required("sla", "school")
def edit_stakeholder(urn: int, contact_id: int) -> ResponseReturnValue:
    """Change one of the school's key stakeholders."""
    school = _school(urn)
    contact = _contact(school, contact_id)
    form = StakeholderForm(obj=contact)
    if form.validate_on_submit():
        schools_service.update_stakeholder(contact, **_contact_values(form))
        flash(f"{contact.name} updated.", "success")
        return redirect(url_for(".show", urn=urn))
    return render_template("schools/stakeholder_form.html", school=school, form=form, contact=contact)


@bp.route("/<int:urn>/stakeholders/<int:contact_id>/delete", methods=["POST"])
@roles_required("sla", "school")
def delete_stakeholder(urn: int, contact_id: int) -> ResponseReturnValue:
    """Remove one of the school's key stakeholders."""
    school = _school(urn)
    contact = _contact(school, contact_id)
    if not DeleteForm().validate_on_submit():
        return redirect(url_for(".show", urn=urn))
    if not confirmed():
        return _removal_confirmation(school, contact)
    schools_service.remove_stakeholder(contact)
    flash(f"{contact.name} removed.", "success")
    return redirect(url_for(".show", urn=urn))


def _removal_confirmation(school: School, contact: KeyStakeholder) -> ResponseReturnValue:
    """What removing a key stakeholder stops: the emails they receive for the school."""
    receives = [what for what, flag in (("invoices", contact.invoices), ("agreements", contact.agreements),
                                        ("notices", contact.notices)) if flag]
    return confirmation_page(
        title=f"Remove {contact.name} from {school.name}?",
        lead=f"{contact.name}{f' ({contact.role})' if contact.role else ''} is no longer one of "
             f"{school.name}'s key stakeholders.",
        consequences=[f"They stop receiving the school's {', '.join(receives)} by email." if receives
                      else "They receive nothing by email today, so no email changes.",
                      "New SLA documents no longer list them; documents already issued keep them."],
        action=url_for(".delete_stakeholder", urn=school.urn, contact_id=contact.id),
        back=url_for(".show", urn=school.urn), button=f"remove {contact.name}", fields=[],
        undo="To undo it, add them again as a key stakeholder.")


def _as_of() -> date:
    """The statement's date: ?as_of=YYYY-MM-DD, today by default; anything else is a 400 naming it."""
    raw = request.args.get("as_of", "").strip()
    if not raw:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"as_of: {raw[:20]!r} is not a date (use YYYY-MM-DD).")


@bp.route("/<int:urn>/statement")
@roles_required("finance", "sla", "school")
def statement(urn: int) -> ResponseReturnValue:
    """The school's statement of account: everything on its account with a running balance and ageing."""
    school = _school(urn)
    as_of = _as_of()
    return render_template("schools/statement.html", school=school, statement=statements.statement(school, as_of))


@bp.route("/<int:urn>/statement.pdf")
@roles_required("finance", "sla", "school")
def statement_pdf(urn: int) -> ResponseReturnValue:
    """The statement of account as a PDF, to send to the school."""
    school = _school(urn)
    as_of = _as_of()
    return Response(statements.statement_pdf(school.id, as_of), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=statement-{school.urn}-{as_of.isoformat()}.pdf"})


# -- register changes (issue #28): contracts_app/web/schools/changes.py, nested as schools.changes.* --
from contracts_app.web.schools.changes import bp as changes_bp  # noqa: E402 - its own block, kept apart

bp.register_blueprint(changes_bp)
