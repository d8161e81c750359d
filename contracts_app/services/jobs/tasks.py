"""The queue's tasks for jobs: run one, resume what a dead consumer left, and the daily clean-up."""
from __future__ import annotations

from huey import crontab

from contracts_app import queue
from contracts_app.queue import on_consumer_start, periodic_task, task
from contracts_app.services.jobs import chunks, core, recovery, running
from contracts_app.services.jobs.core import JobInterrupted
from contracts_app.services.jobs import consumers  # noqa: F401 - each consumer's heartbeat (its hooks)


@task()
def run_job(job_id: int) -> None:
    """Run job ``job_id`` (its row says what and for whom)."""
    job = running.execute(job_id)
    if job is not None and job.state == "queued":
        run_job(job_id)  # put back by this consumer stopping: the next consumer takes it


@task()
def run_job_chunk(job_id: int, seq: int) -> None:
    """Run chunk ``seq`` of bulk job ``job_id`` (services/jobs/chunks.py) if it is still to do."""
    try:
        chunks.work_on(job_id, seq)
    except JobInterrupted:
        if queue.stopping.is_set():
            run_job_chunk(job_id, seq)  # put back by this consumer stopping: the next consumer takes it


chunks.send_with(run_job_chunk)


def resume_interrupted() -> list[int]:
    """Queue again each job whose consumer died (docs/jobs.md "Recovery"), with a message each."""
    ids = recovery.recover()
    for job_id in ids:
        run_job(job_id)
    return ids


# Every consumer, periodic or not, looks every JOB_RECOVER_SECONDS (jobs.consumers): a job whose
# consumer died on another machine is resumed without anyone looking, whichever consumer died.
consumers.recover_with(resume_interrupted)


def resume_at_start() -> None:
    """A consumer starting resumes what a dead one left at once, and sends again the message of
    every queued job (one dequeued by a consumer killed before it claimed the job is lost)."""
    recovery.recover()
    for job_id in recovery.queued_ids():
        run_job(job_id)


on_consumer_start(resume_at_start)


@periodic_task(crontab(minute="17", hour="3"))
def clean_up_results() -> None:
    """Result files are kept JOB_RESULT_DAYS days."""
    core.clean_up()
