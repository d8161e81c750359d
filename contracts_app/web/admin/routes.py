"""Administration: users and the audit trail."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user

from pricing.errors import ActionRefused
from pricing.sla_year import LONDON

from contracts_app.access import roles_required
from contracts_app.models import User
from contracts_app.models.user import ROLE_NAMES
from contracts_app.services import audit as audit_trail, users as user_service
from contracts_app.services.audit import AuditFilter
from contracts_app.services.outbox import accounts
from contracts_app.web.admin.forms import RevokeForm, UserForm
from contracts_app.web.args import export_arg, sort_arg
from contracts_app.web.downloads import send_download

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _user(user_id: int) -> User:
    return user_service.get(user_id) or abort(404)


@bp.route("/users")
@roles_required()
def users() -> ResponseReturnValue:
    """Users, filtered by role, active or not and text, sorted by any column, paged and exported."""
    role, active, q = request.args.get("role", ""), request.args.get("active", ""), request.args.get("q", "")[:200]
    if role and role not in ROLE_NAMES:
        abort(400, description=f"role must be one of {', '.join(ROLE_NAMES)}, not {role[:40]!r}")
    if active not in ("", "yes", "no"):
        abort(400, description=f"active must be yes or no, not {active[:40]!r}")
    sort = sort_arg(user_service.USER_SORTS, "")
    if fmt := export_arg():
        return send_download(user_service.export_users(role, active, q, sort, fmt))
    result = user_service.user_page(role, active, q, sort, request.args.get("page", 1, type=int),
                                    current_app.config["PAGE_SIZE"])
    return render_template("admin/users.html", result=result, sort=sort, roles=ROLE_NAMES, role=role, active=active,
                           q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required()
def new_user() -> ResponseReturnValue:
    """Create a user."""
    form = UserForm()
    if form.validate_on_submit():
        details = {"school_urn": form.school_urn.data, "name": form.name.data or "", "signatory": form.signatory.data,
                   "trust_code": form.trust_code.data or None}
        if not form.password.data:
            # No password typed: the user is invited by email to choose one (issue #18).
            try:
                user = accounts.create_invited(form.email.data, form.role.data, **details)
                flash(f"User {user.email} created and invited by email to choose a password.", "success")
                return redirect(url_for(".users"))
            except ActionRefused as exc:
                form.email.errors.append(exc.message)
        else:
            try:
                user_service.create_user(form.email.data, form.role.data, form.password.data, **details)
                flash(f"User {form.email.data} created.", "success")
                return redirect(url_for(".users"))
            except user_service.PasswordRefused as exc:
                form.password.errors.append(_sentence(exc.message))
            except ActionRefused as exc:
                form.email.errors.append(exc.message)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required()
def edit_user(user_id: int) -> ResponseReturnValue:
    """Change a user's name, role, school, activity or password."""
    user = _user(user_id)
    form = UserForm(obj=user, school_urn=user.school.urn if user.school else None,
                    trust_code=user.trust.code if user.trust else "")
    if form.validate_on_submit():
        try:
            user_service.update_user(user, name=form.name.data or "", role=form.role.data, active=form.active.data,
                                     school_urn=form.school_urn.data, password=form.password.data,
                                     signatory=form.signatory.data, trust_code=form.trust_code.data or "")
            if user.id == current_user.id and user.active:
                login_user(user)  # their own sessions ended with the change; this one carries on
            flash(f"User {user.email} saved.", "success")
            return redirect(url_for(".users"))
        except user_service.PasswordRefused as exc:
            form.password.errors.append(_sentence(exc.message))
        except ActionRefused as exc:
            form.school_urn.errors.append(exc.message)
    return render_template("admin/user_form.html", form=form, user=user, revoke_form=RevokeForm())


@bp.route("/users/<int:user_id>/revoke-tokens", methods=["POST"])
@roles_required()
def revoke_tokens(user_id: int) -> ResponseReturnValue:
    """Revoke every API token of the user."""
    user = _user(user_id)
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
def audit() -> ResponseReturnValue:
    """The audit trail, filtered, newest first."""
    args = request.args
    start, end = _day(args.get("from", ""), "From"), _day(args.get("to", ""), "To")
    f = AuditFilter(entity=args.get("entity", ""), entity_id=args.get("entity_id", ""),
                    actor=args.get("actor", ""), action=args.get("action", ""),
                    start=start, end=end + timedelta(days=1) if end else None)
    sort = sort_arg(audit_trail.SORT_KEYS, "when", descending=True)
    if fmt := export_arg():
        return send_download(audit_trail.export(f, sort, fmt))
    page, entities = audit_trail.search(f, args.get("page", 1, type=int), current_app.config["PAGE_SIZE"], sort)
    return render_template("admin/audit.html", result=page, entities=entities, args=args, sort=sort)
