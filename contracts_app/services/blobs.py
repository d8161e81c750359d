"""The database's store of records (issue #33): put bytes under their SHA-256 in the caller's
transaction, so a record and the row that refers to it commit together or not at all; read them
back checked against the digest."""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from contracts_app.extensions import db
from contracts_app.models.blob import Blob
from contracts_app.models.types import utcnow


class BlobMissing(LookupError):
    """A record the database should hold is not there, or no longer matches its SHA-256."""


def put(content: bytes, media_type: str) -> str:
    """Store the bytes once (a second put of the same bytes, even from another process at the
    same moment, changes nothing) and return their SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(Blob).values(sha256=digest, size=len(content), media_type=media_type[:100],
                                           content=content, created_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["sha256"]))
    return digest


def get(digest: str) -> bytes:
    """The bytes stored under ``digest``, checked against it."""
    content = db.session.scalar(select(Blob.content).where(Blob.sha256 == digest))
    if content is None:
        raise BlobMissing(f"record {digest[:12]} is not in the database")
    content = bytes(content)  # PostgreSQL's driver gives a memoryview
    if hashlib.sha256(content).hexdigest() != digest:
        raise BlobMissing(f"record {digest[:12]} does not match its SHA-256")
    return content


def exists(digest: str) -> bool:
    return db.session.scalar(select(Blob.sha256).where(Blob.sha256 == digest)) is not None
