"""Jobs recover by themselves (issue #27): a heartbeat while a job runs, and the look that finds
the jobs whose consumer died and puts each back on the queue, once.

A consumer killed mid-job (kill -9, a power cut, an out-of-memory kill) leaves its job's row
``running``. Whoever looks next - a consumer starting, the periodic task, the job's page or the
API - finds it interrupted when

- its worker ran on this machine and that process is gone (known at once), or
- its heartbeat is older than ``JOB_STALE_SECONDS`` (another machine's worker: only time tells).

A worker alive on this machine is never taken for dead, however late its heartbeat: on SQLite a
long write transaction of the job itself can hold back the heartbeat's write.

Found interrupted, the job goes back to ``queued`` (its message is sent again by the caller),
or, the second time its consumer died under it since it was started, to ``failed`` for a person
to "Start it again": a job that kills its consumer every time must not loop. Each change is a
conditional update on the attempt it saw, so two lookers interrupt it once, and a worker that
was only slow learns from its next heartbeat that the job was taken from it (``lost``).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from functools import lru_cache

import psutil
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from contracts_app.extensions import db
from contracts_app.models import Job
from contracts_app.models.types import utcnow

log = logging.getLogger(__name__)
AUTO_RESUMES = 1  # per start: a second death of its consumer fails the job for a person to look at
TWICE = ("Its worker stopped twice while running it (killed, or the machine went down), so it was not "
         "started a third time by itself. What it finished is kept; start it again to finish the rest - "
         "nothing is done twice.")


def stale_after() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("JOB_STALE_SECONDS", 60)))


def beat_every(stale: timedelta) -> float:
    """Seconds between heartbeats: a few per stale period, so one missed write is not a death."""
    return max(0.2, min(stale.total_seconds() / 4, 15.0))


# -- who runs a job -----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _machine() -> str:
    """This machine as its processes see it: the host name and, on Linux, the pid namespace
    (two containers may share a host name, never a pid namespace)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}/{namespace}"


def worker_identity(pid: int | None = None) -> str:
    """``machine:pid:start time`` of a process (this one by default): a pid reused later differs."""
    process = psutil.Process(pid or os.getpid())
    return f"{_machine()}:{process.pid}:{process.create_time():.2f}"


def worker_gone(worker: str | None) -> bool | None:
    """True: that process has ended; False: it is alive; None: not this machine's (or unknown)."""
    if not worker:
        return None
    parts = worker.rsplit(":", 2)  # the machine's own name may hold a colon ("pid:[4026531836]")
    if len(parts) != 3 or parts[0] != _machine():
        return None
    try:
        process = psutil.Process(int(parts[1]))
        alive = f"{process.create_time():.2f}" == parts[2] and process.status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, ValueError):
        return True
    except psutil.Error:  # not ours to inspect: only its heartbeat can tell
        return None
    return not alive


# -- the heartbeat ------------------------------------------------------------------------------

class Heartbeat(threading.Thread):
    """Writes the running attempt's heartbeat on a connection of its own until stopped.

    ``lost`` turns true when the row no longer names this attempt as running: someone found the
    job interrupted (this worker was only slow) and it runs elsewhere now; the runner stops.
    """

    def __init__(self, engine: Engine, job_id: int, attempt: int, every: float, table=None):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.engine, self.job_id, self.attempt, self.every = engine, job_id, attempt, every
        self.table = Job.__table__ if table is None else table  # or a chunk's (jobs.chunks): same columns
        self.lost = False
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            self.beat()

    def beat(self) -> None:
        table = self.table
        try:
            with self.engine.begin() as conn:
                found = conn.execute(update(table).where(
                    table.c.id == self.job_id, table.c.attempts == self.attempt, table.c.state == "running")
                    .values(heartbeat_at=utcnow())).rowcount
        except SQLAlchemyError as exc:  # the next beat tries again; the lookers allow for a few missed
            log.warning("job %s: heartbeat not written (%s)", self.job_id, exc)
            return
        if found == 0:
            self.lost = True

    def stop(self) -> None:
        self._stop_event.set()


# -- finding interrupted jobs --------------------------------------------------------------------

def interrupted(row, cutoff: datetime) -> bool:
    """Whether the worker of ``row`` (a job's or a chunk's: worker, heartbeat_at, started_at) died."""
    gone = worker_gone(row.worker)
    if gone is not None:
        return gone
    last = row.heartbeat_at or row.started_at
    return last is None or last < cutoff


def recover(now: datetime | None = None) -> list[int]:
    """Mark every interrupted running job; returns the ids put back on the queue (the caller
    sends their messages after this commit). Commits only when it changed something."""
    now = now or utcnow()
    cutoff = now - stale_after()
    rows = db.session.execute(select(Job.id, Job.worker, Job.heartbeat_at, Job.started_at, Job.attempts,
                                     Job.interruptions).where(Job.state == "running")).all()
    requeued, changed = [], False
    for row in rows:
        if not interrupted(row, cutoff):
            continue
        again = row.interruptions < AUTO_RESUMES
        values = {"state": "queued", "error": None} if again else {
            "state": "failed", "error": TWICE, "finished_at": now}
        hit = db.session.execute(update(Job).where(Job.id == row.id, Job.state == "running",
                                                   Job.attempts == row.attempts)
                                 .values(interrupted_at=now, interruptions=Job.interruptions + 1, worker=None,
                                         heartbeat_at=None, **values)
                                 .execution_options(synchronize_session=False)).rowcount
        if hit == 1:
            changed = True
            log.warning("job %s: its worker stopped; %s", row.id, "queued again" if again else "failed")
            if again:
                requeued.append(row.id)
    if changed:
        db.session.commit()
        db.session.expire_all()  # a page reading the job next sees the new state
    return requeued


def put_back(job_id: int, attempt: int) -> bool:
    """A job its own consumer stopped (shutting down): queued again, not counted as a death."""
    hit = db.session.execute(update(Job).where(Job.id == job_id, Job.state == "running", Job.attempts == attempt)
                             .values(state="queued", interrupted_at=utcnow(), worker=None, heartbeat_at=None)
                             .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return hit == 1


def queued_ids() -> list[int]:
    """Every queued job (a consumer starting sends their messages again: one lost with a killed
    consumer would leave its job queued for ever; a second message runs nothing twice)."""
    return list(db.session.scalars(select(Job.id).where(Job.state == "queued").order_by(Job.id)))
