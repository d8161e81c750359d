"""Jobs recover by themselves (issue #27): the heartbeat, the looks that find a job whose consumer
died (a consumer starting, the periodic task, the job's page, the API), one automatic resume, and a
stopping consumer putting its job back. tests/jobs/test_killed_consumer.py kills real consumers."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import Job
from contracts_app.models.types import utcnow
from contracts_app.services import jobs
from contracts_app.services.jobs import core, recovery
from contracts_app.services.jobs.consumers import ConsumerHeartbeat
from tests.jobs.helpers import count, priced_world

OTHER_MACHINE = "another-host/pid:[4026531836]:4242:1700000000.00"


@pytest.fixture
def dead_worker() -> str:
    """The identity of a process on this machine that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    identity = recovery.worker_identity(process.pid)
    process.kill()
    process.wait()
    return identity


def _running(kind: str = "rollover", params: dict | None = None, **row) -> Job:
    row = {"started_at": utcnow(), "heartbeat_at": utcnow(), **row}
    job = Job(kind=kind, parameters=params or {"year": 2025}, started_by="test", state="running", done=3, total=9,
              attempts=1, **row)
    db.session.add(job)
    db.session.commit()
    return job


def _fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_a_job_whose_worker_process_is_gone_is_queued_again_at_once(app, dead_worker):
    job = _running(worker=dead_worker)  # its heartbeat is fresh: only the process tells
    assert recovery.recover() == [job.id]
    found = _fresh(job.id)
    assert (found.state, found.interruptions, found.worker, found.error) == ("queued", 1, None, None)
    assert found.interrupted_at is not None
    assert recovery.recover() == []  # a second looker finds nothing to do


def test_another_machines_job_is_interrupted_only_once_its_heartbeat_is_older_than_job_stale_seconds(app):
    app.config["JOB_STALE_SECONDS"] = 60
    job = _running(worker=OTHER_MACHINE, heartbeat_at=utcnow() - timedelta(seconds=50))
    assert recovery.recover() == [] and _fresh(job.id).state == "running"
    db.session.execute(update(Job).where(Job.id == job.id).values(heartbeat_at=utcnow() - timedelta(seconds=61)))
    db.session.commit()
    assert recovery.recover() == [job.id] and _fresh(job.id).state == "queued"


def test_a_live_worker_on_this_machine_is_never_taken_for_dead_however_late_its_heartbeat(app):
    job = _running(worker=recovery.worker_identity(), heartbeat_at=utcnow() - timedelta(hours=2))
    assert recovery.recover() == [] and _fresh(job.id).state == "running"


def test_a_pid_reused_by_another_process_is_not_the_worker(app):
    stale_start = recovery.worker_identity().rsplit(":", 1)[0] + ":12.00"  # this pid, another start time
    job = _running(worker=stale_start)
    assert recovery.recover() == [job.id]


def test_the_second_death_fails_the_job_for_a_person_and_start_it_again_resumes_it_once_more(app, dead_worker):
    job = _running(worker=dead_worker, interruptions=1)
    assert recovery.recover() == []
    failed = _fresh(job.id)
    assert (failed.state, failed.interruptions) == ("failed", 2) and "stopped twice" in failed.error
    jobs.rerun(failed)
    again = _fresh(job.id)
    assert (again.state, again.interruptions, again.error) == ("queued", 0, None)


def test_the_heartbeat_tells_a_worker_taken_for_dead_that_the_job_is_no_longer_its_own(app):
    job = _running()
    beat = recovery.Heartbeat(db.engine, job.id, attempt=1, every=60)
    before = _fresh(job.id).heartbeat_at
    time.sleep(0.01)
    beat.beat()
    assert _fresh(job.id).heartbeat_at > before and not beat.lost
    db.session.execute(update(Job).where(Job.id == job.id).values(attempts=2))  # another attempt runs it now
    db.session.commit()
    beat.beat()
    assert beat.lost


def _kind(monkeypatch, runner) -> str:
    monkeypatch.setitem(core.KINDS, "test_kind", core.Kind("test_kind", "Test", runner, ("sla",)))
    return "test_kind"


def test_the_heartbeat_is_written_while_a_job_runs_without_reporting_progress(app, monkeypatch):
    app.config["JOB_STALE_SECONDS"] = 0.8  # a beat every 0.2 s
    seen = []

    def quiet(job):
        for _ in range(3):
            time.sleep(0.4)
            with db.engine.connect() as conn:
                seen.append(conn.scalar(select(Job.heartbeat_at).where(Job.id == job.id)))
        return {}

    job = jobs.start(_kind(monkeypatch, quiet), {}, "test")
    assert jobs.execute(job.id).state == "done"
    assert len(set(seen)) == 3 and seen == sorted(seen)


def test_a_worker_taken_for_dead_stops_at_its_next_step_and_cannot_overwrite_the_new_attempt(app, monkeypatch):
    app.config["JOB_STALE_SECONDS"] = 0.8

    def slow(job):
        # Someone found it interrupted (this worker was only slow) and another attempt runs it.
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job.id).values(attempts=Job.attempts + 1))
        time.sleep(0.6)  # the heartbeat notices
        job.progress(1, 2)
        raise AssertionError("not stopped")

    job = jobs.start(_kind(monkeypatch, slow), {}, "test")
    after = jobs.execute(job.id)
    assert (after.state, after.attempts, after.error) == ("running", 2, None)  # the other attempt's, untouched


def test_a_stopping_consumer_puts_its_job_back_without_counting_a_death(app, monkeypatch):
    steps = []

    def stepping(job):
        steps.append(1)
        job.progress(1, 5)
        raise AssertionError("not stopped")

    job = jobs.start(_kind(monkeypatch, stepping), {}, "test")
    after = jobs.execute(job.id, stopping=lambda: True)
    assert steps == [1]
    assert (after.state, after.interruptions, after.error) == ("queued", 0, None) and after.interrupted_at


def test_the_job_page_finds_the_dead_job_resumes_it_and_says_so(app, client, login, start_consumer, dead_worker,
                                                               make_school):
    priced_world(make_school, schools=2)
    consumer = start_consumer(start=False)  # the queue is the test's own; nothing takes the message yet
    job = _running(worker=dead_worker)
    login("sla")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'id="job-interrupted"' in page and "Interrupted, resumed at" in page
    assert client.get(f"/jobs/{job.id}/status").get_json()["state"] == "queued"
    assert queue.huey.pending_count() == 1  # its message was sent again
    consumer.start()
    assert consumer.wait(job.id).state == "done" and count(2026) == 2


def test_a_consumer_starting_resumes_the_job_a_dead_one_left_and_sends_lost_messages_again(
        app, start_consumer, dead_worker, make_school):
    priced_world(make_school, schools=2)
    left_running = _running(worker=dead_worker)
    # Queued, its message gone with the consumer that took it (a preview: it runs beside the rollover).
    lost = Job(kind="invoice_run", parameters={"year": 2025, "term": "summer", "issue_date": "2025-04-10",
                                               "dry_run": True}, started_by="test", state="queued", attempts=0)
    db.session.add(lost)
    db.session.commit()
    consumer = start_consumer()
    assert consumer.wait(left_running.id).state == "done"
    assert consumer.wait(lost.id).state == "done"
    assert _fresh(left_running.id).interruptions == 1 and count(2026) == 2


def test_each_consumers_look_resumes_an_interrupted_job(app, start_consumer, make_school):
    app.config["JOB_STALE_SECONDS"] = 60
    priced_world(make_school, schools=1)
    consumer = start_consumer(start=False)
    job = _running(worker=OTHER_MACHINE, heartbeat_at=utcnow() - timedelta(minutes=5))
    ConsumerHeartbeat(db.engine, consumer.consumer, 15).look_for_interrupted()  # what its thread does
    assert _fresh(job.id).state == "queued"
    consumer.start()
    assert consumer.wait(job.id).state == "done"
