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
