"""Every SLA of the year through the job queue (docs/jobs.md), as production makes them, on one
consumer process and then on two, as two machines would run them (issue #33).

Each consumer (`flask --app contracts_app jobs worker -w 1`) is one process with one worker: the
`agreement_documents` job's shares (services/jobs/chunks.py) are what two of them split. The queue is
a throwaway Redis of the run's own when redis-server is installed (as production runs several
consumers), else the run's own SQLite file. The job is queued before the consumers start (an idle
consumer polls less and less often); ``seconds`` is the two-consumer job's own, from its row's start
to its end, ``one_consumer_seconds`` the same job on one, and ``speedup`` their ratio.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine

from benchmarks.app import YEAR, make_app
from benchmarks.runner import in_child


def _enqueue(url: str, redis_url: str | None) -> dict:
    from contracts_app import queue
    from contracts_app.services import jobs

    if redis_url:
        queue.use_storage(redis_url=redis_url)
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


def _consumer(url: str, log: Path, redis_url: str | None, periodic: bool) -> subprocess.Popen:
    flask = Path(sys.executable).with_name("flask")
    env = {**os.environ, "DATABASE_URL": url, "CONTRACTS_ENV": "testing"}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.Popen([str(flask), "--app", "contracts_app", "jobs", "worker", "-w", "1",
                             "--periodic" if periodic else "--no-periodic"],
                            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


@contextmanager
def _redis(workdir: Path):
    """A throwaway Redis on loopback when redis-server is installed; else None (the SQLite queue)."""
    server = shutil.which("redis-server")
    if server is None:
        yield None
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _run(url: str, workdir: Path, timeout: float, consumers: int, redis_url: str | None) -> dict:
    """The every-SLA job on ``consumers`` consumer processes; its row's state at the end."""
    start = time.perf_counter()
    job_id = in_child(_enqueue, url, redis_url)["job_id"]
    log = workdir / f"consumers-{consumers}.log"
    running = [_consumer(url, log, redis_url, periodic=i == 0) for i in range(consumers)]
    engine = create_engine(url)
    try:
        while True:
            time.sleep(0.5)
            state = _state(engine, job_id)
            if state["state"] in ("done", "failed"):
                break
            if any(c.poll() is not None for c in running) or time.perf_counter() - start > timeout:
                raise RuntimeError(f"the documents job did not finish ({state}); consumer log: "
                                   f"{log.read_text()[-2000:]}")
        state["wall_seconds"] = time.perf_counter() - start
    finally:
        engine.dispose()
        for consumer in running:
            consumer.terminate()
        for consumer in running:
            consumer.wait(timeout=60)
    if state["state"] != "done":
        raise RuntimeError(f"the documents job failed: {state['error']}")
    return state


def bench_national(url: str, workdir: Path, timeout: float) -> dict:
    with _redis(workdir) as redis_url:
        one = _run(url, workdir, timeout, 1, redis_url)
        two = _run(url, workdir, timeout, 2, redis_url)
    n = (two["summary"] or {}).get("documents", two["done"])
    seconds = two["job_seconds"]
    return {"metric": "sla_documents_national", "n": n, "seconds": round(seconds, 3),
            "per_second": round(n / seconds, 2), "wall_seconds": round(two["wall_seconds"], 3),
            "one_consumer_seconds": round(one["job_seconds"], 3), "speedup": round(one["job_seconds"] / seconds, 2),
            "consumers": 2, "shared_by": (two["summary"] or {}).get("worker processes"),
            "queue": "redis" if redis_url else "sqlite", "cores": os.cpu_count()}
