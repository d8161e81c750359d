"""The outbox's queue tasks: send after a commit that queued messages, and on a schedule as a
safety net; queue the overdue reminders each morning (docs/jobs.md, docs/email.md)."""
from __future__ import annotations

from flask import current_app
from huey import crontab

from contracts_app.queue import periodic_task, task
from contracts_app.services.outbox import queueing, reminders, sending


@task()
def send_now() -> None:
    """Send whatever is due (queued by a commit a moment ago, among others)."""
    report = sending.send_due()
    current_app.logger.info("outbox: %s", report.summary())


@periodic_task(crontab(minute="*/5"))
def send_periodically() -> None:
    """The safety net: anything a lost "send now" or a back-off left due is sent within minutes."""
    sending.send_due()


@periodic_task(crontab(minute="30", hour="7"))
def queue_reminders() -> None:
    """The overdue reminders due today; sent by the next send."""
    reminders.queue_overdue_reminders()
    sending.send_due()


def _schedule_send() -> None:
    # Tests run without a consumer: they call send_due themselves unless they ask for this.
    if current_app.config.get("OUTBOX_SEND_ON_COMMIT", not current_app.testing):
        send_now()


queueing.on_queued(_schedule_send)
