"""The consumers seen in the last minute (issue #33): a real `flask jobs worker` process writes its
heartbeat and shows on the admin home within the interval, and leaves "the last minute" when it
stops - at once on a clean stop (SIGINT), a minute after its last beat when killed. Only the admin
home shows them; with none and jobs queued, it says so plainly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import Job, JobConsumer
from contracts_app.models.types import utcnow
from contracts_app.services.jobs import consumers

FLASK = Path(sys.executable).with_name("flask")
BEAT = 0.5  # JOB_HEARTBEAT_SECONDS of the consumers started here: the test need not wait 15 s


@pytest.fixture
def start_worker(app, database_url, tmp_path):
    """start_worker(worker_type) -> a `flask jobs worker -w 2` process on the test's database and its own queue."""
    queue_file = tmp_path / "queue.sqlite3"
    previous = queue.huey.storage
    queue.use_storage(filename=queue_file)
    env = {**os.environ, "DATABASE_URL": database_url, "CONTRACTS_ENV": "testing", "HUEY_SQLITE": str(queue_file),
           "CONTRACTS_INSTANCE": str(tmp_path / "instance"), "JOBS_DIR": str(tmp_path / "jobs"),
           "JOB_HEARTBEAT_SECONDS": str(BEAT), "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)
    made: list[subprocess.Popen] = []
    log = tmp_path / "consumer.log"

    def start(worker_type: str = "thread") -> subprocess.Popen:
        command = [str(FLASK), "--app", "contracts_app", "jobs", "worker", "-w", "2", "-k", worker_type, "--no-periodic"]
        with log.open("ab") as out:
            made.append(subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        return made[-1]

    start.log = log
    yield start
    for process in made:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
    queue.huey.storage = previous


def _row(pid: int) -> JobConsumer | None:
    db.session.expire_all()
    return db.session.scalar(select(JobConsumer).where(JobConsumer.pid == pid))


def _wait_for(condition, what: str, log: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout}s; consumer log:\n{log.read_text(errors='replace')[-3000:]}")


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("worker_type", ["thread", "process"])
def test_a_running_consumer_shows_on_the_admin_home_and_leaves_when_stopped(app, client, login, start_worker,
                                                                           worker_type):
    login("admin")
    assert "Job consumers seen in the last minute: <strong id=\"job-consumers-count\">0</strong>" in _home(client)
    worker = start_worker(worker_type)
    row = _wait_for(lambda: _row(worker.pid), "the consumer wrote no heartbeat", start_worker.log)
    page = _home(client)
    assert "Job consumers seen in the last minute: <strong id=\"job-consumers-count\">1</strong>" in page
    assert f"<td class=\"num\">{worker.pid}</td>" in page and f"2 {worker_type}, no periodic tasks" in page
    assert (row.workers, row.worker_type, row.periodic, row.stopped_at) == (2, worker_type, False, None)
    first = row.last_seen_at
    _wait_for(lambda: _row(worker.pid).last_seen_at > first, "the heartbeat did not move", start_worker.log,
              timeout=20)

    worker.send_signal(signal.SIGINT)  # the graceful stop docs/operations.md tells operators to use
    worker.wait(timeout=60)
    assert _row(worker.pid).stopped_at is not None
    page = _home(client)
    assert "Job consumers seen in the last minute: <strong id=\"job-consumers-count\">0</strong>" in page
    assert f"<td class=\"num\">{worker.pid}</td>" not in page


def test_a_killed_consumer_drops_out_a_minute_after_its_last_beat(app, start_worker):
    worker = start_worker()
    _wait_for(lambda: _row(worker.pid), "the consumer wrote no heartbeat", start_worker.log)
    os.killpg(worker.pid, signal.SIGKILL)  # no clean stop: its row stays, and ages
    worker.wait(timeout=60)
    last = _row(worker.pid).last_seen_at
    assert _row(worker.pid).stopped_at is None
    assert [c.pid for c in consumers.seen(now=last + timedelta(seconds=59)).consumers] == [worker.pid]
    assert consumers.seen(now=last + timedelta(seconds=61)).consumers == []


def _consumer(pid: int, seen_ago: timedelta, stopped: bool = False) -> JobConsumer:
    now = utcnow()
    row = JobConsumer(identity=f"test:{pid}", host="web-2", pid=pid, worker_type="process", workers=4,
                      periodic=True, started_at=now - seen_ago - timedelta(hours=1), last_seen_at=now - seen_ago,
                      stopped_at=now if stopped else None)
    db.session.add(row)
    db.session.commit()
    return row


def _queued(count: int) -> None:
    db.session.add_all(Job(kind="agreements_issue", state="queued", started_by="test") for _ in range(count))
    db.session.commit()


WARNING = "no consumer has been seen in the last minute"


def test_queued_jobs_and_no_consumer_warn_the_admin(app, client, login):
    login("admin")
    assert WARNING not in _home(client)  # nothing waits: nothing to warn of
    _queued(3)
    _consumer(4101, timedelta(minutes=2))  # seen, but not in the last minute
    _consumer(4102, timedelta(seconds=5), stopped=True)  # stopped cleanly
    page = _home(client)
    assert f"3 jobs are waiting and {WARNING}" in page and 'role="alert"' in page
    assert "4101" not in page and "4102" not in page
    _consumer(4103, timedelta(seconds=10))
    page = _home(client)
    assert WARNING not in page
    assert "Job consumers seen in the last minute: <strong id=\"job-consumers-count\">1</strong>" in page
    assert "<td>web-2</td><td class=\"num\">4103</td>" in page and "4 process</td>" in page


def test_one_queued_job_is_said_in_the_singular(app, client, login):
    login("admin")
    _queued(1)
    assert f"1 job is waiting and {WARNING}" in _home(client)


@pytest.mark.parametrize("role", ["sla", "finance", "school"])
def test_only_the_admin_home_shows_the_consumers(app, client, login, make_school, role):
    _queued(2)
    _consumer(4201, timedelta(seconds=5))
    login(role, school=make_school() if role == "school" else None)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "job-consumers" not in page and "4201" not in page and WARNING not in page


class _FakeConsumer:
    worker_type, workers, periodic = "thread", 3, True


def test_a_beat_prunes_rows_not_seen_for_a_day_and_a_clean_stop_marks_the_row(app):
    _consumer(4301, timedelta(days=1, minutes=1))
    _consumer(4302, timedelta(hours=23))
    heartbeat = consumers.ConsumerHeartbeat(db.engine, _FakeConsumer(), every=60)
    heartbeat.beat(starting=True)
    db.session.expire_all()
    rows = {r.pid: r for r in db.session.scalars(select(JobConsumer))}
    assert set(rows) == {4302, os.getpid()}
    assert (rows[os.getpid()].workers, rows[os.getpid()].stopped_at) == (3, None)
    heartbeat.finish()
    db.session.expire_all()
    assert db.session.get(JobConsumer, rows[os.getpid()].id).stopped_at is not None
    assert consumers.seen().consumers == []


def test_the_command_lists_the_consumers(app):
    _consumer(4401, timedelta(seconds=3))
    result = app.test_cli_runner().invoke(args=["jobs", "consumers"])
    assert result.exit_code == 0, result.output
    assert "seen in the last minute: 1" in result.output and "web-2 pid 4401: 4 process worker(s)" in result.output
    db.session.execute(JobConsumer.__table__.delete())
    db.session.commit()
    _queued(2)
    result = app.test_cli_runner().invoke(args=["jobs", "consumers"])
    assert "seen in the last minute: 0" in result.output and "2 job(s) waiting" in result.output


def test_the_migration_adds_and_removes_the_table(tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from contracts_app import create_app
    from tests.app.test_migrations import _fresh_database

    url, cleanup = _fresh_database(tmp_path)
    fresh = create_app({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    try:
        with fresh.app_context():
            upgrade()
            assert "job_consumers" in inspect(db.engine).get_table_names()
            downgrade(revision="0026_schools_closed_on_index")
            assert "job_consumers" not in inspect(db.engine).get_table_names()
            upgrade()
            columns = {c["name"] for c in inspect(db.engine).get_columns("job_consumers")}
            assert {"host", "pid", "workers", "worker_type", "started_at", "last_seen_at", "stopped_at"} <= columns
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
