"""Who may do what: roles on every route, and ownership for school users."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user

from .extensions import login_manager

STAFF = ("sla", "finance")


def roles_required(*roles: str) -> Callable:
    """Allow the given roles (admin is always allowed: it administers the whole system)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role != "admin" and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = ("admin", *roles)  # read by the access-matrix test
        return wrapped

    return decorator


def can_see_school(school_id: int) -> bool:
    if current_user.role == "school":
        return school_id in current_user.school_ids()
    return True


def school_or_404(school):
    """Another school's data is 'not found' to a school user, never 'forbidden'."""
    if school is None or not can_see_school(school.id):
        abort(404)
    return school


def is_staff_editor(*roles: str) -> bool:
    return current_user.is_authenticated and current_user.role in ("admin", *roles)
