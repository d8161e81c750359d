"""Every SLA of the year through the job queue (docs/jobs.md), as production makes them.

A consumer (`flask --app contracts_app jobs worker`) runs the `agreement_documents` job,
which renders the ZIP on every core (two here). The queue is a SQLite file of the run's own
(HUEY_SQLITE, set before anything imports the queue), so no other consumer takes the job.
The job is queued before the consumer starts (an idle consumer polls less and less often);
``seconds`` is the job's own, from its row's start to its end, and ``wall_seconds`` from
enqueueing until the row says done (the consumer's start-up included).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine

from benchmarks.app import YEAR, make_app
from benchmarks.runner import in_child


def _enqueue(url: str) -> dict:
    from contracts_app.services import jobs

    app = make_app(url)
    with app.app_context():
        job = jobs.start("agreement_documents", {"year": YEAR}, actor="bench")
        return {"job_id": job.id}


def _state(engine, job_id: int) -> dict:
    """The job's row, read on a plain engine: polling builds no app (a national run polls
    for half an hour, beside the two cores it measures)."""
    from sqlalchemy import select

    from contracts_app.models import Job

    jobs = Job.__table__
    with engine.connect() as connection:
        row = connection.execute(select(jobs.c.state, jobs.c.done, jobs.c.summary, jobs.c.error, jobs.c.started_at,
                                        jobs.c.finished_at).where(jobs.c.id == job_id)).one()
    times = {}
    if row.finished_at is not None and row.started_at is not None:
        times = {"job_seconds": (row.finished_at - row.started_at).total_seconds()}
    return {"state": row.state, "done": row.done, "summary": row.summary, "error": row.error, **times}


def _consumer(url: str, log: Path) -> subprocess.Popen:
    flask = Path(sys.executable).with_name("flask")
    env = {**os.environ, "DATABASE_URL": url, "CONTRACTS_ENV": "testing"}
    env.pop("REDIS_URL", None)
    return subprocess.Popen([str(flask), "--app", "contracts_app", "jobs", "worker", "-w", "1"],
                            env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def bench_national(url: str, workdir: Path, timeout: float) -> dict:
    start = time.perf_counter()
    job_id = in_child(_enqueue, url)["job_id"]
    consumer = _consumer(url, workdir / "consumer.log")
    engine = create_engine(url)
    try:
        while True:
            time.sleep(0.5)
            state = _state(engine, job_id)
            if state["state"] in ("done", "failed"):
                break
            if consumer.poll() is not None or time.perf_counter() - start > timeout:
                raise RuntimeError(f"the documents job did not finish ({state}); consumer log: "
                                   f"{(workdir / 'consumer.log').read_text()[-2000:]}")
        wall = time.perf_counter() - start
    finally:
        engine.dispose()
        consumer.terminate()
        consumer.wait(timeout=60)
    if state["state"] != "done":
        raise RuntimeError(f"the documents job failed: {state['error']}")
    n = (state["summary"] or {}).get("documents", state["done"])
    seconds = state["job_seconds"]
    return {"metric": "sla_documents_national", "n": n, "seconds": round(seconds, 3),
            "per_second": round(n / seconds, 2), "wall_seconds": round(wall, 3), "workers": os.cpu_count()}
