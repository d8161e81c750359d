"""Bulk jobs in chunks that every consumer shares (issue #33, services/jobs/chunks.py): the every-SLA
job's chunks, a chunk failing once or for good, a chunk whose worker died taken back, a chunk of a job
that no longer runs left alone, a resumed job's plan, a failed job started again, and a stopping consumer
putting its chunk back.
tests/jobs/test_killed_consumer.py shares a job between real consumers."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import Agreement, Job, JobChunk
from contracts_app.models.types import utcnow
from contracts_app.services import agreements as agreement_service
from contracts_app.services import jobs
from contracts_app.services.jobs import chunks, core, recovery, tasks
from contracts_app.services.jobs.agreements import zip_name
from contracts_app.services.jobs.core import JobInterrupted
from tests.jobs.helpers import priced_world

OTHER_MACHINE = "another-host/pid:[4026531836]:4242:1700000000.00"
SCHOOLS = 5  # in chunks of 2: three chunks, the last of one agreement


@pytest.fixture
def sent(monkeypatch) -> list[tuple[int, int]]:
    """The chunk messages the job queues, kept here instead of on a queue no consumer reads."""
    messages: list[tuple[int, int]] = []
    monkeypatch.setattr(chunks, "_send", [lambda job_id, seq: messages.append((job_id, seq))])
    return messages


@pytest.fixture
def issued(app, make_school, sent, tmp_path) -> list[int]:
    """SCHOOLS issued 2025 agreements and one draft (not in the ZIP); their ids, in order."""
    app.config["JOB_CHUNK_SIZE"] = 2
    app.config["JOBS_DIR"] = str(tmp_path / "jobs")  # job ids start again at 1 each test: no earlier files
    priced_world(make_school, schools=SCHOOLS, next_year=False)
    agreement_service.create_draft(2025, school=make_school(urn=109999, name="Draft Only School"))
    return list(db.session.scalars(select(Agreement.id).where(Agreement.issued_at.is_not(None))
                                   .order_by(Agreement.id)))


def _dead_worker() -> str:
    """The identity of a process of this machine that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    identity = recovery.worker_identity(process.pid)
    process.kill()
    process.wait()
    return identity


def _job(state: str = "queued", kind: str = "agreement_documents") -> Job:
    job = Job(kind=kind, parameters={"year": 2025}, started_by="test", state=state,
              attempts=0 if state == "queued" else 1, started_at=None if state == "queued" else utcnow())
    db.session.add(job)
    db.session.commit()
    return job


def _chunks(job_id: int) -> list[JobChunk]:
    db.session.expire_all()
    return list(db.session.scalars(select(JobChunk).where(JobChunk.job_id == job_id).order_by(JobChunk.seq)))


def _execute(job_id: int, seconds: float = 60) -> Job:
    """Run the job here; one still waiting for a chunk after ``seconds`` stops (left queued), not hangs."""
    deadline = time.monotonic() + seconds
    return jobs.execute(job_id, stopping=lambda: time.monotonic() > deadline)


def _run(year: int = 2025) -> Job:
    return _execute(jobs.start("agreement_documents", {"year": year}, "test").id)


def _zip_names(job: Job) -> list[str]:
    path = jobs.result_file(job)
    assert path is not None, job.error
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert all(archive.read(name).startswith(b"%PDF") for name in names)
    return names


def _assert_complete(job: Job, issued: list[int]) -> None:
    """Done, every chunk done, each issued agreement in one chunk and its PDF once in the ZIP."""
    assert job.state == "done", job.error
    rows = _chunks(job.id)
    assert [row.state for row in rows] == ["done"] * len(rows)
    assert sorted(item for row in rows for item in row.items) == sorted(issued)
    names = _zip_names(job)
    assert len(names) == len(set(names)) == len(issued) == job.summary["documents"]
    assert job.done == job.total == len(issued)


def _fail_for(monkeypatch, agreement_id: int, times: int, message: str = "the printer is on fire") -> list[list]:
    """The chunk holding ``agreement_id`` raises its first ``times`` runs; the calls' items, in order."""
    real = chunks.WORK["agreement_documents"]
    calls: list[list] = []

    def work(chunk: chunks.Chunk) -> list:
        calls.append(list(chunk.items))
        if agreement_id in chunk.items and sum(agreement_id in items for items in calls) <= times:
            raise RuntimeError(message)
        return real(chunk)

    monkeypatch.setitem(chunks.WORK, "agreement_documents", work)
    return calls


# -- the every-SLA job in chunks -----------------------------------------------------------------

def test_a_job_in_several_chunks_does_each_agreement_once_and_zips_them_all(issued, sent):
    job = _run()
    _assert_complete(job, issued)
    rows = _chunks(job.id)
    assert [len(row.items) for row in rows] == [2, 2, 1]
    assert [row.failures for row in rows] == [0, 0, 0] and [row.attempts for row in rows] == [1, 1, 1]
    assert sorted(sent) == [(job.id, seq) for seq in range(3)]  # each chunk offered to every consumer
    assert not (core.job_folder(job.id) / (zip_name(2025) + ".pdfs")).exists()  # the kept PDFs cleared


def test_a_chunk_failing_once_is_run_again_and_the_job_finishes(issued, monkeypatch):
    calls = _fail_for(monkeypatch, issued[2], times=1)
    job = _run()
    _assert_complete(job, issued)
    failures = {row.seq: (row.failures, row.attempts, row.error) for row in _chunks(job.id)}
    assert failures == {0: (0, 1, None), 1: (1, 2, None), 2: (0, 1, None)}
    assert sum(issued[2] in items for items in calls) == 2


def test_a_chunk_failing_every_time_fails_the_job_naming_the_part_after_its_retries(issued, monkeypatch):
    calls = _fail_for(monkeypatch, issued[4], times=99, message="the printer is on fire")
    job = _run()
    assert job.state == "failed"
    assert "Part 3 of the job" in job.error and f"from {issued[4]}" in job.error
    assert f"failed {chunks.CHUNK_RETRIES + 1} times" in job.error
    assert "RuntimeError: the printer is on fire" in job.error
    last = _chunks(job.id)[2]
    assert (last.state, last.failures) == ("failed", chunks.CHUNK_RETRIES + 1) == ("failed", 3)
    assert sum(issued[4] in items for items in calls) == 3  # not a fourth time
    assert jobs.result_file(job) is None and job.result_path is None
    assert not (core.job_folder(job.id) / zip_name(2025)).exists()


def test_a_job_failed_by_a_chunk_finishes_when_started_again_once_the_cause_is_gone(issued, monkeypatch):
    _fail_for(monkeypatch, issued[0], times=99)
    job = _run()
    assert job.state == "failed" and "Part 1 of the job" in job.error
    monkeypatch.undo()  # the cause mended (the printer put out); a person starts the job again
    monkeypatch.setattr(chunks, "_send", [lambda job_id, seq: None])
    jobs.rerun(job)
    done = _execute(job.id)
    _assert_complete(done, issued)
    assert [row.attempts for row in _chunks(job.id)] == [4, 1, 1]  # the done chunks not done again


# -- a worker that died ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["process gone", "another machine's stale heartbeat"])
def test_a_chunk_whose_worker_died_is_taken_back_and_done_by_the_job(app, issued, sent, how):
    app.config["JOB_STALE_SECONDS"] = 60
    job = jobs.start("agreement_documents", {"year": 2025}, "test")
    chunks.plan(job.id, issued, 2)
    worker, beat = ((_dead_worker(), utcnow()) if how == "process gone"
                    else (OTHER_MACHINE, utcnow() - timedelta(seconds=61)))
    db.session.execute(update(JobChunk).where(JobChunk.job_id == job.id, JobChunk.seq == 1).values(
        state="running", attempts=1, worker=worker, heartbeat_at=beat, started_at=beat))
    db.session.commit()
    done = _execute(job.id)
    _assert_complete(done, issued)
    taken_back = _chunks(job.id)[1]
    assert taken_back.attempts == 2 and taken_back.worker == recovery.worker_identity()
    assert sent.count((job.id, 1)) == 1  # offered again once taken back (it was running when planned)


def test_a_chunk_with_a_live_worker_is_not_taken_back_but_a_stale_one_is(app, sent):
    app.config["JOB_STALE_SECONDS"] = 60
    job = _job("running")
    chunks.plan(job.id, [11, 12, 13, 14, 15, 16], 2)
    now = utcnow()
    workers = {0: (recovery.worker_identity(), now - timedelta(hours=2)),  # alive here: however late
               1: (OTHER_MACHINE, now - timedelta(seconds=30)),  # another machine, heartbeat fresh
               2: (OTHER_MACHINE, now - timedelta(seconds=61))}  # another machine, heartbeat stale
    for seq, (worker, beat) in workers.items():
        db.session.execute(update(JobChunk).where(JobChunk.job_id == job.id, JobChunk.seq == seq).values(
            state="running", attempts=1, worker=worker, heartbeat_at=beat, started_at=beat))
    db.session.commit()
    chunks._take_back_stale(job.id)
    rows = _chunks(job.id)
    assert [(row.state, row.worker) for row in rows] == [
        ("running", workers[0][0]), ("running", OTHER_MACHINE), ("queued", None)]
    assert sent == [(job.id, 2)]


# -- claiming a chunk -----------------------------------------------------------------------------

@pytest.fixture
def recorded(monkeypatch) -> list[list]:
    """The every-SLA kind's work replaced by one that records its items and steps through them."""
    calls: list[list] = []

    def work(chunk: chunks.Chunk) -> list:
        calls.append(list(chunk.items))
        for _ in chunk.items:
            chunk.step()
        return [f"{item}.pdf" for item in chunk.items]

    monkeypatch.setitem(chunks.WORK, "agreement_documents", work)
    return calls


@pytest.mark.parametrize("state", ["queued", "failed", "done"])
def test_a_chunk_of_a_job_that_is_not_running_is_not_claimed(app, recorded, state):
    job = _job(state)
    chunks.plan(job.id, [21, 22], 2)
    assert chunks.work_on(job.id, 0) is False
    [row] = _chunks(job.id)
    assert (row.state, row.attempts, row.worker, row.started_at) == ("queued", 0, None, None)
    assert recorded == []


def test_a_chunk_of_a_running_job_is_claimed_and_done(app, recorded):
    job = _job("running")
    chunks.plan(job.id, [21, 22], 2)
    assert chunks.work_on(job.id, 0) is True
    [row] = _chunks(job.id)
    assert (row.state, row.attempts, row.done, row.results) == ("done", 1, 2, ["21.pdf", "22.pdf"])
    assert row.worker == recovery.worker_identity() and recorded == [[21, 22]]
    assert chunks.work_on(job.id, 0) is False and recorded == [[21, 22]]  # done: not taken twice


# -- a resumed job --------------------------------------------------------------------------------

def test_a_resumed_job_keeps_its_chunks_and_adds_one_for_the_new_item(app):
    job = _job("running")
    chunks.plan(job.id, [1, 2, 3, 4, 5], 2)
    db.session.execute(update(JobChunk).where(JobChunk.job_id == job.id, JobChunk.seq == 0).values(
        state="done", done=2, attempts=1, results=["1.pdf", "2.pdf"]))
    db.session.commit()
    before = [(row.id, row.seq, row.items, row.state) for row in _chunks(job.id)]
    assert [items for _, _, items, _ in before] == [[1, 2], [3, 4], [5]]
    chunks.plan(job.id, [1, 2, 3, 4, 5, 6], 2)
    after = [(row.id, row.seq, row.items, row.state) for row in _chunks(job.id)]
    assert after[:3] == before
    assert [(seq, items, state) for _, seq, items, state in after[3:]] == [(3, [6], "queued")]
    chunks.plan(job.id, [1, 2, 3, 4, 5, 6], 2)  # nothing new: nothing added
    assert len(_chunks(job.id)) == 4


# -- a stopping consumer --------------------------------------------------------------------------

def test_a_stopping_consumer_puts_its_chunk_back_on_the_queue(app, recorded):
    job = _job("running")
    chunks.plan(job.id, [31, 32, 33], 3)
    queue.stopping.set()
    try:
        with pytest.raises(JobInterrupted):
            chunks.work_on(job.id, 0)
    finally:
        queue.stopping.clear()
    [row] = _chunks(job.id)
    assert (row.state, row.worker, row.heartbeat_at, row.attempts, row.failures) == ("queued", None, None, 1, 0)
    assert recorded == [[31, 32, 33]]
    assert chunks.work_on(job.id, 0) is True and _chunks(job.id)[0].state == "done"  # the next worker takes it


def test_the_chunk_task_of_a_stopping_consumer_sends_its_message_again(app, recorded, tmp_path, monkeypatch):
    job = _job("running")
    chunks.plan(job.id, [41, 42], 2)
    previous = queue.huey.storage
    queue.use_storage(filename=tmp_path / "queue.sqlite3")
    monkeypatch.setattr(queue, "_app", app)  # the task's app, as a consumer's; the earlier one back after
    monkeypatch.setattr(queue, "_pid", os.getpid())
    queue.stopping.set()
    try:
        tasks.run_job_chunk.call_local(job.id, 0)  # what a consumer's worker runs
        pending = [(task.name, task.args) for task in queue.huey.pending()]
    finally:
        queue.stopping.clear()
        queue.huey.storage = previous
    assert pending == [("run_job_chunk", (job.id, 0))]
    [row] = _chunks(job.id)
    assert (row.state, row.worker, row.attempts) == ("queued", None, 1)
