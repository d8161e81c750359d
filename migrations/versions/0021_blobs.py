"""Records in the database (issue #33): accepted PDFs and outbox attachments move into `blobs`

Each file is read from the instance folder (accepted PDFs) or OUTBOX_FOLDER (attachments), checked
against the SHA-256 its row records, and stored; a file whose bytes do not match stops the upgrade
naming it (a record must not be silently replaced). A file already gone is reported and skipped:
there is nothing left to move, and its door answers "not available" as before. The files stay on
disk; delete them once the upgrade is verified.

Revision ID: 0021_blobs
Revises: 0020_contact_einvoices
Create Date: 2026-12-07 07:00:00

"""
import hashlib
import logging
import os
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_blobs'
down_revision = '0020_contact_einvoices'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
blobs = sa.table('blobs', sa.column('sha256', sa.String), sa.column('size', sa.Integer),
                 sa.column('media_type', sa.String), sa.column('content', sa.LargeBinary),
                 sa.column('created_at', sa.DateTime))


def _folders() -> tuple[Path, Path]:
    """The instance and outbox folders as the app configures them (Flask-Migrate runs us in its
    app context); the defaults of config.py otherwise."""
    try:
        from flask import current_app
        config = current_app.config
        return Path(config["INSTANCE_DIR"]), Path(config["OUTBOX_FOLDER"])
    except (RuntimeError, KeyError):
        instance = Path(os.environ.get("CONTRACTS_INSTANCE", "instance"))
        return instance, Path(os.environ.get("OUTBOX_FOLDER", str(instance / "outbox")))


def _files(connection) -> list[tuple[Path, str, str]]:
    """(file, SHA-256, media type) of every record kept on disk before #33, each once."""
    instance, outbox = _folders()
    found: dict = {}
    for relative, digest in connection.execute(sa.text(
            "SELECT document_path, document_sha256 FROM offer_acceptances WHERE document_path IS NOT NULL")):
        found.setdefault(digest, (instance / relative, digest, "application/pdf"))
    for digest, media_type in connection.execute(sa.text(
            "SELECT DISTINCT sha256, mimetype FROM outbox_attachments WHERE sha256 IS NOT NULL")):
        found.setdefault(digest, (outbox / digest[:2] / digest, digest, media_type))
    return list(found.values())


def _read(path: Path, digest: str) -> bytes | None:
    try:
        content = path.read_bytes()
    except OSError:
        log.warning("blobs: %s is not on disk; nothing to move for %s", path, digest[:12])
        return None
    if hashlib.sha256(content).hexdigest() != digest:
        raise RuntimeError(f"{path} does not match the SHA-256 its row records ({digest}): not moved")
    return content


def upgrade():
    connection = op.get_bind()
    files = _files(connection)
    for path, digest, _ in files:  # every file checked before anything changes (SQLite's DDL is not undone)
        _read(path, digest)
    op.create_table(
        'blobs',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('size >= 0', name=op.f('ck_blobs_size_not_negative')),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs')),
    )
    with op.batch_alter_table('offer_acceptances') as batch:
        batch.alter_column('document_path', existing_type=sa.String(length=500), nullable=True)
    for path, digest, media_type in files:
        content = _read(path, digest)
        if content is not None:
            connection.execute(blobs.insert().values(sha256=digest, size=len(content), media_type=media_type,
                                                     content=content, created_at=sa.func.now()))


def downgrade():
    """Write every record back where the files were kept, then drop the table."""
    connection = op.get_bind()
    instance, outbox = _folders()
    for row_id, relative, digest in connection.execute(sa.text(
            "SELECT id, document_path, document_sha256 FROM offer_acceptances")).fetchall():
        relative = relative or f"offers/restored/acceptance-{row_id}-{digest[:12]}.pdf"
        _write_back(connection, instance / relative, digest)
        connection.execute(sa.text("UPDATE offer_acceptances SET document_path = :p WHERE id = :i"),
                           {"p": relative, "i": row_id})
    for (digest,) in connection.execute(sa.text(
            "SELECT DISTINCT sha256 FROM outbox_attachments WHERE sha256 IS NOT NULL")).fetchall():
        _write_back(connection, outbox / digest[:2] / digest, digest)
    with op.batch_alter_table('offer_acceptances') as batch:
        batch.alter_column('document_path', existing_type=sa.String(length=500), nullable=False)
    op.drop_table('blobs')


def _write_back(connection, path: Path, digest: str) -> None:
    content = connection.execute(sa.text("SELECT content FROM blobs WHERE sha256 = :d"), {"d": digest}).scalar()
    if content is None or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(content))
