"""A real Huey consumer for job tests (docs/jobs.md "In tests").

``job_consumer`` starts a consumer with two worker threads on a SQLite queue in a temp
folder, running tasks on the test's app; ``job_consumer.wait(job_id)`` returns the
finished Job. ``start_consumer(redis_url=..., start=True)`` gives the same on a Redis queue, or
one that starts only when told (``.start()``).
Other test folders use them with ``from tests.jobs.conftest import job_consumer  # noqa: F401``.
"""
from __future__ import annotations

import os
import time

import pytest

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import Job


class RunningConsumer:
    def __init__(self, consumer):
        self.consumer = consumer
        self.started = False

    def start(self) -> "RunningConsumer":
        if not self.started:
            self.consumer.start()
            self.started = True
        return self

    def wait(self, job_id: int, timeout: float = 60) -> Job:
        """The job once done or failed (read fresh from the database)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            db.session.expire_all()
            job = db.session.get(Job, job_id)
            if job is not None and job.state in ("done", "failed"):
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} did not finish within {timeout}s (state {job.state if job else None})")


@pytest.fixture
def start_consumer(app, tmp_path):
    """start_consumer(redis_url=None, start=True) -> RunningConsumer, stopped at the end of the test.

    The queue is switched to the test's storage at once; with start=False the consumer
    starts only at ``.start()`` (a page can then be seen following a queued job)."""
    made = []
    previous = queue.huey.storage

    def start(redis_url: str | None = None, start: bool = True) -> RunningConsumer:
        queue.use_storage(redis_url=redis_url, filename=tmp_path / "queue.sqlite3")
        queue.huey.flush()  # nothing left over from another test
        queue.set_app(app)
        consumer = queue.huey.create_consumer(workers=2, worker_type="thread", periodic=False,
                                              check_worker_health=False, initial_delay=0.05, max_delay=0.2)
        consumer._set_signal_handlers = lambda: None  # pytest keeps its own
        running = RunningConsumer(consumer)
        made.append(running)
        return running.start() if start else running

    yield start
    for running in made:
        if running.started:
            running.consumer.stop(graceful=True)
        queue.huey.flush()
    queue.huey.storage = previous


@pytest.fixture
def job_consumer(start_consumer) -> RunningConsumer:
    return start_consumer()


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (scripts/test.sh starts a Redis server and sets it)")
    return url
