from __future__ import annotations

from datetime import date

import click

from pricing.sla_year import SlaYear

from contracts_app.services.demo.council import database_is_empty, load_demo
from contracts_app.cli.common import service_command


@click.command("demo")
@click.option("--year", type=int, default=None, help="SLA year to set up (default: the current one).")
@click.option("--if-empty", is_flag=True, help="Only when the database has no schools and no users yet.")
@service_command
def demo_command(year: int | None, if_empty: bool):
    """Load a realistic, made-up demo council (idempotent)."""
    if if_empty and not database_is_empty():
        click.echo("The database already has data; demo not loaded.")
        return
    start = year if year is not None else SlaYear.containing(date.today()).start_year
    report = load_demo(start)
    click.echo(f"Demo data for SLA year {SlaYear(start).label}:")
    for line in report.lines:
        click.echo(f"  {line}")
