"""The job machinery: the registry of kinds, a job's row, and what a running job may do.

How an area adds a kind is in docs/jobs.md. A runner is ``runner(job, **params)``: it
reports ``job.progress(done, total)``, writes its file with ``job.write_result`` (or
``job.result_path`` for a writer of its own), commits its own batches, and returns a
summary dict (counts, the first reasons) shown when the job is done.
"""
from __future__ import annotations

import csv
import io
import logging
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from pricing.cells import safe_text
from contracts_app.extensions import SQLITE_BUSY_SECONDS, db
from contracts_app.models import Job, User
from contracts_app.models.types import utcnow
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds: a national run reports thousands of steps; the bar needs a few


class NotAllowed(ActionRefused):
    """The user's role may not start or see this kind of job (pages: 403)."""


class NotFound(ActionRefused):
    """A parameter names something that does not exist (the API: 404)."""


@dataclass(frozen=True)
class Kind:
    """One kind of job: what runs it, who may start it and see its results, how its parameters
    are checked (``check(params) -> params``, raising ActionRefused naming the field)."""

    name: str
    title: str
    runner: Callable[..., dict | None]
    roles: tuple[str, ...]
    check: Callable[[dict], dict] | None = None


KINDS: dict[str, Kind] = {}


def register(name: str, runner: Callable[..., dict | None], *, title: str, roles: Iterable[str],
             check: Callable[[dict], dict] | None = None) -> Kind:
    """Add a kind of job. ``roles``: staff roles that may start it and download its result
    (admin always may; a school user never)."""
    roles = tuple(r for r in roles if r != "school")
    KINDS[name] = Kind(name, title, runner, roles, check)
    return KINDS[name]


def kind_of(name: str) -> Kind:
    if not isinstance(name, str) or name not in KINDS:  # JSON may send {} or [] (unhashable)
        known = ", ".join(sorted(KINDS))
        raise ActionRefused(f"kind: {name!r} is not a kind of job (one of: {known})")
    return KINDS[name]


def may_use(kind: str, user: User | None) -> bool:
    """Whether the user may start jobs of this kind and see them and their results."""
    if user is None or getattr(user, "role", None) in (None, "school") or not isinstance(kind, str) \
            or kind not in KINDS:
        return False
    return user.role == "admin" or user.role in KINDS[kind].roles


def kinds_for(user: User | None) -> list[str]:
    """The kinds this user may use."""
    return [name for name in KINDS if may_use(name, user)]


# -- parameters, from a form (strings) or the API (JSON): each refusal names the field -----------

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def whole_number(params: dict, name: str, required: bool = True) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise ActionRefused(f"{name}: missing")
        return None
    if isinstance(value, bool):
        raise ActionRefused(f"{name}: {value!r} is not a whole number")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ActionRefused(f"{name}: {value!r} is not a whole number") from None


def year(params: dict) -> int:
    """The SLA year by its start (2026 means 2026-27)."""
    value = whole_number(params, "year")
    if not 2000 <= value <= 2100:
        raise ActionRefused(f"year: {value} is not an SLA year (give its start, e.g. 2026 for 2026-27)")
    SlaYear(value)
    return value


def iso_date(params: dict, name: str) -> str:
    value = params.get(name)
    if not value:
        raise ActionRefused(f"{name}: missing (YYYY-MM-DD)")
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ActionRefused(f"{name}: {value!r} is not a date (use YYYY-MM-DD)") from None


def flag(params: dict, name: str) -> bool:
    value = params.get(name, False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE | FALSE:
        return text in TRUE
    raise ActionRefused(f"{name}: {value!r} is not true or false")


def only(params: dict, allowed: set[str]) -> None:
    """Refuse a parameter the kind does not take (a typo would otherwise be ignored)."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ActionRefused(f"{unknown[0]}: not a parameter of this job (it takes {', '.join(sorted(allowed))})")


# -- files -------------------------------------------------------------------------------------

def jobs_dir() -> Path:
    path = Path(current_app.config["JOBS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_folder(job_id: int) -> Path:
    path = jobs_dir() / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_file(job: Job) -> Path | None:
    """The job's result file when it is done and still kept."""
    if job.state != "done" or not job.result_path:
        return None
    path = jobs_dir() / job.result_path
    return path if path.is_file() else None


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write beside the file and move into place: a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    partial.replace(path)
    return path


# -- what a running job sees -------------------------------------------------------------------

class JobInterrupted(Exception):
    """Raised in a runner at its next step when its consumer is stopping or the job was taken from it
    (found interrupted while this worker was only slow): what it committed stays, the rest runs again."""


class JobContext:
    """Handed to a runner as ``job``: its id, parameters, progress and result file."""

    def __init__(self, row: Job, should_stop: Callable[[], bool] | None = None):
        self.id = row.id
        self.kind = row.kind
        self.params = dict(row.parameters or {})
        self.actor = row.started_by
        self.attempt = row.attempts
        self.done = 0
        self.total = row.total
        self.result_name: str | None = None
        self._written = 0.0
        self._should_stop = should_stop

    def stopping(self) -> bool:
        """Whether the consumer is stopping or the job runs elsewhere now."""
        return self._should_stop is not None and self._should_stop()

    def check(self) -> None:
        """Stop here (JobInterrupted) if the consumer is stopping or the job runs elsewhere now."""
        if self.stopping():
            raise JobInterrupted(f"job {self.id} stopped: its consumer is stopping, or it runs elsewhere now")

    def progress(self, done: int, total: int | None = None) -> None:
        """How far the job is: ``done`` of ``total`` steps (total may be given once). Every report is
        also where a stopping consumer stops the job (JobInterrupted): report after each commit."""
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self._written >= PROGRESS_EVERY or (self.total is not None and done >= self.total):
            self._written = now
            write_progress(Job.__table__, self.id, self.attempt, done=self.done, total=self.total)
        self.check()

    def advance(self, steps: int = 1) -> None:
        """``steps`` more done (a callback for ``write_zip(progress=)`` or ``runs.run(progress=)``)."""
        self.progress(self.done + steps)

    def result_path(self, name: str) -> Path:
        """Where to write the result file ``name`` (write it atomically); recorded as the result."""
        self.result_name = name
        return job_folder(self.id) / name

    def write_result(self, name: str, data: bytes | str) -> Path:
        """Write the whole result file at once."""
        return write_atomically(self.result_path(name), data)

    def write_csv(self, name: str, header: list[str], rows: Iterable[Iterable[object]]) -> Path:
        """A CSV result (what could not be done, with the reason)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        # a school's name or a reason must never run as a formula (pricing.cells, issue #16 item 2)
        writer.writerows([safe_text(v) if isinstance(v, str) else v for v in row] for row in rows)
        return self.write_result(name, out.getvalue())


def write_progress(table, row_id: int, attempt: int, **values) -> None:
    """A job's (or a chunk's: jobs.chunks, the same columns) progress, on a connection of its own,
    committed at once, so the status page sees it while the runner's own transaction is still open;
    a report is a heartbeat too. Only the attempt that runs it writes. Best effort: a busy database
    skips one report."""
    sqlite = db.engine.dialect.name == "sqlite"
    try:
        with db.engine.begin() as conn:
            if sqlite:  # the runner itself may hold the write lock: skip at once, never wait the busy timeout
                conn.exec_driver_sql("PRAGMA busy_timeout = 50")
            try:
                conn.execute(update(table).where(table.c.id == row_id, table.c.attempts == attempt,
                                                 table.c.state == "running")
                             .values(**values, heartbeat_at=utcnow()))
            finally:
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_SECONDS * 1000)}")
    except SQLAlchemyError as exc:
        log.warning("%s %s: progress not written (%s)", table.name, row_id, exc)


# -- reading -----------------------------------------------------------------------------------

def get(job_id: int) -> Job | None:
    return db.session.get(Job, job_id)


def recent(user: User, limit: int = 30) -> list[Job]:
    """The latest jobs of the kinds this user may see, newest first."""
    kinds = kinds_for(user)
    if not kinds:
        return []
    return list(db.session.scalars(select(Job).where(Job.kind.in_(kinds))
                                   .order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)))


def clean_up(now: datetime | None = None) -> int:
    """Delete the files (results, uploads) of jobs finished more than JOB_RESULT_DAYS ago; the
    rows stay. Returns how many jobs' files went."""
    cutoff = (now or utcnow()) - timedelta(days=int(current_app.config["JOB_RESULT_DAYS"]))
    removed = 0
    for job_id in db.session.scalars(select(Job.id).where(Job.finished_at < cutoff)):
        folder = jobs_dir() / str(job_id)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    db.session.execute(update(Job).where(Job.finished_at < cutoff, Job.result_path.is_not(None))
                       .values(result_path=None))
    db.session.commit()
    return removed
