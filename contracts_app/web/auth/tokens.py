"""API tokens in the pages (issue #30): one's own (every role, /account/tokens) and, for the admin, any
user's (/admin/users/ID/tokens): listed, created (the text shown once, on the page that created it,
never stored) and revoked after a confirmation. ``routes.py`` registers these views on the auth
blueprint with their roles, so this module needs nothing from it."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused

from contracts_app.models import User
from contracts_app.services import api_tokens
from contracts_app.services import users as user_service
from contracts_app.models.types import utcnow
from contracts_app.web.auth.forms import CreateTokenForm, TokenForm
from contracts_app.web.confirm import confirmation_page, confirmed


def _target(user_id: int | None) -> User:
    """The account whose tokens these are: one's own, or (admin routes) the user named in the address."""
    if user_id is None:
        return current_user._get_current_object()
    return user_service.get(user_id) or abort(404)


def _urls(user: User, own: bool) -> dict[str, str]:
    if own:
        return {"list": url_for(".tokens"), "create": url_for(".create_token")}
    return {"list": url_for(".user_tokens", user_id=user.id), "create": url_for(".create_user_token", user_id=user.id)}


def _page(user: User, own: bool, new_token: str | None = None,
          create_form: CreateTokenForm | None = None) -> ResponseReturnValue:
    response = make_response(render_template(
        "auth/tokens.html", owner=user, own=own, tokens=api_tokens.tokens_of(user), new_token=new_token,
        urls=_urls(user, own), form=TokenForm(), create_form=create_form or CreateTokenForm(), now=utcnow()))
    if new_token:  # the one page that shows the token: kept out of every cache
        response.headers["Cache-Control"] = "no-store"
    return response


def tokens(user_id: int | None = None) -> ResponseReturnValue:
    """The account's API tokens: when made, when last used, live or revoked."""
    return _page(_target(user_id), own=user_id is None)


def create_token(user_id: int | None = None) -> ResponseReturnValue:
    """A new token, shown once on this page: it is not stored, so it cannot be shown again."""
    user, form = _target(user_id), CreateTokenForm()
    if not form.validate_on_submit():
        return _page(user, own=user_id is None, create_form=form), 400
    try:
        token = api_tokens.create_token(user, form.name.data or "", form.expires.data)
    except ActionRefused as exc:
        field, _, message = exc.message.partition(": ")
        if field in ("name", "expires"):
            getattr(form, field).errors.append(message)
            return _page(user, own=user_id is None, create_form=form), 400
        flash(f"No token created: {exc.message}", "error")
        return redirect(_urls(user, user_id is None)["list"])
    return _page(user, own=user_id is None, new_token=token)


def revoke_token(token_id: int, user_id: int | None = None) -> ResponseReturnValue:
    """Revoke one token, once the confirmation page has said what stops working."""
    user, own = _target(user_id), user_id is None
    token, back = api_tokens.token_of(user, token_id), _urls(user, own)["list"]
    if token is None:  # the same answer for another user's token as for none: nothing learnt
        abort(404)
    if not TokenForm().validate_on_submit():
        return redirect(back)
    if not confirmed() and token.revoked_at is None:
        action = (url_for(".revoke_token", token_id=token.id) if own
                  else url_for(".revoke_user_token", user_id=user.id, token_id=token.id))
        return confirmation_page(
            title=f"Revoke the API token {token.prefix}…?",
            lead=f"The token starting {token.prefix} of {user.email} stops working at once.",
            consequences=["Any script or system using it is refused by the API from then on.",
                          "A new token can be created in its place; this one cannot be brought back."],
            action=action, back=back, button=f"revoke {token.prefix}…", fields=[])
    try:
        api_tokens.revoke_token(token, current_user.email)
        flash(f"Token {token.prefix}… revoked.", "success")
    except ActionRefused as exc:
        flash(exc.message, "error")
    return redirect(back)
