"""The migrations build exactly the schema the models describe, and can be undone."""
from __future__ import annotations

import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from contracts_app import create_app
from contracts_app.extensions import db


def _fresh_database(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}", None
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    return url.rsplit("/", 1)[0] + "/" + name, (admin, name)


def test_models_and_migrations_agree(tmp_path):
    url, cleanup = _fresh_database(tmp_path)
    app = create_app({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                        db.metadata)
            assert diff == [], f"models differ from migrations; add a migration: {diff}"
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
