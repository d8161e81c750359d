"""Access to API tokens in the pages (issue #30): every role manages its own; only the admin any user's."""
from __future__ import annotations

from contracts_app.extensions import db
from contracts_app.models import ApiToken, User

ANY = {"admin", "sla", "finance", "school"}
EXPECTED = {
    "auth.tokens": ANY,
    "auth.create_token": ANY,
    "auth.revoke_token": ANY,
    "auth.user_tokens": {"admin"},
    "auth.create_user_token": {"admin"},
    "auth.revoke_user_token": {"admin"},
}


def world(own, other):
    """A token of another user: every route naming it answers (a message that the account has no such
    token), never acting on another user's token."""
    user = User(email="token-owner@example.org", role="finance", name="Token owner")
    user.password_hash = "x"
    row, _ = ApiToken.issue(user)
    db.session.add_all([user, row])
    db.session.commit()
    return {"token_id": row.id}
