"""`catalogue retire` and `catalogue reinstate`: a service out of the catalogue, and back (issue #30)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from contracts_app.cli.common import service_command
from contracts_app.services import catalogue
from pricing.errors import ActionRefused

catalogue_group = AppGroup("catalogue", help="The service catalogue.")


def _service(code: str):
    found = catalogue.service(code.strip().upper())
    if found is None:
        raise ActionRefused(f"No catalogue service has the code {code!r}.")
    return found


@catalogue_group.command("retire")
@click.argument("code")
@click.option("--yes", is_flag=True, help="Retire without asking (scripts).")
@service_command
def retire_command(code: str, yes: bool) -> None:
    """Retire the service CODE: nothing new offers it; agreements that have it keep it."""
    service = _service(code)
    if service.retired:
        raise ActionRefused(f"Service {service.code} is already retired.")
    held = catalogue.agreements_with(service)
    if not yes:
        click.confirm(f"Retire {service.code} {service.title}? {held:,} live agreement(s) keep it", abort=True)
    catalogue.retire_service(service)
    click.echo(f"Retired {service.code}; {held:,} live agreement(s) keep it. "
               f"Undo with: flask catalogue reinstate {service.code}")


@catalogue_group.command("reinstate")
@click.argument("code")
@service_command
def reinstate_command(code: str) -> None:
    """Bring the retired service CODE back into the catalogue."""
    service = catalogue.reinstate_service(_service(code))
    click.echo(f"{service.code} is back in the catalogue.")
