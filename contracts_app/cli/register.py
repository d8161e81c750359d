"""`schools changes [--apply ID]`: the register changes GIAS implies, and applying one (issue #28).
Registered under `schools` by cli/schools.py."""
from __future__ import annotations

import click

from contracts_app.cli.common import actor, parse_date, service_command
from contracts_app.services.register import applying
from contracts_app.services.register.changes import list_changes
from contracts_app.services.register.consequences import long_date, work_out_all
from contracts_app.services.register.describe import consequences


def _show(view) -> None:
    successors = ", ".join(str(u) for u in view.implied.successors) or "none"
    click.echo(f"[{view.id}] {view.state}: {view.implied.kind_name} - {view.school.name} (URN {view.school.urn}) "
               f"-> {successors}, ends {long_date(view.implied.end_date)}")
    for sentence in consequences(view):
        click.echo(f"    {sentence}")


@click.command("changes")
@click.option("--apply", "change_id", type=click.IntRange(1, 2**31 - 1), default=None,
              help="Apply this change (its id, from the list).")
@click.option("--po", "po_number", default="", help="The successor's new purchase-order number.")
@click.option("--date", "credit_date", default=None, help="The credit notes' date (YYYY-MM-DD, default today).")
@click.option("--page", type=click.IntRange(1, 1_000_000), default=1, help="Page of the list (50 a page).")
@service_command
def changes_command(change_id: int | None, po_number: str, credit_date: str | None, page: int) -> None:
    """List the register changes GIAS implies for schools with an agreement, with what applying
    each would do; --apply ID applies one (in one transaction; applying again changes nothing)."""
    if change_id is None:
        listed = list_changes(page, 50)
        if not listed.items:
            click.echo("No register changes: no school with an issued agreement is closed by GIAS.")
        for view in work_out_all(listed.items):
            _show(view)
        if listed.pages > 1:
            click.echo(f"Page {listed.page} of {listed.pages} ({listed.total} changes).")
        return
    when = parse_date(credit_date, "--date")
    result = applying.apply_change(change_id, actor(), po_number=po_number.strip(), credit_date=when)
    click.echo(result.message if result.changed else f"Already applied: {result.message}")
