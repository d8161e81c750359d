"""Issue #33: the signed PDF is a record in the database, so a second web instance (another
instance folder, nothing shared but the database) serves it byte for byte."""
from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from contracts_app import create_app
from contracts_app.extensions import db
from contracts_app.models import Blob
from contracts_app.services import blobs
from tests.rounds.test_answer_stands import _accept


def test_a_second_instance_serves_the_accepted_pdf_the_first_stored(app, app_config, world, tmp_path):
    made = _accept(world)
    # Nothing of the record is on the first instance's disk (its instance, outbox and jobs folders;
    # other tests' folders may hold such files on purpose, as the blobs migration's test does).
    folders = {Path(app.config[key]) for key in ("INSTANCE_DIR", "OUTBOX_FOLDER", "JOBS_DIR")}
    assert not [p for folder in folders for p in folder.rglob("offer-*-acceptance-*.pdf")]
    second = create_app({**app_config, "INSTANCE_DIR": str(tmp_path / "second"),
                         "OUTBOX_FOLDER": str(tmp_path / "second" / "outbox"),
                         "JOBS_DIR": str(tmp_path / "second" / "jobs")})
    response = second.test_client().get(f"/api/v1/agreements/{made.agreement_id}/pdf",
                                        headers={"Authorization": f"Bearer {world.tokens['school']}"})
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == made.document_sha256
    stored = db.session.get(Blob, made.document_sha256)
    assert (stored.media_type, stored.size) == ("application/pdf", len(response.data))


def test_a_record_that_no_longer_matches_is_refused_not_served(app, world, api):
    made = _accept(world)
    db.session.execute(Blob.__table__.update().values(content=b"%PDF-1.4 replaced"))
    db.session.commit()
    response = api("GET", f"/agreements/{made.agreement_id}/pdf", "school")
    assert response.status_code == 409
    assert "does not match its SHA-256" in response.get_json()["detail"]


def test_the_same_bytes_are_stored_once(app):
    first = blobs.put(b"%PDF-1.4 one", "application/pdf")
    assert blobs.put(b"%PDF-1.4 one", "application/pdf") == first
    db.session.commit()
    assert db.session.scalars(select(Blob.sha256)).all() == [first]
    assert blobs.get(first) == b"%PDF-1.4 one"
