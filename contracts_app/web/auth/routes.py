"""Signing in and out, and changing one's password."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user

from pricing.errors import ActionRefused

from contracts_app.extensions import limiter
from contracts_app.models import User
from contracts_app.services import users as user_service
from contracts_app.services.outbox import accounts
from contracts_app.access import roles_required
from contracts_app.web.auth import tokens as token_views
from contracts_app.web.auth.forms import ChangePasswordForm, ChoosePasswordForm, ForgotPasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    # Only same-site relative paths: never an open redirect.
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _account_key() -> str:
    """Throttling: the account the sign-in form names, however it is typed."""
    return "account:" + user_service.login_key(request.form.get("email", ""))


def _address_key() -> str:
    """Throttling: the address the attempt comes from."""
    return "address:" + (request.remote_addr or "unknown")


def _sign_in(user: User, remember: bool) -> ResponseReturnValue:
    """Start the user's session (and remember-me cookie) and go where they were going."""
    login_user(user, remember=remember)
    user_service.record_login(user, request.remote_addr)
    return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
# Every sign-in counts, per account and per address (a hit is counted before the password is
# checked, so parallel guesses cannot slip past the limit). Limits: LOGIN_LIMIT_* settings.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], key_func=_address_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], key_func=_account_key, methods=["POST"])
def login() -> ResponseReturnValue:
    """Sign in with email and password; back to the page asked for, if it is on this site."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is None:
            form.password.errors.append("That email and password do not match an active account.")
        else:
            return _sign_in(user, form.remember.data)
    return render_template("auth/login.html", form=form)


@bp.errorhandler(RateLimitExceeded)
def throttled(error: RateLimitExceeded) -> ResponseReturnValue:
    """Too many sign-in attempts: the form again, saying so, and nothing is checked."""
    message = ("Too many sign-in attempts for this account or from this address "
               f"(at most {error.description}). Wait a while, then try again.")
    return render_template("auth/login.html", form=LoginForm(), throttled=message), 429


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    """Sign out: this and every other session and remember-me cookie of the user ends."""
    user_service.end_sessions(current_user._get_current_object())
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change one's own password, given the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            user_service.change_password(user, form.current.data, form.new.data)
        except user_service.PasswordRefused as exc:
            form.new.errors.append(_sentence(exc.message))
        except ActionRefused as exc:
            form.current.errors.append(exc.message)
        else:
            # Every other session has ended; this browser carries on with the new session version.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(user, remember=remembered)
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)


# -- links by email: forgot password, invitation (issue #18) ---------------------------------

# The same answer, and an email to the address, whether or not it has an account (issue #27).
FORGOT_ANSWER = ("We are emailing that address. If it has an account, the email holds a link to choose a "
                 "new password, which works once, for a limited time.")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], key_func=_address_key, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.request_reset(form.email.data)
        except ActionRefused as exc:  # not an email address at all: says nothing about accounts
            form.email.errors.append(_sentence(exc.message))
        else:
            flash(FORGOT_ANSWER, "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _choose_password(token: str, purpose: str) -> ResponseReturnValue:
    # The link is for whoever it was sent to: saving signs that user in, whoever this browser had.
    if accounts.user_for_token(token, purpose) is None:
        return render_template("auth/choose_password.html", form=None, bad_link=accounts.BAD_LINK, purpose=purpose)
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.set_password_with_link(token, purpose, form.new.data)
        except user_service.PasswordRefused as exc:
            form.new.errors.append(_sentence(exc.message))
        except ActionRefused as exc:
            form.new.errors.append(_sentence(exc.message))
        else:
            login_user(user)
            user_service.record_login(user, request.remote_addr)
            flash("Your password has been saved and you are signed in.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/choose_password.html", form=form, purpose=purpose)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password from a reset link."""
    return _choose_password(token, "reset")


@bp.route("/password/choose/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    """Choose a first password from an invitation link."""
    return _choose_password(token, "invitation")


# API tokens (web/auth/tokens.py): one's own for every role; any user's for the admin.
_EVERY_ROLE = roles_required("sla", "finance", "school")
for _rule, _endpoint, _view, _methods, _guard in (
        ("/account/tokens", "tokens", token_views.tokens, ["GET"], _EVERY_ROLE),
        ("/account/tokens/new", "create_token", token_views.create_token, ["POST"], _EVERY_ROLE),
        ("/account/tokens/<int:token_id>/revoke", "revoke_token", token_views.revoke_token, ["POST"], _EVERY_ROLE),
        ("/admin/users/<int:user_id>/tokens", "user_tokens", token_views.tokens, ["GET"], roles_required()),
        ("/admin/users/<int:user_id>/tokens/new", "create_user_token", token_views.create_token, ["POST"],
         roles_required()),
        ("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke", "revoke_user_token", token_views.revoke_token,
         ["POST"], roles_required())):
    bp.add_url_rule(_rule, _endpoint, view_func=_guard(_view), methods=_methods)
