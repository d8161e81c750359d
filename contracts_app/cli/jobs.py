"""Operator commands for background jobs: run a consumer, list recent jobs."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from contracts_app.queue import huey, set_app
from pricing.errors import ActionRefused
from contracts_app.cli.common import service_command
from contracts_app.services.jobs import clean_up, consumers, get, mark_failed
from contracts_app.services.jobs import kinds  # noqa: F401 - every kind registered before consuming

jobs_group = AppGroup("jobs", help="Background jobs and the task queue.")


@jobs_group.command("worker")
@click.option("-w", "--workers", type=click.IntRange(1, 64), default=1, help="Worker threads or processes.")
@click.option("-k", "--worker-type", type=click.Choice(["thread", "process"]), default="thread",
              help="thread (default) or process: one app per process.")
@click.option("--periodic/--no-periodic", default=True,
              help="Run the periodic tasks (outbox, recovery, clean-up); with several consumers, one does "
                   "(docs/operations.md).")
def worker_command(workers: int, worker_type: str, periodic: bool) -> None:
    """Run a consumer: take jobs off the queue and run them until Ctrl-C."""
    set_app(current_app._get_current_object())
    click.echo(f"Consumer on {type(huey.storage).__name__} with {workers} {worker_type} worker(s)"
               f"{'' if periodic else ', no periodic tasks'}.")
    huey.create_consumer(workers=workers, worker_type=worker_type, periodic=periodic).run()


@jobs_group.command("consumers")
def consumers_command() -> None:
    """List the consumers seen in the last minute (each writes a heartbeat while it runs)."""
    seen = consumers.seen()
    click.echo(f"Job consumers seen in the last minute: {len(seen.consumers)}")
    for c in seen.consumers:
        click.echo(f"  {c.host} pid {c.pid}: {c.workers} {c.worker_type} worker(s)"
                   f"{'' if c.periodic else ', no periodic tasks'}, started {c.started_at:%Y-%m-%d %H:%M:%S} UTC, "
                   f"last seen {c.last_seen_at:%Y-%m-%d %H:%M:%S} UTC")
    if seen.stalled:
        click.echo(f"Warning: {seen.waiting} job(s) waiting and no consumer has been seen in the last minute.")


@jobs_group.command("clean-up")
def clean_up_command() -> None:
    """Delete result files older than JOB_RESULT_DAYS days (a consumer also does this daily)."""
    click.echo(f"Removed the result files of {clean_up()} job(s).")


@jobs_group.command("mark-failed")
@click.argument("job_id", type=int)
@service_command
def mark_failed_command(job_id: int) -> None:
    """Mark a job failed whose consumer died mid-run (it stays "running"), so it can be started again."""
    job = get(job_id)
    if job is None:
        raise ActionRefused(f"there is no job {job_id}")
    mark_failed(job, "Marked failed from the command line: its worker stopped")
    click.echo(f"Job {job_id} ({job.kind}) marked failed; start it again from its page.")
