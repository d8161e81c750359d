"""Issue #16 item 13: production refuses a short SECRET_KEY, FLASK_DEBUG never turns debug on in
production, and a new SQLite database file is readable by its owner only."""
from __future__ import annotations

import os
import stat

import pytest
from flask.cli import ScriptInfo
from flask.helpers import get_debug_flag

from contracts_app import create_app
from contracts_app.config import MIN_PRODUCTION_SECRET, load_config

GOOD_SECRET = "k" * MIN_PRODUCTION_SECRET


@pytest.mark.parametrize("secret", ["x", "k" * (MIN_PRODUCTION_SECRET - 1)])
def test_production_refuses_a_short_secret_key(monkeypatch, secret):
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match=f"SECRET_KEY must be at least {MIN_PRODUCTION_SECRET} characters"):
        load_config({"CONTRACTS_ENV": "production"})
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError, match="at least 32 characters"):  # an override is checked too
        load_config({"CONTRACTS_ENV": "production", "SECRET_KEY": secret})


def test_production_takes_a_long_secret_and_other_environments_any(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    assert load_config({"CONTRACTS_ENV": "production"})["SECRET_KEY"] == GOOD_SECRET
    monkeypatch.setenv("SECRET_KEY", "x")
    assert load_config({"CONTRACTS_ENV": "testing"})["SECRET_KEY"] == "x"


def _production_app(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    return create_app({"CONTRACTS_ENV": "production",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}"})


def test_flask_debug_never_turns_debug_on_in_production(tmp_path, monkeypatch):
    app = _production_app(tmp_path, monkeypatch)
    assert app.debug is False and app.config["DEBUG"] is False
    # `flask run` sets app.debug from FLASK_DEBUG after create_app, and turns the debugger on from it.
    assert get_debug_flag() is False
    loaded = ScriptInfo(create_app=lambda: _production_app(tmp_path, monkeypatch)).load_app()
    assert loaded.debug is False


def test_flask_debug_still_works_in_development(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"CONTRACTS_ENV": "development",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite3'}"})
    assert app.debug is True and get_debug_flag() is True


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    previous = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        path = tmp_path / "new.sqlite3"
        app = create_app({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        from contracts_app.extensions import db

        with app.app_context():
            db.create_all()
            db.engine.dispose()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(previous)


def test_an_existing_database_file_is_left_as_it_is(tmp_path):
    path = tmp_path / "old.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o640)
    load_config({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
