"""Running one queued job: claim it, keep its heartbeat while it runs, end it done or failed -
or, when its consumer is stopping or the job was taken from it, leave it for the next consumer.

Every change to the row after the claim names the attempt (``attempts``) that made it, so a
worker that was taken for dead and carries on cannot overwrite the attempt that replaced it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import update

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import Job
from contracts_app.models.types import utcnow
from contracts_app.services.audit import acting_as
from contracts_app.services.jobs import recovery
from contracts_app.services.jobs.core import JobContext, JobInterrupted, kind_of
from pricing.errors import ActionRefused, ImportRefused

log = logging.getLogger(__name__)


def _failure(exc: Exception) -> str:
    if isinstance(exc, (ActionRefused, ImportRefused)):
        return exc.message
    return (f"The job stopped unexpectedly ({type(exc).__name__}: {exc}). What it finished is kept; "
            "start it again to finish the rest - nothing is done twice.")


def _claim(job_id: int) -> Job | None:
    """queued -> running by a conditional update: of two workers handed the same message, one runs it.
    The row, or None when this worker did not get it."""
    now = utcnow()
    claimed = db.session.execute(update(Job).where(Job.id == job_id, Job.state == "queued").values(
        state="running", started_at=now, heartbeat_at=now, worker=recovery.worker_identity(), finished_at=None,
        error=None, done=0, attempts=Job.attempts + 1))
    db.session.commit()
    return db.session.get(Job, job_id) if claimed.rowcount == 1 else None


def execute(job_id: int, stopping: Callable[[], bool] = queue.stopping.is_set) -> Job | None:
    """Run a queued job to done or failed (the worker's task; tests may call it directly).

    ``stopping()`` true: the consumer is shutting down, and the job stops at its next step and
    is queued again (JobContext.progress). Returns the row as it is after.
    """
    row = _claim(job_id)
    if row is None:
        return db.session.get(Job, job_id)  # deleted, done, or already taken by another worker
    heartbeat = recovery.Heartbeat(db.engine, job_id, row.attempts, recovery.beat_every(recovery.stale_after()))
    context = JobContext(row, should_stop=lambda: heartbeat.lost or stopping())
    heartbeat.start()
    try:
        return _run(row, context)
    finally:
        heartbeat.stop()


def _run(row: Job, context: JobContext) -> Job:
    job_id, kind = row.id, row.kind
    try:
        with acting_as(row.started_by or "background job"):
            summary = kind_of(kind).runner(context, **context.params)
            db.session.commit()
    except JobInterrupted:
        db.session.rollback()  # the step under way; what earlier steps committed stays
        recovery.put_back(job_id, context.attempt)
        return db.session.get(Job, job_id)
    except (KeyboardInterrupt, SystemExit):  # a process worker interrupted by its consumer's stop
        db.session.rollback()
        recovery.put_back(job_id, context.attempt)
        raise
    except Exception as exc:  # every failure ends as a message on the job
        db.session.rollback()
        if not isinstance(exc, (ActionRefused, ImportRefused)):
            log.exception("job %s (%s) failed", job_id, kind)
        return _finish(job_id, "failed", context, error=_failure(exc))
    return _finish(job_id, "done", context, summary=summary)


def _finish(job_id: int, state: str, context: JobContext, summary: dict | None = None,
            error: str | None = None) -> Job:
    total = context.total if context.total is not None else context.done
    values = {"state": state, "finished_at": utcnow(), "error": error, "done": context.done, "total": total}
    if state == "done":
        values.update(done=total if context.done == 0 else context.done, summary=summary or {},
                      result_path=f"{job_id}/{context.result_name}" if context.result_name else None)
    # Only the attempt that runs it: one taken for dead meanwhile has been replaced.
    db.session.execute(update(Job).where(Job.id == job_id, Job.attempts == context.attempt, Job.state == "running")
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Job, job_id)
