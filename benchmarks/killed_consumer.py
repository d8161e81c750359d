"""Issue #27's "Done when", at its scale: a consumer killed mid-job, started again, finishes it.

For each database (a SQLite file, and PostgreSQL when PG_CLUSTER_URL names one; DATABASE_URL
alone when set) on KILL_SCHOOLS (default 3000) schools in GIAS proportions, each with one
invoice contact:

1. an invoice run is started and the consumer, as `make run` starts it (`flask --app
   contracts_app jobs worker --worker-type process --workers 2`, in a process group of its own), is killed with
   `kill -9 -PGID` once KILL_FRACTION (default 0.5) of the invoices are committed;
2. the same for the every-SLA ZIP, once that fraction of the documents is rendered;
3. after each kill a consumer is started again - no command typed - and the job must end
   `done` within KILL_DEADLINE seconds (default 120) of that start.

One JSON line per job and database: schools, the kill point, seconds from the restart to done,
and what was made - invoices, their emails in the outbox, duplicates of either, numbers missing;
or the ZIP's documents, duplicates and missing ones - and whether it ``meets_goal``.

Run:  make killed-consumer   (SQLite, then a throwaway PostgreSQL cluster)
      .venv/bin/python -m benchmarks.killed_consumer   (SQLite, or DATABASE_URL alone)
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

import psutil
from sqlalchemy import create_engine, func, select

from benchmarks.app import YEAR, database_name, make_app, prepare
from benchmarks.runner import in_child

INVOICE_RUN = {"year": YEAR, "term": "summer", "issue_date": date(YEAR, 4, 10).isoformat()}


def build(url: str, schools: int) -> dict:
    """The data set: schools, prices, census, issued agreements, one invoice contact each; and how
    many invoices the run will raise (its dry run, in this process)."""
    from sqlalchemy import insert

    from benchmarks import dataset
    from contracts_app.extensions import db
    from contracts_app.models import KeyStakeholder, School
    from contracts_app.services import jobs
    from contracts_app.services.agreements.issuing import issue_year
    from contracts_app.services.schools import import_schools

    app = make_app(url)
    with app.app_context():
        import_schools(dataset.gias_csv(schools), "killed-consumer GIAS")
        dataset.load_catalogue_and_prices(YEAR)
        dataset.load_census(YEAR)
        dataset.load_draft_agreements(YEAR)
        issue_year(YEAR, "killed-consumer")
        db.session.execute(insert(KeyStakeholder), [
            {"school_id": sid, "name": "Bursar", "role": "Bursar", "email": f"bursar@{urn}.example", "phone": "",
             "invoices": True, "agreements": False, "notices": False}
            for sid, urn in db.session.execute(select(School.id, School.urn))])
        db.session.commit()
        dry = jobs.execute(jobs.start("invoice_run", {**INVOICE_RUN, "dry_run": True}, "killed-consumer").id)
        return {"expected_invoices": dry.summary["invoices"]}


def start_job(url: str, kind: str, params: dict) -> dict:
    from contracts_app.services import jobs

    app = make_app(url)
    with app.app_context():
        return {"job_id": jobs.start(kind, params, actor="killed-consumer").id}


class Consumer:
    """The consumer `make run` starts (scripts/run.sh), in a process group of its own."""

    def __init__(self, env: dict, log: Path):
        flask = Path(sys.executable).with_name("flask")
        with log.open("ab") as out:
            self.process = subprocess.Popen([str(flask), "--app", "contracts_app", "jobs", "worker", "--worker-type", "process",
                                             "--workers", str(os.cpu_count() or 1)],
                                            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.started = time.monotonic()

    def processes(self) -> list[psutil.Process]:
        try:
            main = psutil.Process(self.process.pid)
            return [main, *main.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kill_group(self) -> int:
        """kill -9 -PGID; returns how many of its processes were still alive 10 s later."""
        processes = self.processes()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)
        _, alive = psutil.wait_procs(processes, timeout=10)
        return len(alive)

    def stop(self) -> float:
        """Kill it; the CPU seconds it and its reaped PDF workers used (the machine is shared: its
        wall time alone does not say what the job costs)."""
        if self.process.poll() is not None:
            return 0.0
        os.killpg(self.process.pid, signal.SIGKILL)
        _, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        return usage.ru_utime + usage.ru_stime


def job_row(engine, job_id: int):
    from contracts_app.models import Job

    jobs = Job.__table__
    with engine.connect() as connection:
        return connection.execute(select(jobs).where(jobs.c.id == job_id)).one()


def scalar(engine, query):
    with engine.connect() as connection:
        return connection.execute(query).scalar()


def wait_for(condition, consumer: Consumer, what: str, timeout: float, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if consumer.process.poll() is not None:
            raise RuntimeError(f"the consumer stopped while waiting for {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return None


def kill_and_restart(engine, job_id: int, reached, env: dict, log: Path, deadline: float) -> dict:
    """Start a consumer, kill its group once ``reached()`` gives the kill point, start another and
    time it to the job's end. ``reached`` returns a count at or past the kill point, or None."""
    consumer = Consumer(env, log)
    try:
        point = wait_for(reached, consumer, "the kill point", 3600, log)
        if point is None:
            raise RuntimeError(f"job {job_id} never reached its kill point:\n{log.read_text()[-3000:]}")
        state_at_kill = job_row(engine, job_id).state
        left = consumer.kill_group()
        consumer = Consumer(env, log)  # no command typed: it finds the dead job itself
        row = wait_for(lambda: (r := job_row(engine, job_id)).state in ("done", "failed") and r, consumer,
                       f"the end of job {job_id}", max(deadline * 5, 600), log)
        seconds = time.monotonic() - consumer.started
    finally:
        cpu = consumer.stop()
    if row is None:
        raise RuntimeError(f"job {job_id} did not end:\n{log.read_text()[-3000:]}")
    return {"killed_at": point, "state_at_kill": state_at_kill, "processes_left_after_kill": left,
            "state": row.state, "error": row.error, "interruptions": row.interruptions,
            "resumed": row.interrupted_at is not None, "seconds_to_done_after_restart": round(seconds, 1),
            "cpu_seconds_after_restart": round(cpu, 1),
            "job_seconds_after_restart": round((row.finished_at - row.interrupted_at).total_seconds(), 1)
            if row.finished_at and row.interrupted_at else None, "summary": row.summary}


def invoice_trial(url: str, engine, env: dict, log: Path, expected: int, fraction: float, deadline: float) -> dict:
    from contracts_app.models import Invoice

    job_id = in_child(start_job, url, "invoice_run", {**INVOICE_RUN, "dry_run": False})["job_id"]
    point = max(1, int(expected * fraction))

    def reached():
        made = scalar(engine, select(func.count()).select_from(Invoice))
        return made if made >= point else None

    result = kill_and_restart(engine, job_id, reached, env, log, deadline)
    return {**result, "kill_point": f"{result.pop('killed_at')} of {expected} invoices committed",
            **invoice_counts(engine, expected)}


def invoice_counts(engine, expected: int) -> dict:
    from contracts_app.models import Invoice, InvoiceLine, OutboxMessage

    with engine.connect() as connection:
        invoices = connection.execute(select(Invoice.id, Invoice.school_id, Invoice.number)).all()
        keys = connection.execute(select(InvoiceLine.billing_key).where(InvoiceLine.billing_key.is_not(None))).scalars().all()
        messages = connection.execute(select(OutboxMessage.concerns_id, OutboxMessage.recipient)
                                      .where(OutboxMessage.purpose == "invoice_issued")).all()
    numbers = {i.number for i in invoices}
    wanted = {f"INV-{YEAR}-{n:06d}" for n in range(1, expected + 1)}
    emailed = {m.concerns_id for m in messages}
    return {"invoices": len(invoices), "expected_invoices": expected,
            "schools_invoiced_twice": len(invoices) - len({i.school_id for i in invoices}),
            "duplicate_billing_keys": len(keys) - len(set(keys)),
            "numbers_missing": len(wanted - numbers), "numbers_unexpected": len(numbers - wanted),
            "emails": len(messages), "duplicate_emails": len(messages) - len(set(messages)),
            "invoices_not_emailed": len({i.id for i in invoices} - emailed)}


def zip_trial(url: str, engine, env: dict, log: Path, fraction: float, deadline: float, jobs_dir: Path) -> dict:
    from contracts_app.models import Agreement, School

    issued = scalar(engine, select(func.count()).select_from(Agreement).where(Agreement.issued_at.is_not(None)))
    job_id = in_child(start_job, url, "agreement_documents", {"year": YEAR})["job_id"]
    point = max(1, int(issued * fraction))

    def reached():
        row = job_row(engine, job_id)
        return row.done if row.state == "running" and row.done >= point else None

    result = kill_and_restart(engine, job_id, reached, env, log, deadline)
    row = job_row(engine, job_id)
    names: list[str] = []
    if row.result_path:
        with zipfile.ZipFile(jobs_dir / row.result_path) as archive:
            names = archive.namelist()
            assert archive.testzip() is None, "a damaged member in the ZIP"
    with engine.connect() as connection:
        urns = set(connection.execute(select(School.urn).join(Agreement, Agreement.school_id == School.id)
                                      .where(Agreement.issued_at.is_not(None))).scalars())
    found = [int(m.group(1)) for m in (re.match(r"sla-[0-9-]+-(\d+)-", n) for n in names) if m]
    partials = [p.name for p in (jobs_dir / str(job_id)).glob("*.partial")] if (jobs_dir / str(job_id)).is_dir() else []
    return {**result, "kill_point": f"{result.pop('killed_at')} of {issued} documents rendered",
            "issued_agreements": issued, "documents": len(names), "duplicate_documents": len(names) - len(set(names)),
            "agreements_missing": len(urns - set(found)), "partial_files_left": len(partials)}


def judge(row: dict, deadline: float) -> dict:
    made = (row["invoices"] == row["expected_invoices"] == row["emails"] and not row["duplicate_emails"]
            and not row["invoices_not_emailed"] and not row["schools_invoiced_twice"]
            and not row["duplicate_billing_keys"] and not row["numbers_missing"]) if "invoices" in row else (
        row["documents"] == row["issued_agreements"] and not row["duplicate_documents"]
        and not row["agreements_missing"])
    row["goal"] = f"done within {deadline:.0f} s of the restart, everything once, no process left"
    row["meets_goal"] = bool(row["state"] == "done" and row["seconds_to_done_after_restart"] <= deadline and made
                             and row["processes_left_after_kill"] == 0 and row["resumed"])
    return row


def run_database(url: str, schools: int, workdir: Path, fraction: float, deadline: float) -> None:
    db_dir = workdir / database_name(url)
    db_dir.mkdir()
    jobs_dir = db_dir / "jobs"
    # The consumers' own queue and result folder; the jobs are enqueued on the same queue below.
    env = {**os.environ, "DATABASE_URL": url, "HUEY_SQLITE": str(db_dir / "queue.sqlite3"),
           "JOBS_DIR": str(jobs_dir), "CONTRACTS_INSTANCE": str(db_dir / "instance"), "PYTHONUNBUFFERED": "1"}
    for name in ("REDIS_URL", "CONTRACTS_ENV", "JOB_CHUNK_SIZE", "INVOICE_RUN_BATCH", "JOB_STALE_SECONDS"):
        env.pop(name, None)  # the defaults, as `make run` has them
    os.environ.update({k: env[k] for k in ("HUEY_SQLITE", "JOBS_DIR", "CONTRACTS_INSTANCE")})
    from contracts_app import queue

    queue.use_storage(filename=env["HUEY_SQLITE"])
    in_child(prepare, url)
    started = time.monotonic()
    expected = in_child(build, url, schools)["expected_invoices"]
    base = {"database": database_name(url), "schools": schools, "setup_seconds": round(time.monotonic() - started, 1)}
    engine = create_engine(url)
    try:
        log = db_dir / "consumer.log"
        row = invoice_trial(url, engine, env, log, expected, fraction, deadline)
        print(json.dumps(judge({"metric": "killed_consumer_invoice_run", **base, **row}, deadline)), flush=True)
        row = zip_trial(url, engine, env, log, fraction, deadline, jobs_dir)
        print(json.dumps(judge({"metric": "killed_consumer_sla_zip", **base, **row}, deadline)), flush=True)
    finally:
        engine.dispose()


def main() -> None:
    from benchmarks.__main__ import databases

    schools = int(os.environ.get("KILL_SCHOOLS", "3000"))
    fraction = float(os.environ.get("KILL_FRACTION", "0.5"))
    deadline = float(os.environ.get("KILL_DEADLINE", "120"))
    workdir = Path(tempfile.mkdtemp(prefix="contracts-killed-"))
    os.environ.setdefault("CONTRACTS_INSTANCE", str(workdir / "instance"))
    os.environ.setdefault("HUEY_SQLITE", str(workdir / "queue.sqlite3"))
    make_app("sqlite://")  # every module loaded once, before the phases fork
    for url in databases(workdir):
        run_database(url, schools, workdir, fraction, deadline)


if __name__ == "__main__":
    main()
