"""The queue's tasks for jobs: run one, and the daily clean-up of old result files."""
from __future__ import annotations

from huey import crontab

from contracts_app.queue import periodic_task, task
from contracts_app.services.jobs import core


@task()
def run_job(job_id: int) -> None:
    """Run job ``job_id`` (its row says what and for whom)."""
    core.execute(job_id)


@periodic_task(crontab(minute="17", hour="3"))
def clean_up_results() -> None:
    """Result files are kept JOB_RESULT_DAYS days."""
    core.clean_up()
