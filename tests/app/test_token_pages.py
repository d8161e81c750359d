"""API tokens in the pages (issue #30): every role creates, lists and revokes its own; the admin any
user's; the token's text is shown once, on the page that made it; revoking asks first."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import ApiToken
from contracts_app.services import users as user_service


def _new_token(page: str) -> str:
    found = re.search(r'<code id="new-token">(sla_[^<]+)</code>', page)
    assert found, page
    return found.group(1)


def _tokens() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def test_a_user_creates_lists_and_revokes_their_own_token(app, client, login):
    api = app.test_client()  # the API as a script calls it: no session
    user = login("finance")
    response = client.post("/account/tokens/new")
    page = unescape(response.get_data(as_text=True))
    token = _new_token(page)
    assert response.headers["Cache-Control"] == "no-store" and "It will not be shown again" in page
    assert user_service.user_for_token(token).id == user.id
    assert api.get("/api/v1/invoices", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = unescape(client.get("/account/tokens").get_data(as_text=True))
    assert token[:10] + "…" in listed and token not in listed and "live" in listed  # shown once only

    row = db.session.scalar(select(ApiToken))
    asked = unescape(client.post(f"/account/tokens/{row.id}/revoke").get_data(as_text=True))
    assert f"Revoke the API token {row.prefix}…?" in asked and 'name="confirmed" value="1"' in asked
    assert user_service.user_for_token(token) is not None  # nothing changed before the confirmed POST
    done = unescape(client.post(f"/account/tokens/{row.id}/revoke", data={"confirmed": "1"},
                                follow_redirects=True).get_data(as_text=True))
    assert f"Token {row.prefix}… revoked." in done and "revoked" in done
    assert user_service.user_for_token(token) is None
    again = client.post(f"/account/tokens/{row.id}/revoke", data={"confirmed": "1"}, follow_redirects=True)
    assert "was already revoked" in again.get_data(as_text=True)
    # Last: in tests the app context (and so flask.g) outlives a request, and a refused bearer leaves an
    # anonymous user in g that the signed-in client would then see.
    assert api.get("/api/v1/invoices", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_school_user_has_tokens_too(client, login, make_school):
    login("school", school=make_school(urn=103700))
    assert _new_token(client.post("/account/tokens/new").get_data(as_text=True)).startswith("sla_")
    assert _tokens() == 1


def test_nobody_revokes_another_users_token_through_their_own_page(client, login, make_user):
    other = make_user("sla", email="other@example.org")
    user_service.issue_token(other.email)
    theirs = db.session.scalar(select(ApiToken))
    login("finance")
    response = client.post(f"/account/tokens/{theirs.id}/revoke", data={"confirmed": "1"})
    assert response.status_code == 404  # as for a number nobody has: nothing learnt
    db.session.expire_all()
    assert db.session.get(ApiToken, theirs.id).revoked_at is None
    assert "other@example.org" not in client.get("/account/tokens").get_data(as_text=True)


def test_the_admin_manages_any_users_tokens(client, login, make_user):
    target = make_user("sla", email="target@example.org")
    login("admin")
    assert f'/admin/users/{target.id}/tokens' in client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    page = unescape(client.post(f"/admin/users/{target.id}/tokens/new").get_data(as_text=True))
    token = _new_token(page)
    assert "New token for target@example.org" in page
    assert user_service.user_for_token(token).email == "target@example.org"
    row = db.session.scalar(select(ApiToken))
    client.post(f"/admin/users/{target.id}/tokens/{row.id}/revoke", data={"confirmed": "1"})
    assert user_service.user_for_token(token) is None
    assert client.get("/admin/users/999999/tokens").status_code == 404


def test_a_deactivated_user_gets_no_token(client, login, make_user):
    target = make_user("sla", email="gone@example.org")
    target.active = False
    db.session.commit()
    login("admin")
    page = client.post(f"/admin/users/{target.id}/tokens/new", follow_redirects=True).get_data(as_text=True)
    assert "No token created: user gone@example.org is deactivated" in page and _tokens() == 0


def test_the_commands_stay(app, make_user):
    make_user("finance", email="cli@example.org")
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "token", "cli@example.org"])
    assert made.exit_code == 0 and made.output.startswith("sla_")
    revoked = runner.invoke(args=["users", "revoke-tokens", "cli@example.org"])
    assert revoked.exit_code == 0 and "Revoked 1 token(s)" in revoked.output


# -- a token's name and expiry (migration 0029) ---------------------------------------------------

def test_a_token_is_named_and_stops_working_after_its_last_day(app, client, login):
    from datetime import date, timedelta

    from contracts_app.models.types import utcnow

    api = app.test_client()
    login("finance")
    last_day = date.today() + timedelta(days=30)
    response = client.post("/account/tokens/new", data={"name": "finance system import", "expires": last_day.isoformat()})
    token = _new_token(unescape(response.get_data(as_text=True)))
    listed = unescape(client.get("/account/tokens").get_data(as_text=True))
    assert "finance system import" in listed and "when revoked" not in listed
    assert api.get("/api/v1/invoices", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    row = db.session.scalar(select(ApiToken))
    assert row.name == "finance system import" and row.expires_at.date() == last_day + timedelta(days=1)
    row.expires_at = utcnow() - timedelta(seconds=1)  # its last day has passed
    db.session.commit()
    assert "expired" in client.get("/account/tokens").get_data(as_text=True)
    assert api.get("/api/v1/invoices", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_last_day_not_in_the_future_or_too_far_makes_no_token(client, login):
    from datetime import date, timedelta

    login("finance")
    for day, named in ((date.today(), "is not after today"), (date.today() + timedelta(days=4 * 366), "three years")):
        response = client.post("/account/tokens/new", data={"expires": day.isoformat()})
        assert response.status_code == 400 and named in unescape(response.get_data(as_text=True))
    response = client.post("/account/tokens/new", data={"name": "x" * 121})
    assert response.status_code == 400
    assert _tokens() == 0


def test_the_command_names_a_token_and_gives_it_a_last_day(app, make_user):
    from datetime import date, timedelta

    user = make_user("finance")
    runner = app.test_cli_runner()
    day = (date.today() + timedelta(days=10)).isoformat()
    result = runner.invoke(args=["users", "token", user.email, "--name", "nightly export", "--expires", day])
    assert result.exit_code == 0 and result.output.startswith("sla_")
    row = db.session.scalar(select(ApiToken))
    assert row.name == "nightly export" and row.expires_at is not None
    bad = runner.invoke(args=["users", "token", user.email, "--expires", date.today().isoformat()])
    assert bad.exit_code != 0 and "is not after today" in bad.output and _tokens() == 1
