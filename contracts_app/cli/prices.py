"""`prices import`, `prices publish` and `prices new-version`, by SLA year."""
from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask.cli import AppGroup

from pricing.price_list import ADHOC_CODE
from pricing.errors import PriceRuleError
from pricing.sla_year import SlaYear, requested_year

from contracts_app.services import price_lists
from contracts_app.cli.common import service_command

prices_group = AppGroup("prices", help="Yearly price lists.")


def sla_year(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """--year 2025 means 2025-26; a year out of range is a usage error, not a traceback."""
    if value is None:
        return value
    try:
        return requested_year(value).start_year
    except PriceRuleError as exc:
        raise click.BadParameter(exc.reason) from None


YEAR = click.option("--year", type=int, required=True, callback=sla_year,
                    help="SLA year by its start: 2025 means 2025-26.")


@prices_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@YEAR
@click.option("--census-basis", type=click.Choice(["january", "october"]), default=None,
              help="Which census decides pupil numbers (default: January before the SLA year).")
@service_command
def import_command(file: Path, year: int, census_basis: str | None) -> None:
    """Import a price list CSV or XLSX as the year's draft."""
    report = price_lists.import_price_list(file, year, file.name, census_basis=census_basis)
    click.echo(f"Price list {SlaYear(year).label}: {report.summary()}.")
    if not any(e.service_code == ADHOC_CODE for e in report.price_list.entries):
        click.echo("Warning: no ADHOC row, so the year has no ad hoc hourly rate (§2.6).")


@prices_group.command("publish")
@YEAR
@service_command
def publish_command(year: int) -> None:
    """Publish (freeze) the year's draft price list."""
    published = price_lists.publish(year, f"command line ({getpass.getuser()})")
    click.echo(f"Published {published.name} ({len(published.entries)} prices); it is now frozen.")


@prices_group.command("new-version")
@YEAR
@service_command
def new_version_command(year: int) -> None:
    """Start a draft new version from the year's published list."""
    copy = price_lists.new_version(year)
    click.echo(f"Started draft {copy.name} from the published prices.")
