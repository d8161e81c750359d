"""Is this instance fit to serve (issue #33)? `/healthz` asks only whether the process answers;
`/readyz` asks whether everything a request or a job needs is there: the database, the schema at
the migrations' head, the job queue and the results store. Each failure is logged here with its
cause; the answer names only which check failed, so an unauthenticated caller learns nothing else."""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from contracts_app.extensions import db

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


@dataclass(frozen=True)
class Readiness:
    failed: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.failed


def _database() -> None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _migrations() -> None:
    heads = set(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != heads:
        raise RuntimeError(f"database at {sorted(current)}, migrations at {sorted(heads)}")


def _queue() -> None:
    from contracts_app.queue import huey

    huey.pending_count()  # a round trip to Redis or the queue's SQLite file


def _results_store() -> None:
    folder = Path(current_app.config["JOBS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
        pass


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "migrations": _migrations,
    "queue": _queue,
    "results_store": _results_store,
}


def readiness() -> Readiness:
    """Run every check; a check that raises has failed (logged with its cause, never shown).
    Migrations are not asked about when the database itself is unreachable."""
    failed: list[str] = []
    for name, check in CHECKS.items():
        if name == "migrations" and "database" in failed:
            failed.append(name)
            continue
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure means not ready; the log keeps the cause
            log.warning("readiness check %s failed", name, exc_info=True)
            failed.append(name)
    if failed:
        db.session.rollback()
    return Readiness(tuple(failed))
