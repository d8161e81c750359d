"""`schools import`: a GIAS extract into the register."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from contracts_app.services.contacts import import_contacts
from contracts_app.services.register.links import import_links
from contracts_app.services.schools import import_schools
from contracts_app.cli.common import service_command
from contracts_app.cli.common import parse_date
from contracts_app.services.invoicing import statements
from contracts_app.services.register import trusts as trusts_service
from pricing.errors import ActionRefused

schools_group = AppGroup("schools", help="The school register.")


@schools_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def import_command(file: Path) -> None:
    """Import a GIAS extract CSV (cp1252 or UTF-8): adds and updates schools by URN."""
    report = import_schools(file, file.name)
    click.echo(f"Schools import from {file.name}: {report.summary()}.")
    for closed in report.closed[:20]:
        click.echo(f"  closed: {closed}")
    for skipped in report.skipped[:20]:
        click.echo(f"  skipped (closed): {skipped}")


links_group = AppGroup("links", help="GIAS's links file: schools' predecessors and successors.")
schools_group.add_command(links_group)


@links_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def import_links_command(file: Path) -> None:
    """Import GIAS's links file (links_edubasealldata*.csv): it replaces the stored links, all or nothing."""
    report = import_links(file, file.name)
    click.echo(f"Links import from {file.name}: {report.summary()}.")


contacts_group = AppGroup("contacts", help="Schools' key contacts and the emails each receives.")
schools_group.add_command(contacts_group)


@contacts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def import_contacts_command(file: Path) -> None:
    """Import contacts (urn,name,role,email,phone,invoices,agreements,notices): all or nothing.

    A contact is matched by the school's URN and the email address: updated if the school has
    it already, added otherwise.
    """
    report = import_contacts(file, file.name)
    click.echo(f"Contacts import from {file.name}: {report.summary()}.")


@schools_group.command("statement")
@click.argument("urn", type=int, required=False)
@click.option("--trust", "trust_code", default=None, help="A trust's statement (GIAS code) instead of one school's.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--as-of", "as_of", default=None, help="The statement's date (YYYY-MM-DD, default today).")
@service_command
def statement_command(urn: int | None, trust_code: str | None, output: Path, as_of: str | None) -> None:
    """The statement of account of a school (URN) or a trust (--trust CODE) as a PDF: invoices,
    credits, payments, balance and ageing - a trust's per academy, with the trust's totals."""
    if (urn is None) == (trust_code is None):
        raise ActionRefused("give a school's URN or --trust CODE, not both")
    day = parse_date(as_of, "--as-of")
    if trust_code is not None:
        trust = trusts_service.by_code(trust_code)
        if trust is None:
            raise ActionRefused(f"--trust: no trust with code {trust_code!r}")
        output.write_bytes(statements.trust_statement_pdf(trust, day))
        click.echo(f"Wrote the statement of {trust.name} ({trust.code}) to {output}.")
        return
    school = statements.school_by_urn(urn)
    if school is None:
        raise ActionRefused(f"no school with URN {urn}")
    output.write_bytes(statements.statement_pdf(school.id, day))
    click.echo(f"Wrote the statement of {school.name} ({urn}) to {output}.")


# -- register changes (issue #28): `schools changes [--apply ID]`, in contracts_app/cli/register.py --
from contracts_app.cli.register import changes_command  # noqa: E402 - its own block, kept apart

schools_group.add_command(changes_command)
