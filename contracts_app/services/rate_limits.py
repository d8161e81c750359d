"""Sign-in throttling's counts in the application's own database (issue #27).

Flask-Limiter keeps its counts in a `limits` storage named by RATELIMIT_STORAGE_URI. Memory is
per process, so `gunicorn -w 4` let four times the limit through; Redis is shared but not every
deployment has one. `database://` is this storage: a fixed-window counter per limit and key in
the `rate_limit_counters` table of the app's database, which every worker already shares.

Each hit is one atomic statement - an upsert that starts a new window when the old one is over,
or adds to it, and returns the new count (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on
SQLite and PostgreSQL alike) - in its own short transaction on its own connection, so a count
is never lost or read stale under concurrent workers, and the request's session (and whatever
it rolls back) has no part in it.

Subclassing `limits.storage.Storage` registers the class under STORAGE_SCHEME (the library's
metaclass does it), so `storage_from_string("database://")` - which Flask-Limiter calls - finds
it once this module is imported (contracts_app/__init__.py imports it before the limiter starts).
"""
from __future__ import annotations

import hashlib
import time
from typing import ClassVar

from limits.errors import ConfigurationError
from limits.storage import Storage
from sqlalchemy import Select, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.dml import Insert

from contracts_app.extensions import db
from contracts_app.models.rate_limit import RateLimitCounter

SCHEME = "database"
# Windows that ended are deleted at most this often per process, a batch at a time.
CLEAN_UP_SECONDS = 60
CLEAN_UP_BATCH = 1000

_counters = RateLimitCounter.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _digest(key: str) -> str:
    """The stored key: fixed length and plain hex, whatever was typed into the form."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _hit(dialect: str, key: str, now: float, ends: float, amount: int) -> Insert:
    """One statement: a new window of `amount` if there is none or it is over, else `amount` more."""
    if dialect not in _INSERTS:
        raise ConfigurationError(f"{SCHEME}:// rate-limit storage works on SQLite and PostgreSQL, not {dialect}")
    over = _counters.c.expires_at <= now
    return (_INSERTS[dialect](_counters).values(key=key, hits=amount, expires_at=ends)
            .on_conflict_do_update(index_elements=[_counters.c.key], set_={
                # Both read the row as it was before this statement (SQL's SET semantics).
                "hits": case((over, amount), else_=_counters.c.hits + amount),
                "expires_at": case((over, ends), else_=_counters.c.expires_at)})
            .returning(_counters.c.hits))


def _current(key: str, now: float) -> Select:
    return select(_counters.c.hits, _counters.c.expires_at).where(
        _counters.c.key == _digest(key), _counters.c.expires_at > now)


class DatabaseStorage(Storage):
    """Fixed-window counts in the app's database (the `fixed-window` strategy, Flask-Limiter's default).

    Used inside the app (a request or an app context): it runs on the current app's engine.
    """

    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._cleaned_at = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count `amount` hits on the key; its window lasts `expiry` seconds from its first hit."""
        now = time.time()
        with db.engine.begin() as connection:
            hits = connection.execute(_hit(connection.dialect.name, _digest(key), now, now + expiry,
                                           amount)).scalar_one()
        self._clean_up(now)
        return int(hits)

    def get(self, key: str) -> int:
        """The hits in the key's current window (0 when it has none)."""
        with db.engine.connect() as connection:
            row = connection.execute(_current(key, time.time())).first()
        return int(row.hits) if row else 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends, in seconds since the epoch (now when it has none)."""
        now = time.time()
        with db.engine.connect() as connection:
            row = connection.execute(_current(key, now)).first()
        return float(row.expires_at) if row else now

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with db.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every count; how many there were."""
        with db.engine.begin() as connection:
            return connection.execute(delete(_counters)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's count."""
        with db.engine.begin() as connection:
            connection.execute(delete(_counters).where(_counters.c.key == _digest(key)))

    def _clean_up(self, now: float) -> None:
        """Delete windows that are over (keys of emails tried once would otherwise stay for ever).

        Rows another worker holds are skipped (PostgreSQL's SKIP LOCKED; SQLite has one writer at
        a time), so the clean-up never waits for, nor deadlocks with, a hit.
        """
        if now - self._cleaned_at < CLEAN_UP_SECONDS:
            return
        self._cleaned_at = now
        stale = (select(_counters.c.key).where(_counters.c.expires_at <= now)
                 .limit(CLEAN_UP_BATCH).with_for_update(skip_locked=True))
        with db.engine.begin() as connection:
            connection.execute(delete(_counters).where(_counters.c.key.in_(stale)))
