"""The school register pages."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from contracts_app.access import roles_required, school_or_404
from contracts_app.extensions import db
from contracts_app.models import KeyStakeholder, School
from pricing.errors import ImportRefused
from contracts_app.services.schools_import import import_schools
from contracts_app.web.schools.forms import CustomerTypeForm, DeleteForm, ImportForm, StakeholderForm
from contracts_app.services.queries import search_schools

bp = Blueprint("schools", __name__, url_prefix="/schools")


def _school(urn: int) -> School:
    return school_or_404(db.session.scalar(select(School).where(School.urn == urn)))


def _can_edit_contacts(school: School) -> bool:
    return current_user.role in ("admin", "sla", "school")


@bp.route("/")
@roles_required("sla", "finance")
def index():
    q = request.args.get("q", "")
    customer_type = request.args.get("type", "")
    page = request.args.get("page", 1, type=int)
    result = search_schools(q, customer_type, page, current_app.config["PAGE_SIZE"])
    return render_template("schools/index.html", result=result, q=q, customer_type=customer_type)


@bp.route("/import", methods=["GET", "POST"])
@roles_required("sla")
def import_file():
    form = ImportForm()
    report = problems = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_schools(upload.read(), upload.filename or "upload")
            flash(f"Schools imported: {report.summary()}.", "success")
        except ImportRefused as exc:
            db.session.rollback()
            problems = exc
    return render_template("schools/import.html", form=form, report=report, problems=problems)


@bp.route("/<int:urn>")
@roles_required("sla", "finance", "school")
def show(urn: int):
    school = _school(urn)
    return render_template(
        "schools/show.html", school=school, type_form=CustomerTypeForm(
            override=school.customer_type_override or "", reason=school.override_reason or ""),
        delete_form=DeleteForm(), can_edit_contacts=_can_edit_contacts(school),
        can_edit_school=current_user.role in ("admin", "sla"),
    )


@bp.route("/<int:urn>/customer-type", methods=["POST"])
@roles_required("sla")
def customer_type(urn: int):
    school = _school(urn)
    form = CustomerTypeForm()
    if form.validate_on_submit():
        school.customer_type_override = form.override.data or None
        school.override_reason = (form.reason.data or "").strip() or None if form.override.data else None
        school.refresh_derived_fields()
        db.session.commit()
        flash(f"Customer type is now: {school.customer_type_label}.", "success")
        return redirect(url_for(".show", urn=urn))
    return render_template("schools/show.html", school=school, type_form=form, delete_form=DeleteForm(),
                           can_edit_contacts=True, can_edit_school=True), 400


@bp.route("/<int:urn>/stakeholders/new", methods=["GET", "POST"])
@roles_required("sla", "school")
def new_stakeholder(urn: int):
    school = _school(urn)
    form = StakeholderForm()
    if form.validate_on_submit():
        contact = KeyStakeholder(school=school)
        form.populate_obj(contact)
        db.session.add(contact)
        db.session.commit()
        flash(f"{contact.name} added as a key stakeholder.", "success")
        return redirect(url_for(".show", urn=urn))
    return render_template("schools/stakeholder_form.html", school=school, form=form, contact=None)


def _contact(school: School, contact_id: int) -> KeyStakeholder:
    contact = db.session.get(KeyStakeholder, contact_id)
    if contact is None or contact.school_id != school.id:
        from flask import abort

        abort(404)
    return contact


@bp.route("/<int:urn>/stakeholders/<int:contact_id>/edit", methods=["GET", "POST"])
@roles_required("sla", "school")
def edit_stakeholder(urn: int, contact_id: int):
    school = _school(urn)
    contact = _contact(school, contact_id)
    form = StakeholderForm(obj=contact)
    if form.validate_on_submit():
        form.populate_obj(contact)
        db.session.commit()
        flash(f"{contact.name} updated.", "success")
        return redirect(url_for(".show", urn=urn))
    return render_template("schools/stakeholder_form.html", school=school, form=form, contact=contact)


@bp.route("/<int:urn>/stakeholders/<int:contact_id>/delete", methods=["POST"])
@roles_required("sla", "school")
def delete_stakeholder(urn: int, contact_id: int):
    school = _school(urn)
    contact = _contact(school, contact_id)
    if DeleteForm().validate_on_submit():
        db.session.delete(contact)
        db.session.commit()
        flash(f"{contact.name} removed.", "success")
    return redirect(url_for(".show", urn=urn))
