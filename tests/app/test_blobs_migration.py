"""Issue #33's migration: accepted PDFs and outbox attachments move from disk into `blobs`,
each checked against its SHA-256; a file that does not match stops the upgrade naming it."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from contracts_app import create_app
from contracts_app.extensions import db
from contracts_app.models import Blob, OfferAcceptance, OutboxAttachment, OutboxMessage
from contracts_app.services import blobs

BEFORE = "0020_contact_einvoices"


@pytest.fixture
def old_instance(app_config, tmp_path):
    """A SQLite database at the revision before #33, with one acceptance and one attachment on disk."""
    instance = tmp_path / "instance"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
                      "INSTANCE_DIR": str(instance), "OUTBOX_FOLDER": str(instance / "outbox"),
                      "JOBS_DIR": str(instance / "jobs")})
    pdf, attachment = b"%PDF-1.4 accepted", b"%PDF-1.4 statement"
    pdf_path = instance / "offers" / "2027" / "offer-1-acceptance-1.pdf"
    attachment_path = instance / "outbox" / hashlib.sha256(attachment).hexdigest()[:2] / hashlib.sha256(attachment).hexdigest()
    for path, content in ((pdf_path, pdf), (attachment_path, attachment)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with app.app_context():
        upgrade(revision=BEFORE)
        # SQLite does not enforce the foreign keys here: the rows stand alone.
        db.session.add(OfferAcceptance(
            id=1, offer_id=1, revision=1, user_id=1, user_email="head@x.example", full_name="Pat Head",
            job_title="Headteacher", authorised=True, accepted_at=datetime.now(timezone.utc), basket={},
            total=Decimal("10.00"), document_sha256=hashlib.sha256(pdf).hexdigest(),
            document_path="offers/2027/offer-1-acceptance-1.pdf"))
        db.session.add(OutboxMessage(key="k", purpose="test", concerns_type="user", concerns_id=1,
                                     recipient="a@x.example", subject="s", body_text="b", attachments=[
                                         OutboxAttachment(filename="s.pdf", mimetype="application/pdf",
                                                          sha256=hashlib.sha256(attachment).hexdigest(),
                                                          size=len(attachment))]))
        db.session.commit()
        db.session.remove()
    return app, pdf, attachment, pdf_path


def test_the_files_move_into_the_database_checked(old_instance):
    app, pdf, attachment, _ = old_instance
    with app.app_context():
        upgrade()
        assert blobs.get(hashlib.sha256(pdf).hexdigest()) == pdf
        assert blobs.get(hashlib.sha256(attachment).hexdigest()) == attachment
        assert len(db.session.scalars(select(Blob.sha256)).all()) == 2
        # And back: the downgrade writes the records where the files were kept.
        db.session.remove()
        downgrade(revision=BEFORE)


def test_a_file_that_does_not_match_stops_the_upgrade_naming_it(old_instance, capsys):
    app, pdf, _, pdf_path = old_instance
    pdf_path.write_bytes(b"%PDF-1.4 altered after signing")
    with app.app_context():
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits 1
            upgrade()
        # Alembic's own log handler writes to stderr.
        assert "offer-1-acceptance-1.pdf does not match the SHA-256" in capsys.readouterr().err
        # Nothing changed: put the signed file back and the upgrade goes through.
        pdf_path.write_bytes(pdf)
        upgrade()
        assert blobs.get(hashlib.sha256(pdf).hexdigest()) == pdf


def test_a_file_already_gone_is_skipped_and_its_door_says_so(old_instance):
    app, pdf, attachment, pdf_path = old_instance
    pdf_path.unlink()
    with app.app_context():
        upgrade()
        assert not blobs.exists(hashlib.sha256(pdf).hexdigest())
        assert blobs.exists(hashlib.sha256(attachment).hexdigest())
