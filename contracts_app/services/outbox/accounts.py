"""Users' emails (issue #18, message 6): an invitation to choose a password, and "forgot password".

A link carries the user's id signed with itsdangerous, salted with the purpose and the user's
current password hash: it expires (INVITATION_HOURS, PASSWORD_RESET_HOURS) and works once,
since setting the password changes the hash and every earlier link stops verifying.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from contracts_app.extensions import db
from contracts_app.models import User
from contracts_app.services import audit
from contracts_app.services import users as user_service
from contracts_app.services.outbox.links import external_url
from contracts_app.services.outbox.queueing import queue
from contracts_app.services.transactions import refusal_rolls_back
from pricing.errors import ActionRefused

PURPOSES = {"invitation": "INVITATION_HOURS", "reset": "PASSWORD_RESET_HOURS"}
BAD_LINK = "This link has expired or has been used already. Ask for a new one from the sign-in page."


def _serializer(purpose: str, user: User) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"password-{purpose}:{user.password_hash}")


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose, user).dumps(user.id)


def user_for_token(token: str, purpose: str) -> User | None:
    """The active user a valid, unexpired, unused link is for; None otherwise."""
    try:
        _, user_id = URLSafeTimedSerializer(current_app.config["SECRET_KEY"]).loads_unsafe(token)
    except Exception:  # any garbage in the address: simply not a valid link
        return None
    if not isinstance(user_id, int):
        return None
    user = user_service.get(user_id)
    if user is None or not user.active:
        return None
    try:
        _serializer(purpose, user).loads(token, max_age=_hours(purpose) * 3600)
    except (SignatureExpired, BadSignature):
        return None
    return user


def _hours(purpose: str) -> int:
    return int(current_app.config[PURPOSES[purpose]])


def _fingerprint(user: User) -> str:
    """Changes whenever the password does: one invitation or reset message per password state."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:12]


def invite(user: User) -> None:
    """Queue the invitation: a link to choose a password (in the caller's transaction)."""
    link = external_url("auth.set_password", token=make_token(user, "invitation"))
    queue("user_invitation", concerns=("user", user.id), recipients=[user.email], template="user_invitation",
          context={"user": user, "link": link, "hours": _hours("invitation")},
          key=f"user_invitation:user:{user.id}:{_fingerprint(user)}")


@refusal_rolls_back
def create_invited(email: str, role: str, **details) -> User:
    """A new user with no password anyone knows, and the invitation to choose one."""
    user = user_service.create_user(email, role, secrets.token_urlsafe(32), **details)
    invite(user)
    db.session.commit()
    return user


# A reset asked for again within this many seconds queues nothing more (per address and password state).
RESET_WINDOW_SECONDS = 900


def request_reset(email: str) -> None:
    """Email the address asked for, whether or not it has an account (issue #27).

    An active account's address gets a reset link; any other address a note that no active
    account signs in with it. Either way the request does the same work - one look-up, one
    message rendered and queued in the outbox, one commit - so neither the page nor the time it
    takes tells who has an account (OWASP's forgot-password advice; sending in one case only
    made a known address answer in twice the time). Only the mailbox's owner learns which.
    At most one message per address (and password state) a quarter of an hour, however often
    it is asked; an address that is not an email address at all is refused (ActionRefused).
    """
    address = user_service.normalise_email(email)
    user = user_service.find_user(address)
    window = int(datetime.now(timezone.utc).timestamp() // RESET_WINDOW_SECONDS)
    if user is not None and user.active:
        link = external_url("auth.reset_password", token=make_token(user, "reset"))
        queue("password_reset", concerns=("user", user.id), recipients=[user.email], template="password_reset",
              context={"user": user, "link": link, "hours": _hours("reset")},
              key=f"password_reset:user:{user.id}:{_fingerprint(user)}:{window}")
    else:
        link = external_url("auth.forgot_password")
        queue("password_reset_unknown", concerns=("user", user.id if user else None), recipients=[address],
              template="password_reset_unknown", context={"email": address, "link": link},
              key=f"password_reset_unknown:{window}")
    db.session.commit()


@refusal_rolls_back
def set_password_with_link(token: str, purpose: str, password: str) -> User:
    """Choose a password through an invitation or reset link; the link then stops working."""
    user = user_for_token(token, purpose)
    if user is None:
        raise ActionRefused(BAD_LINK)
    user_service.check_password_strength(password, user_inputs=(user.email, user.name))
    user.set_password(password)
    user.end_sessions()
    what = "chose a password from an invitation" if purpose == "invitation" else "reset their password by email"
    audit.record("update", "User", user.id, f"user {user.email} {what}", {"password": [None, purpose]})
    db.session.commit()
    return user
