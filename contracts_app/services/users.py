"""Creating users and API tokens, shared by the `users` commands and the admin pages."""
from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import ROLES, ApiToken, School, SchoolGroup, User
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from pricing.errors import ActionRefused

MIN_PASSWORD = 10


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ActionRefused(f"{email!r} is not a valid email address: {exc}") from exc


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ActionRefused(f"the password must be at least {MIN_PASSWORD} characters long")


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


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


def revoke_tokens(user: User) -> int:
    count = 0
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            count += 1
    audit.record("update", "ApiToken", user.email, f"{count} API token(s) of {user.email} revoked")
    db.session.commit()
    return count


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    # Recorded at most every few minutes, so reading the API does not write on every call.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now
        db.session.commit()
    return row.user
