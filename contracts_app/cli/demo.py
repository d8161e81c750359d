from __future__ import annotations

from datetime import date

import click

from pricing.sla_year import SlaYear

from ..services.demo import load_demo
from . import service_command


@click.command("demo")
@click.option("--year", type=int, default=None, help="SLA year to set up (default: the current one).")
@service_command
def demo_command(year: int | None):
    """Load a realistic, made-up demo council (idempotent)."""
    start = year if year is not None else SlaYear.containing(date.today()).start_year
    report = load_demo(start)
    click.echo(f"Demo data for SLA year {SlaYear(start).label}:")
    for line in report.lines:
        click.echo(f"  {line}")
