"""Jobs survive their consumer (issue #27): a real consumer process (`flask jobs worker`, as
scripts/run.sh starts it) is killed at a random point of an invoice run and of the every-SLA ZIP -
its whole process group with SIGKILL, its main process alone, or stopped with SIGTERM - and a
consumer started again, with no command typed, finishes the job: every invoice raised once with
one email per invoice contact, every document in the ZIP once, no PDF worker left behind.

Bounded: a few hundred schools, a few trials, a deadline on every wait. Each kill point is drawn at
random; the seed is in every failure's message.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import psutil
import pytest
from sqlalchemy import delete, func, select

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import (
    Agreement,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    Job,
    JobChunk,
    JobConsumer,
    NumberSeries,
    OutboxAttachment,
    OutboxMessage,
)
from contracts_app.services import jobs
from contracts_app.services.jobs.recovery import worker_identity
from tests.jobs.helpers import many_schools

SCHOOLS = 200  # the invoice run's; the ZIP renders fewer (a PDF costs ~0.1 s of a core)
DOCUMENTS = 30
CHUNK = 4  # documents per share of the every-SLA job (JOB_CHUNK_SIZE): several shares for two consumers
FLASK = Path(sys.executable).with_name("flask")
SEED = random.randrange(1_000_000)


class Consumer:
    """`flask --app contracts_app jobs worker`, in a process group of its own."""

    def __init__(self, env: dict, log: Path, worker_type: str = "thread", periodic: bool = True):
        self.log = log
        command = [str(FLASK), "--app", "contracts_app", "jobs", "worker", "-w", "1", "-k", worker_type,
                   "--periodic" if periodic else "--no-periodic"]
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def pdf_workers(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def kill(self, how: str) -> None:
        if how == "group":
            os.killpg(self.process.pid, signal.SIGKILL)  # kill -9 -PGID: the consumer and its workers
        elif how == "main":
            os.kill(self.process.pid, signal.SIGKILL)  # the consumer alone: its workers must notice
        else:
            os.kill(self.process.pid, signal.SIGTERM)  # a stop: the job goes back on the queue
        self.process.wait(timeout=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=60)

    def identity(self) -> set[str]:
        """The worker identities its processes write on the rows they run."""
        processes = [psutil.Process(self.process.pid), *self.pdf_workers()]
        return {worker_identity(p.pid) for p in processes}

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def world(app):
    return many_schools(SCHOOLS)


@pytest.fixture
def documents(app):
    return many_schools(DOCUMENTS)


def _consumers(app, database_url: str, tmp_path: Path, redis_url: str | None = None):
    """start() -> a new consumer process on the test's database and a queue of the test's own (a SQLite
    file, or the test Redis flushed first)."""
    queue_file = tmp_path / "queue.sqlite3"
    # Results of this test's jobs only: the ZIP test checks its folder holds nothing but its ZIP.
    app.config["JOBS_DIR"] = str(tmp_path / "jobs")
    previous = queue.huey.storage
    queue.use_storage(redis_url=redis_url, filename=queue_file)
    queue.huey.flush()
    env = {**os.environ, "DATABASE_URL": database_url, "CONTRACTS_ENV": "testing", "HUEY_SQLITE": str(queue_file),
           "CONTRACTS_INSTANCE": str(tmp_path / "instance"), "JOBS_DIR": app.config["JOBS_DIR"],
           "INVOICE_RUN_BATCH": "20", "PYTHONUNBUFFERED": "1", "JOB_RECOVER_SECONDS": "1",
           "JOB_CHUNK_SIZE": str(CHUNK)}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    made: list[Consumer] = []

    def start(worker_type: str = "thread", periodic: bool = True) -> Consumer:
        made.append(Consumer(env, tmp_path / f"consumer-{len(made)}.log", worker_type, periodic))
        return made[-1]

    yield start
    for consumer in made:
        consumer.stop()
    queue.huey.storage = previous


@pytest.fixture
def consumers(app, database_url, tmp_path):
    yield from _consumers(app, database_url, tmp_path)


@pytest.fixture
def redis_consumers(app, database_url, tmp_path, redis_url):
    yield from _consumers(app, database_url, tmp_path, redis_url)


def _wait(condition, consumer: Consumer, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        found = condition()
        if found:
            return found
        if consumer.process.poll() is not None:
            raise AssertionError(f"the consumer stopped while waiting for {what} (seed {SEED}):\n{consumer.tail()}")
        time.sleep(0.02)
    raise AssertionError(f"no {what} within {timeout}s (seed {SEED}):\n{consumer.tail()}")


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _finished(job_id: int, consumer: Consumer) -> Job:
    job = _wait(lambda: (j := _job(job_id)).state in ("done", "failed") and j, consumer, f"end of job {job_id}")
    assert job.state == "done", (job.error, SEED, consumer.tail())
    return job


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _undo_the_run() -> None:
    """Core deletes (the app never deletes an issued invoice): the next trial starts from nothing raised."""
    for model in (OutboxAttachment, OutboxMessage, InvoiceLine, Invoice, InvoiceRun, NumberSeries):
        db.session.execute(delete(model))
    db.session.commit()


TRIALS = 3


def test_an_invoice_run_killed_anywhere_finishes_with_every_invoice_and_email_once(world, consumers):
    """Each trial kills the consumer's process group at a random point; the consumer started
    after it finishes the job, then serves the next trial."""
    rng = random.Random(SEED)
    expected = jobs.execute(jobs.start("invoice_run", {"year": 2025, "term": "summer", "issue_date": "2025-04-10",
                                                       "dry_run": True}, "test").id).summary["invoices"]
    assert expected == SCHOOLS
    consumer = consumers()
    for trial in range(TRIALS):
        job = jobs.start("invoice_run", {"year": 2025, "term": "summer", "issue_date": "2025-04-10",
                                         "dry_run": False}, "test")
        point = rng.randrange(1, expected)  # a random point: this many invoices committed, or more
        _wait(lambda job=job, point=point: _count(Invoice) >= point or _job(job.id).state == "done", consumer,
              f"{point} invoices")
        consumer.kill("group")
        was = _job(job.id).state
        consumer = consumers()  # no command typed: it resumes the job by itself
        done = _finished(job.id, consumer)
        if was == "running":
            assert done.interrupted_at is not None and done.interruptions == 1, (trial, SEED)
        _check_invoices_and_emails(world, expected, f"trial {trial}, killed at {point} (seed {SEED})")
        _undo_the_run()


def _check_invoices_and_emails(contacts: dict[int, list[str]], expected: int, where: str) -> None:
    db.session.expire_all()
    invoices = db.session.execute(select(Invoice.id, Invoice.school_id, Invoice.number)).all()
    assert len(invoices) == expected, where
    assert sorted(i.number for i in invoices) == [f"INV-2025-{n:06d}" for n in range(1, expected + 1)], where
    keys = db.session.scalars(select(InvoiceLine.billing_key)).all()
    assert len(keys) == len(set(keys)), where
    messages = db.session.execute(select(OutboxMessage.concerns_id, OutboxMessage.recipient)
                                  .where(OutboxMessage.purpose == "invoice_issued")).all()
    wanted = {(i.id, address) for i in invoices for address in contacts[i.school_id]}
    assert len(messages) == len(set(messages)) == len(wanted), where  # one per invoice per contact, no duplicate
    assert set(messages) == wanted, where


# How each trial stops the consumer, and the kind of consumer that takes over and is stopped next.
STOPS = [("group", "thread"), ("main", "thread"), ("term", "process"), ("main", "thread")]


def test_the_every_sla_zip_killed_anywhere_finishes_with_each_document_once(documents, consumers):
    """kill -9 of the process group, of the consumer alone, SIGTERM (a stop): each at a random point;
    the consumer started after it finishes the ZIP, then serves the next trial. The one that finishes
    the third ZIP and is killed alone in the fourth trial is ``-k process``: its forked worker renders,
    and ends with its consumer."""
    rng = random.Random(SEED)
    issued = db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.issued_at.is_not(None)))
    consumer = consumers()
    for trial, (how, next_type) in enumerate(STOPS):
        where = f"trial {trial}, {how} (seed {SEED})"
        job = jobs.start("agreement_documents", {"year": 2025}, "test")
        # The first half: the PDFs rendered before the kill are kept, and the ZIP is still each document once.
        point = rng.randrange(1, issued // 2)
        _wait(lambda job=job, point=point: (j := _job(job.id)).state == "running" and j.done >= point, consumer,
              f"{point} documents")
        workers = consumer.pdf_workers()  # with -k process, the forked worker that renders
        started = time.monotonic()
        consumer.kill(how)
        if how == "term":
            assert time.monotonic() - started < 20, "a stopping consumer waits for the next step only"
            put_back = _job(job.id)
            assert (put_back.state, put_back.interruptions) == ("queued", 0) and put_back.interrupted_at, where
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert alive == [], f"worker processes left running: {alive}: {where}"
        consumer = consumers(next_type)
        done = _finished(job.id, consumer)
        assert done.interrupted_at is not None, where
        path = jobs.result_file(done)
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            assert archive.testzip() is None
        assert len(names) == len(set(names)) == issued == done.summary["documents"], where
        assert [p.name for p in path.parent.iterdir()] == [path.name], where  # no partial ZIP, no kept PDFs


def test_one_of_two_consumers_killed_the_other_finishes_the_zip_with_each_document_once(documents, consumers):
    """Issue #33: two consumers as two machines would run them, the README's way - one with the periodic
    tasks, one ``--no-periodic``. The periodic one takes the ZIP and is killed (SIGKILL, its whole process
    group) half way: the other, which runs no periodic task, notices from its own heartbeat thread and
    finishes the job; no command typed, every document once."""
    issued = db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.issued_at.is_not(None)))
    first, second = consumers(periodic=True), consumers(periodic=False)
    for consumer in (first, second):
        _wait(lambda c=consumer: db.session.scalar(select(JobConsumer.id).where(JobConsumer.pid == c.process.pid)),
              consumer, "the consumer's heartbeat")
    os.killpg(second.process.pid, signal.SIGSTOP)  # held while the first takes the job: the first has it
    job = jobs.start("agreement_documents", {"year": 2025}, "test")
    point = random.Random(SEED).randrange(1, issued // 2)
    _wait(lambda: (j := _job(job.id)).state == "running" and j.done >= point, first, f"{point} documents")
    os.killpg(second.process.pid, signal.SIGCONT)
    assert _job(job.id).worker == worker_identity(first.process.pid)
    first.kill("group")
    done = _finished(job.id, second)
    assert done.interrupted_at is not None and done.interruptions == 1, SEED
    assert done.worker == worker_identity(second.process.pid)  # finished by the other
    path = jobs.result_file(done)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == issued == done.summary["documents"], SEED


def test_two_consumers_on_redis_share_the_every_sla_zip(documents, redis_consumers):
    """Issue #33's "Done when": with two consumers on Redis, each renders some of the every-SLA job's
    shares, and its ZIP holds one PDF per issued agreement."""
    issued = db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.issued_at.is_not(None)))
    first, second = redis_consumers(periodic=True), redis_consumers(periodic=False)
    for consumer in (first, second):
        _wait(lambda c=consumer: db.session.scalar(select(JobConsumer.id).where(JobConsumer.pid == c.process.pid)),
              consumer, "the consumer's heartbeat")
    job = jobs.start("agreement_documents", {"year": 2025}, "test")
    done = _finished(job.id, first)
    chunks = db.session.execute(select(JobChunk.worker, JobChunk.items).where(JobChunk.job_id == job.id)).all()
    assert len(chunks) == -(-issued // CHUNK)
    by = {chunk.worker for chunk in chunks}
    assert by & first.identity() and by & second.identity(), (by, first.tail(), second.tail())
    assert sorted(i for chunk in chunks for i in chunk.items) == sorted(
        db.session.scalars(select(Agreement.id).where(Agreement.issued_at.is_not(None))))
    with zipfile.ZipFile(jobs.result_file(done)) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == issued == done.summary["documents"]
    assert done.summary["worker processes"] == 2
