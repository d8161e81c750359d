"""The `outbox` commands: send what is due, list, retry, queue the overdue reminders."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from contracts_app.cli.common import parse_date, service_command
from contracts_app.services import outbox
from contracts_app.services.outbox import queries, reminders
from contracts_app.services.outbox.queries import OutboxFilter

outbox_group = AppGroup("outbox", help="The email outbox: what was sent, what waits, what failed.")


@outbox_group.command("send")
@service_command
def send_command() -> None:
    """Send every message due now; prints what was sent and what failed."""
    report = outbox.send_due()
    for message_id, recipient, subject in report.sent:
        click.echo(f"sent     #{message_id} to {recipient}: {subject}")
    for message_id, recipient, subject, error in report.retrying:
        click.echo(f"retry    #{message_id} to {recipient}: {subject} ({error})")
    for message_id, recipient, subject, error in report.failed:
        click.echo(f"FAILED   #{message_id} to {recipient}: {subject} ({error})")
    click.echo(f"Outbox: {report.summary()}.")
    if report.failed:
        raise SystemExit(1)


@outbox_group.command("list")
@click.option("--state", default="", help="queued, sent or failed.")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@service_command
def list_command(state: str, limit: int) -> None:
    """The outbox, newest first."""
    queries.check_state(state)
    page = queries.messages(OutboxFilter(state=state), 1, limit)
    for m in page.items:
        when = m.sent_at or m.next_attempt_at
        note = f" - {m.last_error}" if m.last_error and m.state != "sent" else ""
        click.echo(f"#{m.id} {m.state:<6} {when:%Y-%m-%d %H:%M} {m.purpose} to {m.recipient}: {m.subject}"
                   f" [{m.attempts} attempt(s), {len(m.attachments)} attachment(s)]{note}")
    click.echo(f"{page.total} message(s)" + (f" {state}" if state else "") + ".")


@outbox_group.command("retry")
@click.argument("message_id", type=int)
@service_command
def retry_command(message_id: int) -> None:
    """Queue a failed message again (after checking that it did not arrive)."""
    message = queries.retry(message_id)
    click.echo(f"#{message.id} to {message.recipient} queued again.")


@outbox_group.command("reminders")
@click.option("--date", "on", default=None, help="As on this day (YYYY-MM-DD); default today.")
@service_command
def reminders_command(on: str | None) -> None:
    """Queue the overdue reminders due (OVERDUE_REMINDER_DAYS after each due date)."""
    report = reminders.queue_overdue_reminders(parse_date(on, "--date"))
    click.echo(f"Overdue reminders: {report.summary()}.")
