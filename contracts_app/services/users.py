"""Users, their passwords, sessions and API tokens, shared by the `users` commands, the sign-in
pages and the admin pages. Every change to a user is written to the audit trail here."""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta, timezone
from functools import cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from contracts_app.extensions import db
from contracts_app.models import ROLES, ApiToken, School, SchoolGroup, Trust, User
from contracts_app.models.types import utcnow
from pricing.errors import ActionRefused
from pricing.spreadsheet import Column, Download, download
from pricing.text import one_line_problem

from contracts_app.services import audit
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from contracts_app.services.transactions import refusal_rolls_back

MIN_PASSWORD = 10
MAX_PASSWORD = 200
MIN_STRENGTH = 3  # zxcvbn's score (0-4): 3 is "safely unguessable" to an online attacker
# zxcvbn's work grows with the length; the first characters decide whether it is common.
STRENGTH_CHECKED = 100


class PasswordRefused(ActionRefused):
    """A password that breaks the password rule (so pages can show it beside the password field)."""


def normalise_email(email: str) -> str:
    """The address in its normal form (lower case), or refused if it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ActionRefused(f"{email!r} is not a valid email address: {exc}") from exc


def _own_words(user_inputs: tuple[str, ...]) -> list[str]:
    """The user's email and name, whole, the email's local part and each word: guessable parts."""
    words: set[str] = set()
    for text in filter(None, user_inputs):
        text = text.lower()
        local = text.split("@")[0]
        words.update({text, local, *re.split(r"[^a-z0-9]+", text)})
    return sorted(word for word in words if len(word) > 2)


def check_password_strength(password: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """The password rule, for every door that sets a password: not blank, at least MIN_PASSWORD
    characters, not one character repeated, and not easy to guess (zxcvbn, which knows common
    passwords, words, names, dates and keyboard patterns, and the user's own email and name)."""
    if not password.strip():
        raise PasswordRefused("the password must not be blank or only spaces")
    if len(password) < MIN_PASSWORD:
        raise PasswordRefused(f"the password must be at least {MIN_PASSWORD} characters long")
    if len(password) > MAX_PASSWORD:
        raise PasswordRefused(f"the password must be at most {MAX_PASSWORD} characters long")
    if len(set(password)) == 1:
        raise PasswordRefused("the password must not be one character repeated")
    result = zxcvbn(password[:STRENGTH_CHECKED], user_inputs=_own_words(user_inputs))
    if result["score"] < MIN_STRENGTH:
        feedback = result["feedback"]
        advice = " ".join(part for part in [feedback["warning"], *feedback["suggestions"]] if part)
        raise PasswordRefused(f"the password is too easy to guess{': ' + advice if advice else ''}")


def find_user(email: str) -> User | None:
    """The user with this email, in any case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def get(user_id: int) -> User | None:
    """The user with this id."""
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    """Every user, by role then email."""
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


USER_SORTS = ("email", "name", "role", "school", "active", "last_sign_in")
USER_EXPORT = (Column("email"), Column("name"), Column("role"), Column("school_urn", "whole"), Column("school"),
               Column("trust_code"), Column("signatory"), Column("active"), Column("last_sign_in", "date"))


def _users(role: str, active: str, q: str, sort: Sort | None) -> Select:
    """Users by role, active or not, and part of an email, a name or a school's name or URN (issue #30)."""
    query = select(User).outerjoin(School, School.id == User.school_id).options(
        selectinload(User.school), selectinload(User.group), selectinload(User.trust))
    if role:
        query = query.where(User.role == role)
    if active in ("yes", "no"):
        query = query.where(User.active.is_(active == "yes"))
    if q.strip():
        text = q.strip().lower()
        conditions = [func.lower(User.email).contains(text), func.lower(User.name).contains(text),
                      School.name_lower.contains(text)]
        if text.isdigit() and len(text) < 10:
            conditions.append(School.urn == int(text))
        query = query.where(or_(*conditions))
    columns = {"email": func.lower(User.email), "name": func.lower(User.name), "role": User.role,
               "school": School.name_lower, "active": User.active, "last_sign_in": User.last_login_at}
    return sorted_by(query, sort or Sort(""), columns, (User.role, User.email))


def user_page(role: str, active: str, q: str, sort: Sort | None, page: int, per_page: int) -> Page:
    """One page of the filtered users, by role then email unless another column is chosen."""
    return paginate(_users(role, active, q, sort), page, per_page)


def export_users(role: str, active: str, q: str, sort: Sort | None, fmt: str) -> Download:
    """The filtered users, in the list's order, as CSV or XLSX (no secrets: no hashes, no tokens)."""
    rows = ([u.email, u.name, u.role, u.school.urn if u.school else None, u.school.name if u.school else "",
             u.trust.code if u.trust else "", "yes" if u.signatory else "no", "yes" if u.active else "no",
             u.last_login_at.date() if u.last_login_at else None] for u in db.session.scalars(_users(role, active, q, sort)))
    return download(USER_EXPORT, rows, "users", fmt)


def check_name(name: str) -> None:
    """A user's name is one line: it goes into emails (issue #27, pricing.text's rule)."""
    problem = one_line_problem(name or "")
    if problem:
        raise ActionRefused(f"name: the name {problem}")


@refusal_rolls_back
def create_user(email: str, role: str, password: str, *, school_urn: int | None = None,
                group_name: str | None = None, name: str = "", signatory: bool = False,
                trust_code: str | None = None) -> User:
    """A new user; a school user must be linked to a school (by URN), a group or a trust (by its GIAS
    code: the user sees every academy of the trust). ``signatory``: a school user authorised to
    commit spending (accepts the buying round's offer)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ActionRefused(f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    check_name(name)
    check_password_strength(password, user_inputs=(email, name))
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
    trust = _trust(trust_code)
    if sum(x is not None for x in (school, group, trust)) > 1:
        raise ActionRefused("a school user is linked to one school, one group or one trust, not several")
    if role == "school" and school is None and group is None and trust is None:
        raise ActionRefused("a school user needs --school URN (or a group, or --trust CODE)")
    if role != "school" and (school or group or trust):
        raise ActionRefused("only school users are linked to a school or trust")
    if signatory and role != "school":
        raise ActionRefused("only a school user can be a signatory (authorised to commit the school's spending)")
    user = User(email=email, role=role, name=name, school=school, group=group, trust=trust, signatory=signatory)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    linked = school.urn if school else group.name if group else f"trust {trust.code}" if trust else None
    audit.record("create", "User", user.id, f"user {email} created with role {role}",
                 {"email": email, "role": role, "name": name, "school": linked})
    db.session.commit()
    return user


def _trust(code: str | None) -> Trust | None:
    """The trust a school user is scoped to (issue #29), by its GIAS code; None for none."""
    code = (code or "").strip()
    if not code:
        return None
    trust = db.session.scalar(select(Trust).where(Trust.code == code[:40]))
    if trust is None:
        raise ActionRefused(f"no trust with code {code[:40]!r}")
    return trust


TOKEN_LONGEST = timedelta(days=3 * 366)  # a token that never expires is one left without an expiry


def token_expiry(expires_on: date | None, today: date) -> datetime | None:
    """When a token made today to run through ``expires_on`` stops working: the end of that day (UTC). The
    day must be after today and within three years."""
    if expires_on is None:
        return None
    if expires_on <= today:
        raise ActionRefused(f"expires: {expires_on:%d/%m/%Y} is not after today; a token must work for a day at least")
    if expires_on - today > TOKEN_LONGEST:
        raise ActionRefused(f"expires: {expires_on:%d/%m/%Y} is more than three years away; leave it empty for a "
                            "token that lasts until revoked")
    return datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=timezone.utc)


def issue_token(email: str, name: str = "", expires_on: date | None = None) -> str:
    """A new API token for the user, named for what it is for and (optionally) expiring at the end of
    ``expires_on``; returns the token text (shown once, stored hashed)."""
    user = find_user(email)
    if user is None:
        raise ActionRefused(f"no user with email {email}")
    if not user.active:
        raise ActionRefused(f"user {email} is deactivated")
    name = (name or "").strip()
    if len(name) > 120 or one_line_problem(name):
        raise ActionRefused("name: a token's name is one line of at most 120 characters")
    expires_at = token_expiry(expires_on, utcnow().date())  # refused before anything is made
    token_row, token = ApiToken.issue(user)
    token_row.name, token_row.expires_at = name, expires_at
    db.session.add(token_row)
    until = f", until {expires_on:%d/%m/%Y}" if expires_on else ""
    audit.record("create", "ApiToken", user.id,
                 f"API token {token_row.prefix}... ({name or 'no name'}{until}) issued to {user.email}")
    db.session.commit()
    return token


def _profile(user: User) -> dict[str, object]:
    return {"name": user.name, "role": user.role, "active": user.active, "signatory": user.signatory,
            "school": user.school.urn if user.school else None, "trust": user.trust.code if user.trust else None}


def _describe_changes(email: str, changes: dict[str, list]) -> str:
    words = []
    for key, (old, new) in changes.items():
        if key == "active":
            words.append("reactivated" if new else "deactivated")
        elif key == "password":
            words.append("password reset by an administrator")
        else:
            words.append(f"{key} {old!r} -> {new!r}")
    return f"user {email}: " + ", ".join(words)


@refusal_rolls_back
def update_user(user: User, *, name: str, role: str, active: bool, school_urn: int | None,
                password: str | None, signatory: bool | None = None, trust_code: str | None = None) -> None:
    """Save the admin page's changes to a user; a school user must stay linked to a school or group.

    A new role, a deactivation or a password reset ends every session of the user."""
    if role not in ROLES:
        raise ActionRefused(f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    check_name(name)
    school = None
    if school_urn:
        school = db.session.scalar(select(School).where(School.urn == school_urn))
        if school is None:
            raise ActionRefused(f"No school with URN {school_urn}.")
    # trust_code None leaves the user's trust as it is; "" takes it away (issue #29).
    trust = _trust(trust_code) if trust_code is not None else user.trust
    if school is not None and trust is not None:
        raise ActionRefused("A school user is linked to one school or one trust, not both.")
    if role == "school" and school is None and user.group is None and trust is None:
        raise ActionRefused("A school user must be linked to a school (or a trust).")
    if password:
        check_password_strength(password, user_inputs=(user.email, name))
    before = _profile(user)
    user.name, user.role, user.active = name, role, active
    user.school = school if role == "school" else None
    user.trust = trust if role == "school" else None
    if signatory is not None:  # the buying round: only a school user commits the school's spending
        user.signatory = signatory and role == "school"
    after = _profile(user)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if password:
        user.set_password(password)
        changes["password"] = [None, "reset"]
    if {"role", "active", "password", "trust"} & changes.keys():
        user.end_sessions()
    if changes:
        audit.record("update", "User", user.id, _describe_changes(user.email, changes), changes)
    db.session.commit()


@refusal_rolls_back
def set_password(email: str, password: str) -> User:
    """An operator sets a user's password (the command line's reset); ends the user's sessions."""
    user = find_user(email)
    if user is None:
        raise ActionRefused(f"no user with email {email}")
    check_password_strength(password, user_inputs=(user.email, user.name))
    user.set_password(password)
    user.end_sessions()
    audit.record("update", "User", user.id, f"user {user.email}: password reset by an operator",
                 {"password": [None, "reset"]})
    db.session.commit()
    return user


@refusal_rolls_back
def change_password(user: User, current: str, new: str) -> None:
    """The user changes their own password, given the current one; ends their other sessions."""
    if not user.check_password(current):
        raise ActionRefused("That is not your current password.")
    check_password_strength(new, user_inputs=(user.email, user.name))
    user.set_password(new)
    user.end_sessions()
    audit.record("update", "User", user.id, f"user {user.email} changed their own password",
                 {"password": [None, "changed"]})
    db.session.commit()


# -- signing in and out ----------------------------------------------------------------------

@cache
def _dummy_hash() -> str:
    """A hash made as real ones are, checked when no account matches: an unknown email then
    costs the same time as a wrong password, so the answer's time does not tell who has an account."""
    return generate_password_hash(secrets.token_urlsafe(16))


def login_key(email: str) -> str:
    """The account a sign-in names, in one form however it is typed (throttling, audit)."""
    try:
        return normalise_email(email)
    except ActionRefused:
        return email.strip().lower()[:254]


def authenticate(email: str, password: str, address: str | None) -> User | None:
    """The active user with this email and password, or None; a failed attempt is audited."""
    tried = login_key(email)
    user = find_user(tried)
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is not None and matches and user.active:
        return user
    reason = "unknown account" if user is None else "wrong password" if not matches else "deactivated"
    with audit.acting_as(f"sign-in from {address or 'an unknown address'}"):
        audit.record("login_failed", "User", user.id if user else "unknown",
                     f"failed sign-in as {tried} from {address}: {reason}",
                     {"email": tried, "address": address, "reason": reason})
    db.session.commit()
    return None


def record_login(user: User, address: str | None) -> None:
    """Note (and audit) that the user, now signed in, signed in from this address."""
    user.last_login_at = utcnow()
    audit.record("login", "User", user.id, f"{user.email} signed in from {address}",
                 {"email": user.email, "address": address})
    db.session.commit()


def end_sessions(user: User) -> None:
    """Signing out: every session and remember-me cookie of the user ends, in every browser."""
    user.end_sessions()
    audit.record("logout", "User", user.id, f"{user.email} signed out (every session ended)")
    db.session.commit()


def user_for_session(session_id: str) -> User | None:
    """The active user a session or remember-me cookie names, if its session version is current."""
    user_id, _, version = session_id.partition(":")
    if not all(part.isascii() and part.isdigit() and len(part) < 10 for part in (user_id, version)):
        return None  # an id from before session versions, or not ours
    user = get(int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def revoke_tokens(user: User) -> int:
    """Revoke every live API token of the user; how many were revoked."""
    count = 0
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            count += 1
    audit.record("update", "ApiToken", user.id, f"{count} API token(s) of {user.email} revoked")
    db.session.commit()
    return count


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or not row.user.active or row.expired(now):
        return None
    # Recorded at most every few minutes, so reading the API does not write on every call.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now
        db.session.commit()
    return row.user
