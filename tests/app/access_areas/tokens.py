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
# The sweep's token belongs to a user the URL does not name: revoking it from one's own account page, or
# as the admin under the sweep's user, is a 404 (the token-pages tests revoke real owners' tokens).
OTHERS_OBJECT = {"auth.revoke_token", "auth.revoke_user_token"}


def world(own, other):
    """A token of another user: one's own revoke answers 404 for it; the admin's user-token pages act on it."""
    user = User(email="token-owner@example.org", role="finance", name="Token owner")
    user.password_hash = "x"
    row, _ = ApiToken.issue(user)
    db.session.add_all([user, row])
    db.session.commit()
    return {"token_id": row.id}
