"""Flask extensions, created unbound and initialised in create_app()."""
import os
import sqlite3

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

# A writer meeting another writer's lock on SQLite waits this long before "database is locked".
SQLITE_BUSY_SECONDS = float(os.environ.get("SQLITE_BUSY_SECONDS", "30"))


@event.listens_for(Engine, "connect")
def _sqlite_writers_wait(dbapi_connection: object, connection_record: object) -> None:
    """Every SQLite connection (app, commands, workers) queues for the write lock instead of failing.

    Reads stay in pysqlite's autocommit and a write transaction begins at its first write (or at
    services/invoicing/locking.py's BEGIN IMMEDIATE), so a waiting writer never holds a read
    lock that would deadlock SQLite's busy handler (see docs/concurrency.md).
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_SECONDS * 1000)}")


migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
# No default limits: only the routes that say so (signing in) are limited. Storage, limits and
# whether it is on at all come from the app's configuration (RATELIMIT_*, LOGIN_LIMIT_*).
limiter = Limiter(key_func=get_remote_address)
# Email (issue #18): builds the messages; services/outbox sends them over SMTP.
mail = Mail()
