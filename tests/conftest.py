"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
a fresh app per test with empty tables, and helpers that read like a user's steps."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

_TMP = Path(tempfile.mkdtemp(prefix="contracts-tests-"))
os.environ.setdefault("CONTRACTS_INSTANCE", str(_TMP / "instance"))

PASSWORD = "correct-horse-battery"


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return url or f"sqlite:///{_TMP / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url() -> str:
    """Migrate once per session: the suite runs on the schema the migrations build."""
    from flask_migrate import upgrade

    from contracts_app import create_app

    url = _database_url()
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    return url


def _empty_tables(db) -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def app_config(database_url) -> dict:
    return {"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False, "SERVER_NAME": None,
            # Login throttling is off for the suite (tests sign in often); tests/app/test_login_throttle.py
            # turns it on.
            "RATELIMIT_ENABLED": False,
            # E-invoices (issue #32): the official rules copied into tests/data/einvoice/, and the
            # scheme schools are addressed under (it has no default).
            "EINVOICE_RULES_DIR": str(Path(__file__).parent / "data" / "einvoice"), "EINVOICE_BUYER_SCHEME": "0060"}


@pytest.fixture
def app(app_config):
    from contracts_app import create_app
    from contracts_app.extensions import db

    app = create_app(app_config)
    with app.app_context():
        _empty_tables(db)
        yield app
        db.session.remove()
        _empty_tables(db)
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_school(app):
    from contracts_app.extensions import db
    from contracts_app.models import School

    counter = iter(range(100001, 200000))

    def make(urn: int | None = None, name: str | None = None, establishment_type: str = "Community school",
             la_code: int = 141, **fields) -> School:
        urn = urn or next(counter)
        school = School(urn=urn, name=name or f"School {urn}", establishment_type=establishment_type,
                        la_code=la_code, la_name="Coventry" if la_code == 141 else "Elsewhere",
                        postcode=fields.pop("postcode", "CV1 1AA"),
                        customer_type_derived="maintained" if establishment_type == "Community school"
                        and la_code == 141 else "academy", **fields)
        school.refresh_derived_fields()
        db.session.add(school)
        db.session.commit()
        return school

    return make


@pytest.fixture
def make_user(app):
    from contracts_app.extensions import db
    from contracts_app.models import User

    def make(role: str, school=None, email: str | None = None, group=None) -> User:
        user = User(email=email or f"{role}{'-' + str(school.urn) if school else ''}@test.example",
                    role=role, school=school, group=group)
        # A fast hash keeps the suite quick; production uses werkzeug's default (scrypt).
        from werkzeug.security import generate_password_hash

        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client, make_user):
    """login('sla') signs a new user of that role in; returns the user."""

    def do(role_or_user, school=None):
        user = make_user(role_or_user, school=school) if isinstance(role_or_user, str) else role_or_user
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.data[:500]
        return user

    return do
