"""API tokens in the pages (issue #30): a user's tokens listed, one created (the text shown once; only its
hash is stored) and one revoked. The `users token` and `users revoke-tokens` commands stay in users.py;
creating goes through the same users.issue_token."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from pricing.errors import ActionRefused

from contracts_app.extensions import db
from contracts_app.models import ApiToken, User
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services import users as user_service


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, live and revoked, newest first (never their text: only a hash is kept)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_of(user: User, token_id: int) -> ApiToken | None:
    """One of the user's tokens, or None (another user's token included)."""
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None


def create_token(user: User, name: str = "", expires_on: date | None = None) -> str:
    """A new token for the user, named, expiring after ``expires_on`` (None: until revoked); its text, to be
    shown once (a deactivated user is refused)."""
    return user_service.issue_token(user.email, name, expires_on)


def revoke_token(token: ApiToken, by: str) -> ApiToken:
    """Revoke one token: the API refuses it from now on. Revoking twice is refused, naming when."""
    if token.revoked_at is not None:
        raise ActionRefused(f"Token {token.prefix}… was already revoked.")
    token.revoked_at = utcnow()
    audit.record("update", "ApiToken", token.user_id,
                 f"API token {token.prefix}... of {token.user.email} revoked by {by}")
    db.session.commit()
    return token
