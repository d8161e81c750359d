"""Signing in and out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from contracts_app.extensions import db
from contracts_app.models.types import utcnow
from contracts_app.services.users import find_user
from contracts_app.web.auth.forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    # Only same-site relative paths: never an open redirect.
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is None or not user.check_password(form.password.data) or not user.active:
            form.password.errors.append("That email and password do not match an active account.")
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            current_user.set_password(form.new.data)
            db.session.commit()
            flash("Your password has been changed.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
