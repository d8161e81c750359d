"""Bulk jobs shared by every consumer (issue #33): a job's items in chunks that any consumer takes.

A job's runner lists its items and calls ``fan_out``. The chunks are written once (a resumed job
finds them), a task is queued per chunk not yet done, and the job's own worker takes chunks too, so
one consumer with one worker finishes alone and every other consumer's workers share the work.
The job then waits for the chunks others hold, takes back a chunk whose worker died (its process
gone, or its heartbeat older than JOB_STALE_SECONDS, as for a job), retries a chunk that failed up
to CHUNK_RETRIES times, and reports the chunks' progress as its own.

A kind's work on a chunk must be idempotent: a chunk taken back runs again from its start (the
every-SLA job keeps each PDF in the shared results folder, so it renders only what is missing).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import exists, func, select, update

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import Job, JobChunk
from contracts_app.models.types import utcnow
from contracts_app.services.jobs import recovery
from contracts_app.services.jobs.core import PROGRESS_EVERY, JobContext, JobInterrupted, write_progress
from pricing.errors import ActionRefused

log = logging.getLogger(__name__)
CHUNK_RETRIES = 2  # a chunk that fails is run again twice before its error fails the job
POLL_SECONDS = 0.5  # how often a job waiting for others' chunks looks


@dataclass
class Chunk:
    """What a kind's work on one chunk is handed: the job's id and parameters, the chunk's items,
    and ``step()`` to call after each item (it raises JobInterrupted when the chunk must stop)."""

    job_id: int
    params: dict
    items: list
    step: Callable[[], None]


WORK: dict[str, Callable[[Chunk], list]] = {}
_send: list[Callable[[int, int], None]] = []


def register_work(kind: str, work: Callable[[Chunk], list]) -> None:
    """``work(chunk) -> results``: what one chunk of a job of ``kind`` does (results: JSON-able, kept
    on the chunk's row and handed back, in chunk order, by ``fan_out``)."""
    WORK[kind] = work


def send_with(send: Callable[[int, int], None]) -> None:
    """How a chunk's message is queued (services/jobs/tasks.py), so this module need not import the queue's tasks."""
    _send[:] = [send]


def _queue_message(job_id: int, seq: int) -> None:
    for send in _send:
        try:
            send(job_id, seq)
        except Exception:  # the queue unreachable: the job's own worker takes the chunk itself
            log.exception("job %s: chunk %s not queued", job_id, seq)


def chunk_size() -> int:
    return max(1, int(current_app.config.get("JOB_CHUNK_SIZE", 25)))


# -- planning -------------------------------------------------------------------------------------

def plan(job_id: int, items: list, size: int) -> None:
    """Write the job's chunks once; a resumed job keeps its chunks and gains one for items new since."""
    covered: set = set()
    last = -1
    for seq, chunk_items in db.session.execute(select(JobChunk.seq, JobChunk.items).where(JobChunk.job_id == job_id)):
        covered.update(chunk_items)
        last = max(last, seq)
    missing = [item for item in items if item not in covered]
    for offset, start in enumerate(range(0, len(missing), size)):
        db.session.add(JobChunk(job_id=job_id, seq=last + 1 + offset, items=missing[start:start + size],
                                state="queued", done=0, attempts=0, failures=0))
    db.session.commit()


def planned(job_id: int) -> bool:
    """Whether the job has its chunks already (it is being resumed or started again)."""
    return db.session.scalar(select(exists().where(JobChunk.job_id == job_id))) or False


def _seqs(job_id: int, state: str) -> list[int]:
    return list(db.session.scalars(select(JobChunk.seq).where(JobChunk.job_id == job_id, JobChunk.state == state)
                                   .order_by(JobChunk.seq)))


def _counts(job_id: int) -> tuple[int, int, int]:
    """(items done, chunks not done, chunks) of the job."""
    row = db.session.execute(select(func.coalesce(func.sum(JobChunk.done), 0),
                                    func.count().filter(JobChunk.state != "done"), func.count())
                             .where(JobChunk.job_id == job_id)).one()
    db.session.commit()  # end the read: on SQLite an open read would hold back the chunks' writers' view
    return int(row[0]), int(row[1]), int(row[2])


# -- one chunk ------------------------------------------------------------------------------------

def _set(chunk_id: int, attempt: int, **values) -> bool:
    """Change the chunk's row if ``attempt`` still runs it (one taken back meanwhile was replaced)."""
    hit = db.session.execute(update(JobChunk).where(JobChunk.id == chunk_id, JobChunk.attempts == attempt,
                                                    JobChunk.state == "running")
                             .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return hit == 1


def _claim(job_id: int, seq: int) -> JobChunk | None:
    """queued -> running, only while its job runs (a chunk of a failed or finished job does nothing)."""
    now = utcnow()
    job_runs = exists().where(Job.id == job_id, Job.state == "running")
    hit = db.session.execute(update(JobChunk).where(JobChunk.job_id == job_id, JobChunk.seq == seq,
                                                    JobChunk.state == "queued", job_runs)
                             .values(state="running", attempts=JobChunk.attempts + 1, done=0, error=None,
                                     worker=recovery.worker_identity(), heartbeat_at=now, started_at=now,
                                     finished_at=None)
                             .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if hit != 1:
        return None
    return db.session.scalar(select(JobChunk).where(JobChunk.job_id == job_id, JobChunk.seq == seq)
                             .execution_options(populate_existing=True))


class _Progress:
    """A chunk's ``done``, written on its own connection at most every PROGRESS_EVERY seconds."""

    def __init__(self, chunk_id: int, attempt: int):
        self.chunk_id, self.attempt, self.done, self._written = chunk_id, attempt, 0, time.monotonic()

    def add(self) -> None:
        self.done += 1
        if time.monotonic() - self._written >= PROGRESS_EVERY:
            self._written = time.monotonic()
            write_progress(JobChunk.__table__, self.chunk_id, self.attempt, done=self.done)


def work_on(job_id: int, seq: int, stopping: Callable[[], bool] = queue.stopping.is_set,
            on_step: Callable[[], None] | None = None) -> bool:
    """Take chunk ``seq`` of job ``job_id`` if it is queued and run it to done or failed. False when it
    was not there to take. JobInterrupted (the consumer stopping, or the chunk taken from this
    worker) puts it back on the queue and goes up to the caller."""
    row = _claim(job_id, seq)
    if row is None:
        return False
    job = db.session.get(Job, job_id)
    chunk_id, attempt, items = row.id, row.attempts, list(row.items)
    heartbeat = recovery.Heartbeat(db.engine, chunk_id, attempt, recovery.beat_every(recovery.stale_after()),
                                   table=JobChunk.__table__)
    progress = _Progress(chunk_id, attempt)

    def step() -> None:
        progress.add()
        if on_step is not None:
            on_step()
        if heartbeat.lost or stopping():
            raise JobInterrupted(f"job {job_id} chunk {seq} stopped: its consumer is stopping, or it runs elsewhere")

    heartbeat.start()
    try:
        results = WORK[job.kind](Chunk(job_id, dict(job.parameters or {}), items, step))
    except (JobInterrupted, KeyboardInterrupt, SystemExit):
        db.session.rollback()
        _set(chunk_id, attempt, state="queued", worker=None, heartbeat_at=None)
        raise
    except Exception as exc:  # retried by the job (CHUNK_RETRIES), then its message fails the job
        db.session.rollback()
        log.exception("job %s chunk %s failed", job_id, seq)
        message = exc.message if isinstance(exc, ActionRefused) else f"{type(exc).__name__}: {exc}"
        _set(chunk_id, attempt, state="failed", error=message, failures=JobChunk.failures + 1, finished_at=utcnow())
        return True
    finally:
        heartbeat.stop()
    _set(chunk_id, attempt, state="done", done=len(items), results=results, finished_at=utcnow())
    return True


# -- the job's side ------------------------------------------------------------------------------

def _take_back_stale(job_id: int) -> None:
    """Chunks whose worker died go back on the queue (the same test as for a job: recovery)."""
    cutoff = utcnow() - recovery.stale_after()
    rows = db.session.execute(select(JobChunk.id, JobChunk.seq, JobChunk.worker, JobChunk.heartbeat_at,
                                     JobChunk.started_at, JobChunk.attempts)
                              .where(JobChunk.job_id == job_id, JobChunk.state == "running")).all()
    for row in rows:
        if recovery.interrupted(row, cutoff) and db.session.execute(
                update(JobChunk).where(JobChunk.id == row.id, JobChunk.attempts == row.attempts,
                                       JobChunk.state == "running")
                .values(state="queued", worker=None, heartbeat_at=None)
                .execution_options(synchronize_session=False)).rowcount == 1:
            db.session.commit()
            log.warning("job %s: chunk %s's worker stopped; queued again", job_id, row.seq)
            _queue_message(job_id, row.seq)
    db.session.commit()


def _retry_failed(job_id: int) -> None:
    """A failed chunk runs again, CHUNK_RETRIES times; then its error is the job's."""
    for row in db.session.execute(select(JobChunk.id, JobChunk.seq, JobChunk.failures, JobChunk.error,
                                         JobChunk.items)
                                  .where(JobChunk.job_id == job_id, JobChunk.state == "failed")).all():
        if row.failures > CHUNK_RETRIES:
            raise ActionRefused(f"Part {row.seq + 1} of the job ({len(row.items)} items from {row.items[0]}) "
                                f"failed {row.failures} times: {row.error}")
        db.session.execute(update(JobChunk).where(JobChunk.id == row.id, JobChunk.state == "failed")
                           .values(state="queued").execution_options(synchronize_session=False))
        db.session.commit()
        _queue_message(job_id, row.seq)


def _reporter(job: JobContext) -> Callable[[bool], None]:
    """The job's progress: the items its chunks have done, read at most every PROGRESS_EVERY seconds."""
    last = [0.0]

    def report(now: bool = False) -> None:
        if now or time.monotonic() - last[0] >= PROGRESS_EVERY:
            last[0] = time.monotonic()
            job.progress(_counts(job.id)[0])
        else:
            job.check()

    return report


def fan_out(job: JobContext, items: list, size: int | None = None) -> list:
    """Run the job's ``items`` in chunks shared by every consumer, this worker taking its share;
    returns the chunks' results joined, in chunk order."""
    plan(job.id, items, size or chunk_size())
    # A chunk whose retries failed the job gets them again when a person starts the job again: else
    # its old count would fail the rerun at once, without trying.
    db.session.execute(update(JobChunk).where(JobChunk.job_id == job.id, JobChunk.state == "failed",
                                              JobChunk.failures > CHUNK_RETRIES)
                       .values(failures=0).execution_options(synchronize_session=False))
    db.session.commit()
    for seq in _seqs(job.id, "queued"):
        _queue_message(job.id, seq)
    report = _reporter(job)
    while True:
        _take_back_stale(job.id)
        _retry_failed(job.id)
        queued = _seqs(job.id, "queued")
        if queued:
            work_on(job.id, queued[0], stopping=job.stopping, on_step=lambda: report(False))
            continue
        if _counts(job.id)[1] == 0:
            break
        report(True)
        time.sleep(POLL_SECONDS)
    report(True)
    results: list = []
    for chunk_results in db.session.scalars(select(JobChunk.results).where(JobChunk.job_id == job.id)
                                            .order_by(JobChunk.seq)):
        results.extend(chunk_results or [])
    return results


def workers_of(job_id: int) -> int:
    """How many worker processes did the job's chunks (the job's summary says it was shared)."""
    return db.session.scalar(select(func.count(func.distinct(JobChunk.worker)))
                             .where(JobChunk.job_id == job_id, JobChunk.state == "done")) or 0
