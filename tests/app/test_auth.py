"""Signing in, CSRF, cookies and the secret key."""
from __future__ import annotations

import pytest

from contracts_app import create_app
from contracts_app.config import load_config
from tests.conftest import PASSWORD


def test_wrong_password_shows_error_beside_field(client, make_user):
    user = make_user("sla")
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert response.status_code == 200
    assert b"do not match an active account" in response.data


def test_inactive_user_cannot_sign_in(client, make_user):
    from contracts_app.extensions import db

    user = make_user("sla")
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_next_parameter_is_not_an_open_redirect(client, make_user):
    user = make_user("sla")
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/schools/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/schools/"


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user("sla")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_token_required_on_forms(app_config, make_user):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    with app.app_context():
        user = make_user("sla")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"Form expired" in response.data


def test_no_default_secret_in_production(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        load_config({"CONTRACTS_ENV": "production"})
    monkeypatch.setenv("SECRET_KEY", "s3cret-from-the-environment-32-chars+")
    config = load_config({"CONTRACTS_ENV": "production"})
    assert config["SECRET_KEY"] == "s3cret-from-the-environment-32-chars+"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_development_secret_is_random_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CONTRACTS_INSTANCE", str(tmp_path))
    first = load_config({"CONTRACTS_ENV": "development"})["SECRET_KEY"]
    assert len(first) == 64 and first == load_config({"CONTRACTS_ENV": "development"})["SECRET_KEY"]
    monkeypatch.setenv("CONTRACTS_INSTANCE", str(tmp_path / "other"))
    assert load_config({"CONTRACTS_ENV": "development"})["SECRET_KEY"] != first


def test_change_password(client, login):
    login("finance")
    response = client.post("/account/password", data={"current": "wrong", "new": "another-long-pass",
                                                       "confirm": "another-long-pass"})
    assert b"not your current password" in response.data
    response = client.post("/account/password", data={"current": PASSWORD, "new": "another-long-pass",
                                                       "confirm": "another-long-pass"})
    assert response.status_code == 302


# -- "Forgotten your password?" tells nobody who has an account (issue #27) -----------------------

def _forgot(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def _unsigned(cookie: str) -> str:
    """A session cookie without its signed value, which carries the second it was signed in (two answers a
    second apart differ there alone); what it holds is compared decoded (the flashes)."""
    name, _, rest = cookie.partition("=")
    return f"{name}=...;{rest.partition(';')[2]}"


def test_forgotten_password_answers_an_unknown_address_exactly_as_a_known_one(client, make_user):
    from sqlalchemy import select

    from contracts_app.extensions import db
    from contracts_app.models import OutboxMessage

    make_user("sla", email="known@test.example")
    answers = {}
    for email in ("known@test.example", "nobody@test.example"):
        response = _forgot(client, email)
        with client.session_transaction() as session:
            flashes = session.pop("_flashes", None)
        headers = sorted((name, _unsigned(value) if name == "Set-Cookie" else value)
                         for name, value in response.headers.items() if name not in ("Date",))
        answers[email] = (response.status_code, headers, response.get_data(), flashes)
    assert answers["known@test.example"] == answers["nobody@test.example"]
    assert answers["known@test.example"][0] == 302
    messages = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(messages) == {"known@test.example", "nobody@test.example"}  # each address is emailed
    assert "/password/reset/" in messages["known@test.example"].body_text
    unknown = messages["nobody@test.example"]
    assert "no active account signs in with this address" in unknown.body_text
    assert "/password/reset/" not in unknown.body_text and unknown.subject == "Reset your password"


def test_forgotten_password_refuses_what_is_not_an_email_address(client):
    response = _forgot(client, "not an address")
    assert response.status_code == 200
    assert "is not a valid email address" in response.get_data(as_text=True)


def test_forgotten_password_takes_the_same_time_whether_or_not_the_address_has_an_account(client, make_user):
    """Before issue #27 a known address was answered in 2-6 times the time of an unknown one (only
    it was queued a message). Medians of interleaved tries, each a first request for its address;
    a round spoilt by another process's load is measured again, at most three rounds."""
    import statistics
    import time

    tries, rounds = 11, 3
    for n in range(tries * rounds + 1):
        make_user("sla", email=f"known{n}@test.example")

    def timed(email: str) -> float:
        start = time.perf_counter()
        assert _forgot(client, email).status_code == 302
        return time.perf_counter() - start

    timed(f"known{tries * rounds}@test.example"), timed("warm-up@test.example")  # templates compiled
    ratios = []
    for n in range(0, tries * rounds, tries):
        known, unknown = [], []
        for m in range(n, n + tries):  # interleaved, in turn first, so a busy machine slows both alike
            pair = [(known, f"known{m}@test.example"), (unknown, f"nobody{m}@test.example")]
            for times, email in pair if m % 2 else reversed(pair):
                times.append(timed(email))
        ratios.append(statistics.median(known) / statistics.median(unknown))
        if 1 / 1.5 < ratios[-1] < 1.5:
            return
    raise AssertionError(f"a known address's answer takes {ratios} times an unknown one's")
