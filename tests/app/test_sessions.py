"""Sessions end on the server (issue #16 item 3): logging out, changing or resetting a password,
a new role or a deactivation end every session and remember-me cookie of the user; remember-me
lasts at most 30 days and its cookie is Secure (in production), HttpOnly and SameSite=Lax."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from flask import g

from contracts_app import create_app
from contracts_app.config import load_config
from contracts_app.extensions import db
from contracts_app.services import users as user_service
from tests.conftest import PASSWORD

NEW_PASSWORD = "another-long-pass"


@pytest.fixture(autouse=True)
def fresh_user_per_request(app):
    """Load the user afresh on every request, as a real server does.

    The test's app context (and its ``g``) outlives each request, so Flask-Login's cached
    ``g._login_user`` would otherwise carry one browser's user into the next browser's request."""
    def forget() -> None:
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)


def sign_in(client, user, remember: bool = False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.data[:500]
    return response


def opens_invoices(client) -> bool:
    response = client.get("/invoices/")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def replay(app, name: str, value: str):
    """A fresh browser carrying only the captured cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def test_a_session_cookie_captured_before_logout_no_longer_opens_pages(app, client, make_user):
    sign_in(client, make_user("finance"))
    captured = client.get_cookie("session").value
    assert opens_invoices(replay(app, "session", captured))  # the copy works while signed in
    client.post("/logout")
    assert not opens_invoices(replay(app, "session", captured))
    assert "/login" in replay(app, "session", captured).get("/invoices/").headers["Location"]


def test_logout_ends_the_users_sessions_in_every_browser(app, client, make_user):
    user = make_user("finance")
    other = app.test_client()
    sign_in(client, user)
    sign_in(other, user)
    assert opens_invoices(other)
    client.post("/logout")
    assert not opens_invoices(other)
    sign_in(other, user)  # signing in again works
    assert opens_invoices(other)


def test_remember_me_cookie_is_refused_after_logout(app, client, make_user):
    sign_in(client, make_user("finance"), remember=True)
    remember = client.get_cookie("remember_token").value
    assert opens_invoices(replay(app, "remember_token", remember))  # another browser, remember cookie only
    client.post("/logout")
    assert not opens_invoices(replay(app, "remember_token", remember))


def test_remember_me_and_other_sessions_are_refused_after_a_password_change(app, client, make_user):
    user = make_user("finance")
    sign_in(client, user, remember=True)
    remember = client.get_cookie("remember_token").value
    other = app.test_client()
    sign_in(other, user)
    response = client.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert opens_invoices(client)  # the browser that changed it carries on
    assert not opens_invoices(other)
    assert not opens_invoices(replay(app, "remember_token", remember))
    fresh = client.get_cookie("remember_token").value  # this browser's new remember cookie works
    assert fresh != remember and opens_invoices(replay(app, "remember_token", fresh))


@pytest.mark.parametrize("change", [
    {"password": NEW_PASSWORD},  # an administrator resets the password
    {"active": ""},  # deactivation (an unticked box sends nothing)
    {"role": "sla"},
])
def test_an_administrators_change_ends_the_users_sessions(app, client, make_user, change):
    user = make_user("finance")
    victim = app.test_client()
    sign_in(victim, user, remember=True)
    remember = victim.get_cookie("remember_token").value
    sign_in(client, make_user("admin"))
    form = {"email": user.email, "name": "", "role": "finance", "school_urn": "", "password": "", "active": "y"}
    form.update(change)
    if not form["active"]:
        del form["active"]
    assert client.post(f"/admin/users/{user.id}", data=form).status_code == 302
    assert not opens_invoices(victim)
    assert not opens_invoices(replay(app, "remember_token", remember))
    assert opens_invoices(client)  # the administrator is still signed in


def test_a_name_change_leaves_sessions_alone(app, client, make_user):
    user = make_user("finance")
    victim = app.test_client()
    sign_in(victim, user)
    sign_in(client, make_user("admin"))
    form = {"email": user.email, "name": "New Name", "role": "finance", "school_urn": "", "password": "",
            "active": "y"}
    assert client.post(f"/admin/users/{user.id}", data=form).status_code == 302
    assert opens_invoices(victim)


def test_an_administrator_resetting_their_own_password_stays_signed_in(client, make_user):
    admin = make_user("admin")
    sign_in(client, admin)
    form = {"email": admin.email, "name": "", "role": "admin", "school_urn": "", "password": NEW_PASSWORD,
            "active": "y"}
    assert client.post(f"/admin/users/{admin.id}", data=form).status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_the_operators_password_reset_ends_sessions(app, client, make_user):
    user = make_user("finance")
    sign_in(client, user)
    result = app.test_cli_runner().invoke(args=["users", "password", user.email, "--password-stdin"],
                                          input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert not opens_invoices(client)
    assert db.session.get(type(user), user.id).check_password(NEW_PASSWORD)


def test_a_session_from_before_session_versions_is_refused(client, make_user):
    user = make_user("finance")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what sessions held before the migration
        session["_fresh"] = True
    assert not opens_invoices(client)
    for stale in (f"{user.id}:0", f"{user.id}:x", "x:1", f"{user.id}:１", ":", ""):
        assert user_service.user_for_session(stale) is None, stale
    assert user_service.user_for_session(f"{user.id}:1") == user


def test_a_deactivated_users_api_token_stops_working(client, make_user):
    user = make_user("finance")
    token = user_service.issue_token(user.email)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    user_service.update_user(user, name="", role="finance", active=False, school_urn=None, password=None)
    assert client.get("/api/v1/schools", headers=headers).status_code == 401
    user_service.update_user(user, name="", role="finance", active=True, school_urn=None, password=None)
    assert client.get("/api/v1/schools", headers=headers).status_code == 200


def _remember_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))


def test_remember_me_lasts_30_days_and_is_httponly_and_same_site(client, make_user):
    response = sign_in(client, make_user("sla"), remember=True)
    cookie = _remember_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert expires - datetime.now(timezone.utc) <= timedelta(days=30, minutes=1)


def test_remember_me_cookie_is_secure_in_production(monkeypatch, app_config, make_user):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    config = load_config({"CONTRACTS_ENV": "production"})
    assert config["REMEMBER_COOKIE_SECURE"] is True and config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    secure = create_app({**app_config, "REMEMBER_COOKIE_SECURE": config["REMEMBER_COOKIE_SECURE"]})
    user = make_user("sla")
    with secure.app_context():
        response = sign_in(secure.test_client(), user, remember=True)
    assert "; Secure" in _remember_cookie(response)


@pytest.mark.parametrize("days", ["365", "0", "31", "thirty", "-5", "²"])
def test_remember_me_longer_than_30_days_is_refused(monkeypatch, days):
    monkeypatch.setenv("REMEMBER_DAYS", days)
    with pytest.raises(RuntimeError, match="REMEMBER_DAYS must be a whole number of days between 1 and 30"):
        load_config({"CONTRACTS_ENV": "testing"})
