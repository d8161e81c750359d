"""Background jobs (docs/jobs.md): one row per piece of long work the task queue runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts_app.extensions import db
from contracts_app.models.types import UTCDateTime, utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state_known"),
        Index("ix_jobs_created_at", "created_at"),
        Index("ix_jobs_state", "state"),  # every look for interrupted jobs reads the running ones
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Who, in words, for the audit trail and the list (a user's email, or the command line).
    started_by: Mapped[str] = mapped_column(String(254), default="")
    state: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None] = mapped_column()
    # The counts and the first reasons, shown when done; the full list is in the result file.
    summary: Mapped[dict | None] = mapped_column(JSON)
    result_path: Mapped[str | None] = mapped_column(String(500))  # relative to JOBS_DIR
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    # The running attempt's proof of life (docs/jobs.md "Recovery"): written every few seconds by
    # its consumer; older than JOB_STALE_SECONDS, or its process gone, and the job was interrupted.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Which process runs it: "host/pid-namespace:pid:start time", so a look on the same machine
    # can tell a dead consumer at once instead of waiting for its heartbeat to go stale.
    worker: Mapped[str | None] = mapped_column(String(300))
    # When it was last found interrupted (and put back on the queue, or failed), and how often
    # its consumer died under it since it was started (one automatic resume each start).
    interrupted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    interruptions: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", foreign_keys=[started_by_id])

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"


class JobConsumer(db.Model):
    """A consumer's proof of life (issue #33): written when it starts and every JOB_HEARTBEAT_SECONDS
    while it runs, marked stopped on a clean stop; the admin home lists those seen in the last minute."""

    __tablename__ = "job_consumers"
    __table_args__ = (
        Index("ix_job_consumers_last_seen_at", "last_seen_at"),  # the home page and the pruning read by it
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "machine:pid:start time" (services/jobs/recovery.py worker_identity): a pid reused later differs.
    identity: Mapped[str] = mapped_column(String(300), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column()
    worker_type: Mapped[str] = mapped_column(String(10))
    workers: Mapped[int] = mapped_column()
    periodic: Mapped[bool] = mapped_column(default=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<JobConsumer {self.host}:{self.pid}>"


class JobChunk(db.Model):
    """A share of a bulk job that any consumer may take (issue #33): the job lists its items in chunks,
    queues a task per chunk, works chunks itself too, and ends when every chunk is done.

    ``state``, ``attempts``, ``worker`` and ``heartbeat_at`` mean what they mean on a job: a chunk whose
    worker died is taken again. ``failures`` counts the chunk's errors, retried up to a limit.
    """

    __tablename__ = "job_chunks"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state_known"),
        UniqueConstraint("job_id", "seq", name="uq_job_chunks_job_id_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    items: Mapped[list] = mapped_column(JSON, default=list)  # the ids it works on, in order
    state: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    # What it made, in the items' order (the every-SLA job: each PDF's name in the ZIP).
    results: Mapped[list | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(300))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<JobChunk {self.job_id}/{self.seq} {self.state}>"
