"""Creating users and API tokens, shared by the `users` commands and the admin pages."""
from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import ROLES, ApiToken, School, SchoolGroup, User
from contracts_app.models.types import utcnow
from pricing.errors import ActionRefused

from contracts_app.services import audit
from contracts_app.services.transactions import refusal_rolls_back

MIN_PASSWORD = 10


def normalise_email(email: str) -> str:
    """The address in its normal form (lower case), or refused if it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ActionRefused(f"{email!r} is not a valid email address: {exc}") from exc


def check_password_strength(password: str) -> None:
    """Refuse a password shorter than MIN_PASSWORD characters."""
    if len(password) < MIN_PASSWORD:
        raise ActionRefused(f"the password must be at least {MIN_PASSWORD} characters long")


def find_user(email: str) -> User | None:
    """The user with this email, in any case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def get(user_id: int) -> User | None:
    """The user with this id."""
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    """Every user, by role then email."""
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


@refusal_rolls_back
def create_user(email: str, role: str, password: str, *, school_urn: int | None = None,
                group_name: str | None = None, name: str = "") -> User:
    """A new user; a school user must be linked to a school (by URN) or a group."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ActionRefused(f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    check_password_strength(password)
    if find_user(email):
        raise ActionRefused(f"a user with email {email} already exists")
    school = group = None
    if school_urn is not None:
        school = db.session.scalar(select(School).where(School.urn == school_urn))
        if school is None:
            raise ActionRefused(f"no school with URN {school_urn}")
    if group_name:
        group = db.session.scalar(select(SchoolGroup).where(SchoolGroup.name == group_name))
        if group is None:
            raise ActionRefused(f"no group of schools named {group_name!r}")
    if role == "school" and school is None and group is None:
        raise ActionRefused("a school user needs --school URN (or a group)")
    if role != "school" and (school or group):
        raise ActionRefused("only school users are linked to a school")
    user = User(email=email, role=role, name=name, school=school, group=group)
    user.set_password(password)
    db.session.add(user)
    audit.record("create", "User", email, f"user {email} created with role {role}")
    db.session.commit()
    return user


def issue_token(email: str) -> str:
    """A new API token for the user; returns the token text (shown once, stored hashed)."""
    user = find_user(email)
    if user is None:
        raise ActionRefused(f"no user with email {email}")
    if not user.active:
        raise ActionRefused(f"user {email} is deactivated")
    token_row, token = ApiToken.issue(user)
    db.session.add(token_row)
    audit.record("create", "ApiToken", email, f"API token {token_row.prefix}... issued to {email}")
    db.session.commit()
    return token


def update_user(user: User, *, name: str, role: str, active: bool, school_urn: int | None,
                password: str | None) -> None:
    """Save the admin page's changes to a user; a school user must stay linked to a school or group."""
    school = None
    if school_urn:
        school = db.session.scalar(select(School).where(School.urn == school_urn))
        if school is None:
            raise ActionRefused(f"No school with URN {school_urn}.")
    if role == "school" and school is None and user.group is None:
        raise ActionRefused("A school user must be linked to a school.")
    user.name = name
    user.role = role
    user.active = active
    user.school = school if role == "school" else None
    if password:
        user.set_password(password)
    db.session.commit()


def record_login(user: User) -> None:
    """Note when the user last signed in."""
    user.last_login_at = utcnow()
    db.session.commit()


def change_password(user: User, new: str) -> None:
    """Set the user's own new password (the form has checked the current one and the length)."""
    user.set_password(new)
    db.session.commit()


def revoke_tokens(user: User) -> int:
    """Revoke every live API token of the user; how many were revoked."""
    count = 0
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            count += 1
    audit.record("update", "ApiToken", user.email, f"{count} API token(s) of {user.email} revoked")
    db.session.commit()
    return count


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    # Recorded at most every few minutes, so reading the API does not write on every call.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now
        db.session.commit()
    return row.user
