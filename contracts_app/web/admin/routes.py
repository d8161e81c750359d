"""Administration: users and the audit trail."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from pricing.sla_year import LONDON
from contracts_app.access import roles_required
from contracts_app.extensions import db
from contracts_app.models import AuditEvent, School, User
from contracts_app.services.queries import paginate
from contracts_app.services import users as user_service
from pricing.errors import ActionRefused
from contracts_app.web.admin.forms import RevokeForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required()
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required()
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append("A new user needs a password.")
        else:
            try:
                user_service.create_user(form.email.data, form.role.data, form.password.data,
                                         school_urn=form.school_urn.data, name=form.name.data or "")
                flash(f"User {form.email.data} created.", "success")
                return redirect(url_for(".users"))
            except ActionRefused as exc:
                db.session.rollback()
                form.email.errors.append(exc.message)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required()
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user, school_urn=user.school.urn if user.school else None)
    if form.validate_on_submit():
        school = None
        if form.school_urn.data:
            school = db.session.scalar(select(School).where(School.urn == form.school_urn.data))
            if school is None:
                form.school_urn.errors.append(f"No school with URN {form.school_urn.data}.")
        if form.role.data == "school" and school is None and user.group is None and not form.school_urn.errors:
            form.school_urn.errors.append("A school user must be linked to a school.")
        if not form.school_urn.errors:
            user.name = form.name.data or ""
            user.role = form.role.data
            user.active = form.active.data
            user.school = school if form.role.data == "school" else None
            if form.password.data:
                user.set_password(form.password.data)
            db.session.commit()
            flash(f"User {user.email} saved.", "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user, revoke_form=RevokeForm())


@bp.route("/users/<int:user_id>/revoke-tokens", methods=["POST"])
@roles_required()
def revoke_tokens(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if RevokeForm().validate_on_submit():
        count = user_service.revoke_tokens(user)
        flash(f"{count} API token(s) revoked for {user.email}.", "success")
    return redirect(url_for(".edit_user", user_id=user_id))


def _day(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time(0), LONDON)
    except ValueError:
        flash(f"{field}: {value!r} is not a date (use YYYY-MM-DD).", "error")
        return None


@bp.route("/audit")
@roles_required()
def audit():
    args = request.args
    query = select(AuditEvent)
    if args.get("entity"):
        query = query.where(AuditEvent.entity_type == args["entity"])
    if args.get("entity_id"):
        query = query.where(AuditEvent.entity_id == args["entity_id"])
    if args.get("actor"):
        query = query.where(AuditEvent.actor_label.contains(args["actor"].strip().lower()))
    if args.get("action"):
        query = query.where(AuditEvent.action == args["action"])
    start, end = _day(args.get("from", ""), "From"), _day(args.get("to", ""), "To")
    if start:
        query = query.where(AuditEvent.at >= start)
    if end:
        query = query.where(AuditEvent.at < end + timedelta(days=1))
    page = paginate(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
                    args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    entities = db.session.scalars(select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)).all()
    return render_template("admin/audit.html", result=page, entities=entities, args=args)
