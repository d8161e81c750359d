"""`schools import`: a GIAS extract into the register."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from contracts_app.services.schools import import_schools
from contracts_app.cli.common import service_command

schools_group = AppGroup("schools", help="The school register.")


@schools_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def import_command(file: Path) -> None:
    """Import a GIAS extract CSV (cp1252 or UTF-8): adds and updates schools by URN."""
    report = import_schools(file, file.name)
    click.echo(f"Schools import from {file.name}: {report.summary()}.")
    for skipped in report.skipped[:20]:
        click.echo(f"  skipped (closed): {skipped}")
