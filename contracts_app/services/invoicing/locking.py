"""One change to an invoice's money at a time (issue #16).

Payments, credit notes and payment reversals of one invoice read what is owed or
credited and then write; two of them at once would both read the same balance.
``lock_invoice`` is called first, so the second waits for the first to commit and
then reads the balance the first left:

- PostgreSQL: ``SELECT ... FOR UPDATE`` on the invoice's row (READ COMMITTED: every
  statement after the lock sees what the winner committed);
- SQLite: ``BEGIN IMMEDIATE`` - the database's write lock, taken before the reads.
  pysqlite runs reads in autocommit and begins a (deferred) transaction only at the
  first write, so when its transaction is already open this one has written and holds
  the write lock already. The busy timeout (extensions.py) makes the second writer wait.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from pricing.errors import ActionRefused

from contracts_app.extensions import SQLITE_BUSY_SECONDS, db
from contracts_app.models import Invoice

BUSY = (f"the database stayed busy with another change for {SQLITE_BUSY_SECONDS:g} seconds; nothing was "
        "changed - try again in a moment")


def database_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (a writer waited past the busy timeout)."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


@contextmanager
def busy_refused(message: str = BUSY) -> Iterator[None]:
    """Turn a lock wait that timed out into a clear refusal (409, a flashed message, a command error)."""
    try:
        yield
    except OperationalError as exc:
        if not database_busy(exc):
            raise
        db.session.rollback()
        raise ActionRefused(message) from None


def write_lock() -> None:
    """On SQLite, begin this transaction with the database's write lock (no-op elsewhere)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:  # open already: it began at a write, so it holds the lock
        with busy_refused():
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_invoice(invoice_id: int) -> None:
    """Hold the invoice for the rest of this transaction; call it before reading its balance."""
    write_lock()
    with busy_refused():
        found = db.session.execute(select(Invoice.id).where(Invoice.id == invoice_id).with_for_update()).scalar()
    if found is None:
        raise ActionRefused(f"no invoice with id {invoice_id}")

