"""`census import` and `census missing`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from contracts_app.services.census import census_used, import_census, schools_missing
from contracts_app.cli.common import service_command
from contracts_app.cli.prices import sla_year

census_group = AppGroup("census", help="School census figures.")


@census_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def import_command(file: Path) -> None:
    """Import census figures: columns urn,census,pupils (census YYYY-01 or YYYY-10)."""
    report = import_census(file, file.name)
    click.echo(f"Census import from {file.name}: {report.summary()}.")
    if report.not_in_register:
        click.echo(f"  not in the register (not imported): {report.not_in_register_text()}")


@census_group.command("missing")
@click.option("--year", type=int, required=True, callback=sla_year,
              help="SLA year by its start: 2025 means 2025-26.")
@service_command
def missing_command(year: int) -> None:
    """List the schools with no figure in the census the year's prices use."""
    census = census_used(year)
    schools = schools_missing(census)
    click.echo(f"{len(schools)} school(s) with no {census.description} census figure:")
    for school in schools:
        click.echo(f"  {school.urn} {school.name}")
