"""Bearer-token authentication and the role rules of the pages, for the API.

Every API request but the document and its documentation page carries
``Authorization: Bearer TOKEN`` (tokens from ``flask --app contracts_app users token
EMAIL``, stored hashed, revocable). A session cookie is never enough: the API is
exempt from CSRF, so it must not act on a browser's cookies.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import g, request
from flask_login import current_user

from contracts_app.extensions import login_manager
from contracts_app.models import User
from contracts_app.services.users import user_for_token
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import ApiError

PUBLIC_ENDPOINTS = {"api.openapi_json", "api.docs"}
ROLE_NAMES = {"admin": "admin", "sla": "SLA team", "finance": "finance", "school": "school"}
MAX_TOKEN = 200


def bearer_user(header: str | None) -> User | None:
    """The active user whose live token the header carries, or None."""
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN:
        return None
    return user_for_token(token)


@bp.before_request
def authenticate() -> None:
    """Make the token's user the current user, or answer 401."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    user = bearer_user(request.headers.get("Authorization"))
    if user is None:
        g._login_user = login_manager.anonymous_user()  # never the session's user
        if request.headers.get("Authorization"):
            detail = "the API token is not valid: it is unknown, revoked, or its user is deactivated"
        else:
            detail = "send an API token: Authorization: Bearer TOKEN (flask --app contracts_app users token EMAIL)"
        raise ApiError(401, detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})
    g._login_user = user  # what flask_login's current_user returns for this request
    return None


def allow(*roles: str) -> Callable:
    """Allow the given roles (admin always): the API's ``roles_required``.

    Outermost of the view's decorators, so a wrong role is 403 before its input is
    read. Also documents the 401 and 403 answers in the OpenAPI document.
    """

    def decorator(view: Callable) -> Callable:
        """The view, refusing other roles and documented with the roles it allows."""

        @wraps(view)
        def wrapped(*args: object, **kwargs: object) -> object:
            """The view, for an allowed role only (403 otherwise)."""
            if current_user.role != "admin" and current_user.role not in roles:
                allowed = ", ".join(ROLE_NAMES[r] for r in ("admin", *roles))
                raise ApiError(403, f"the {ROLE_NAMES.get(current_user.role, current_user.role)} role cannot do "
                                    f"this (allowed: {allowed})")
            return view(*args, **kwargs)

        wrapped.allowed_roles = ("admin", *roles)
        wrapped = bp.doc(operationId=view.__name__,
                         **{"x-roles": [ROLE_NAMES[r] for r in ("admin", *roles)]})(wrapped)
        wrapped = bp.alt_response(401, response="UNAUTHORIZED")(wrapped)
        if set(roles) != {"sla", "finance", "school"}:
            wrapped = bp.alt_response(403, response="FORBIDDEN")(wrapped)
        return wrapped

    return decorator


def school_user() -> bool:
    """Whether the token's user is a school user (who sees only its own schools)."""
    return current_user.role == "school"


def own_school_ids() -> set[int] | None:
    """A school user's schools (its own, or its group's); None for staff, who see all."""
    return current_user.school_ids() if school_user() else None
