"""Gapless invoice and credit-note numbers, taken inside the issuing transaction."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from invoices.numbering import format_number

from contracts_app.extensions import db
from contracts_app.models import NumberSeries


def ensure_series(kind: str, year: int) -> None:
    """Create the series row if it is missing (committed at once: it holds no number)."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(NumberSeries).values(kind=kind, year=year, last=0).on_conflict_do_nothing())
    db.session.commit()


def lock_series(kind: str, year: int) -> None:
    """Take the series' write lock now, for the rest of this transaction.

    Concurrent runs queue here (a PostgreSQL row lock; SQLite's write lock) before
    they look at what is already billed, so they never both bill the same thing
    and never wait on each other in a cycle.
    """
    db.session.execute(update(NumberSeries).where(NumberSeries.kind == kind, NumberSeries.year == year)
                       .values(last=NumberSeries.last))


def take_numbers(kind: str, year: int, count: int) -> list[str]:
    """The next ``count`` numbers of the series; rolled back with the transaction if it fails."""
    if count <= 0:
        return []
    last = db.session.execute(
        update(NumberSeries).where(NumberSeries.kind == kind, NumberSeries.year == year)
        .values(last=NumberSeries.last + count).returning(NumberSeries.last)).scalar_one()
    return [format_number(kind, year, seq) for seq in range(last - count + 1, last + 1)]


def last_number(kind: str, year: int) -> int:
    """The last number taken in the series (0 before the first)."""
    return db.session.scalar(select(NumberSeries.last).where(NumberSeries.kind == kind,
                                                             NumberSeries.year == year)) or 0
