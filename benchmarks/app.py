"""The app each benchmark phase builds in its own process, and the emptied database it starts on."""
from __future__ import annotations

YEAR = 2025


def make_app(url: str):
    """The app, with its mappers configured: a server or worker process pays that once, at its
    first query, and a phase timed in a fresh process would otherwise count it (0.1-0.5 s)."""
    from sqlalchemy.orm import configure_mappers

    from contracts_app import create_app

    app = create_app({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    configure_mappers()
    return app


def database_name(url: str) -> str:
    """"sqlite" or "postgresql", as each figure names its database."""
    return "postgresql" if url.startswith("postgres") else url.split(":", 1)[0].split("+", 1)[0]


def prepare(url: str) -> dict:
    """Upgrade the schema and empty every table (a PostgreSQL database is reused)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from contracts_app.extensions import db

    app = make_app(url)
    with app.app_context():
        upgrade()
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in reversed(tables):
                    conn.execute(text(f"DELETE FROM {name}"))
    return {}
