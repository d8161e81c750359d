"""Background jobs (docs/jobs.md): start one, re-run a failed one, read their state.

The interface other areas use::

    from contracts_app.services import jobs

    jobs.register("my_kind", runner, title="Do the thing", roles=("sla",), check=check_params)
    job = jobs.start("my_kind", {"year": 2026}, actor=current_user)   # -> Job row, queued
"""
from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from contracts_app.extensions import db
from contracts_app.models import Job, User
from contracts_app.models.types import utcnow
from contracts_app.services.jobs import tasks
from contracts_app.services.jobs.core import (
    KINDS,
    JobContext,
    JobInterrupted,
    Kind,
    NotAllowed,
    NotFound,
    clean_up,
    get,
    job_folder,
    kind_of,
    kinds_for,
    may_use,
    recent,
    register,
    result_file,
    write_atomically,
)
from contracts_app.services.jobs.running import execute
from contracts_app.services.transactions import refusal_rolls_back
from pricing.errors import ActionRefused

__all__ = ["KINDS", "Job", "JobContext", "JobInterrupted", "Kind", "NotAllowed", "NotFound", "Running", "clean_up",
           "execute", "get", "job_folder", "kind_of", "kinds_for", "look", "mark_failed", "may_use", "recent",
           "register", "rerun", "result_file", "start", "status", "write_atomically"]
log = logging.getLogger(__name__)


class Running(ActionRefused):
    """The job is queued or running: it cannot be started again now (the API: 409)."""


def _actor(actor: User | str | None) -> tuple[int | None, str]:
    if isinstance(actor, User):
        return actor.id, actor.email
    return None, actor or "command line"


@refusal_rolls_back
def start(kind: str, params: dict | None, actor: User | str | None,
          upload: tuple[str, bytes] | None = None) -> Job:
    """Check the parameters, save the job (queued) and put it on the queue.

    ``actor``: the signed-in user (their role must be allowed for the kind: NotAllowed), or
    a label for the command line. ``upload``: (file name, bytes) kept in the job's folder
    first; the runner gets its path as ``params["upload"]`` and the name as ``params["source"]``.
    """
    found = kind_of(kind)
    if isinstance(actor, User) and not may_use(kind, actor):
        raise NotAllowed(f"your role may not start {found.title.lower()} jobs")
    clean = found.check(dict(params or {})) if found.check else dict(params or {})
    user_id, label = _actor(actor)
    job = Job(kind=kind, parameters=clean, started_by_id=user_id, started_by=label, state="queued",
              done=0, attempts=0)
    db.session.add(job)
    db.session.flush()
    if upload is not None:
        name, data = upload
        path = write_atomically(job_folder(job.id) / "upload", data)
        job.parameters = {**clean, "upload": str(path), "source": name}
    db.session.commit()
    tasks.run_job(job.id)  # after the commit: the worker must find the row
    return job


def rerun(job: Job) -> Job:
    """Put a failed job back on the queue: it finishes the work and duplicates nothing.

    Refused (``Running``) unless it has failed; of two asking at once, one starts it. It gets
    its automatic resume again (docs/jobs.md "Recovery").
    """
    if job.state != "failed":
        why = {"queued": "it is waiting for a worker", "running": "it is still running",
               "done": "it has finished"}.get(job.state, job.state)
        raise Running(f"job {job.id} is {job.state}: only a failed job is started again, and {why}")
    hit = db.session.execute(update(Job).where(Job.id == job.id, Job.state == "failed").values(
        state="queued", error=None, done=0, interruptions=0, finished_at=None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    db.session.refresh(job)
    if hit != 1:
        raise Running(f"job {job.id} is {job.state} now: someone started it again a moment ago")
    tasks.run_job(job.id)
    return job


def look() -> list[int]:
    """Look for jobs whose consumer died, as every job page and the API do before answering: each is
    queued again with its message (or failed, the second time). Best effort: a busy database is
    left for the next look, never an error on the page."""
    try:
        return tasks.resume_interrupted()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("jobs: could not look for interrupted jobs (%s)", exc)
        return []


def mark_failed(job: Job, why: str) -> Job:
    """A job left running by a consumer that died: failed, so it can be started again."""
    if job.state not in ("queued", "running"):
        raise ActionRefused(f"job {job.id} is {job.state}; only a queued or running job is marked failed")
    job.state, job.finished_at = "failed", utcnow()
    job.error = f"{why}. What it finished is kept; start it again to finish the rest - nothing is done twice."
    db.session.commit()
    return job


def status(job: Job) -> dict:
    """What the status endpoint and API answer (result_url added by the door)."""
    return {"id": job.id, "kind": job.kind, "state": job.state, "done": job.done, "total": job.total,
            "error": job.error, "summary": job.summary or {}, "has_result": result_file(job) is not None,
            "interrupted_at": job.interrupted_at.isoformat() if job.interrupted_at else None}
