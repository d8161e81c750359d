"""Access to the background jobs pages (docs/jobs.md): staff only, and per kind its roles."""
from __future__ import annotations

from contracts_app.extensions import db
from contracts_app.models import Job
from contracts_app.models.types import utcnow
from contracts_app.services import jobs

STAFF = {"admin", "sla", "finance"}
SLA = {"admin", "sla"}  # the world's job is agreement_documents, the SLA team's kind

EXPECTED = {
    "jobs.index": STAFF,
    "jobs.start": SLA,
    "jobs.show": SLA,
    "jobs.status": SLA,
    "jobs.result": SLA,
    "jobs.rerun": SLA,
}


def world(own, other) -> dict:
    """A done agreement_documents job with its result file; /jobs/start/<kind> names that kind."""
    job = Job(kind="agreement_documents", parameters={"year": 2026}, started_by="access test", state="done",
              done=1, total=1, attempts=1, finished_at=utcnow())
    db.session.add(job)
    db.session.flush()
    (jobs.job_folder(job.id) / "sla-2026-27.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    job.result_path = f"{job.id}/sla-2026-27.zip"
    db.session.commit()
    return {"job_id": job.id, "kind": "agreement_documents"}
