"""`prices import`, `publish`, `new-version`, `copy` (next year's list, uplifted) and `export`, by SLA year."""
from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask.cli import AppGroup

from contracts_app.cli.common import service_command
from contracts_app.services import price_copy, price_export, price_lists
from pricing.errors import PriceRuleError
from pricing.price_list import ADHOC_CODE
from pricing.sla_year import SlaYear, requested_year

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


@prices_group.command("copy")
@click.option("--from", "from_year", required=True, help="The year whose published list is copied: 2026 means 2026-27.")
@click.option("--to", "to_year", required=True, help="The new year, which must have no price list yet.")
@click.option("--uplift", required=True, help="Percentage every price rises by, e.g. 3.5 (from -50 to 100).")
@click.option("--override", "overrides", multiple=True, metavar="CODE=PCT",
              help="Another percentage for one service, e.g. SIMS-SUPPORT=0; repeat for more.")
@service_command
def copy_command(from_year: str, to_year: str, uplift: str, overrides: tuple[str, ...]) -> None:
    """Make next year's DRAFT price list from a year's published one, every price uplifted."""
    made, plan = price_copy.copy_price_list(from_year, to_year, uplift, overrides)
    click.echo(f"Created draft {made.name}: {plan.summary}. Check it, then prices publish --year {made.sla_year}.")


@prices_group.command("export")
@YEAR
@click.option("--format", "fmt", type=click.Choice(price_export.FORMATS), default="csv", show_default=True)
@click.option("--version", type=click.IntRange(1, 10_000), default=None,
              help="A version; by default the published one (or the draft when none is published).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write.")
@service_command
def export_command(year: int, fmt: str, version: int | None, output: Path) -> None:
    """Write a price list in the format prices import reads (CSV or XLSX)."""
    export = price_export.export_price_list(year, fmt, version)
    try:
        output.write_bytes(export.data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {export.filename} to {output}.")
