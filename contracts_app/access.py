"""Who may do what: roles on every route, and ownership for school users."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, or_, select

from contracts_app.extensions import db, login_manager
from contracts_app.models import Agreement, Invoice, school_group_members
from contracts_app.services.register.belonging import invoice_seen_by_trust

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


# -- agreements: the one rule of which agreements a school user may see ---------------

def may_see_agreement(agreement: Agreement, school_ids: set[int] | None) -> bool:
    """A school user sees the issued agreements of its schools and of their groups.

    A draft (or a draft withdrawn before it was issued) is the council's working copy,
    never the school's. ``school_ids`` None means staff, who see every agreement.
    """
    if school_ids is None:
        return True
    return agreement.issued_at is not None and any(s.id in school_ids for s in agreement.schools)


def agreements_seen_by(school_ids: set[int] | None) -> ColumnElement[bool]:
    """The same rule as `may_see_agreement`, as a filter for agreement queries."""
    if school_ids is None:
        return and_(True)
    ids = school_ids or {-1}
    groups = select(school_group_members.c.group_id).where(school_group_members.c.school_id.in_(ids))
    return and_(Agreement.issued_at.is_not(None),
                or_(Agreement.school_id.in_(ids), Agreement.group_id.in_(groups)))


def viewer_school_ids() -> set[int] | None:
    """The signed-in user's schools when a school user, None for staff."""
    return current_user.school_ids() if current_user.role == "school" else None


def agreement_or_404(agreement: Agreement | None) -> Agreement:
    """The agreement, or 404 for one the signed-in user may not see (nothing is said about it)."""
    if agreement is None or not may_see_agreement(agreement, viewer_school_ids()):
        abort(404)
    return agreement


def may_see_invoice(invoice) -> bool:
    """Staff see every invoice; a school user its schools', except a trust's consolidated invoice (filed under
    one academy, holding every academy's lines), which only users of that trust see. A trust's user sees the
    trust's invoices by services.register.belonging's rule (as on its statement), one academy that has left
    included, and its academies' own from before they joined any trust."""
    if current_user.role != "school":
        return True
    if current_user.trust_id is not None:
        rule = invoice_seen_by_trust(current_user.trust_id, current_user.school_ids())
        return db.session.scalar(select(Invoice.id).where(Invoice.id == invoice.id, rule)) is not None
    if invoice.school_id not in current_user.school_ids():
        return False
    return invoice.trust_billing != "consolidated" or invoice.trust_id == current_user.trust_id
