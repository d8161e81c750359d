"""`flask --app contracts_app adhoc ...`: ad hoc work charged by the hour (SLA §2.6, §7.3, §9.5)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from adhoc.lifecycle import STATUS_NAMES, kind_name, status_name
from contracts_app.cli.common import parse_date, service_command
from contracts_app.models import AdHocRequest
from contracts_app.services.adhoc import documents, lifecycle, queries, requests_import, time_log
from pricing.errors import ActionRefused

adhoc_group = AppGroup("adhoc", help="Ad hoc work charged by the hour.")


def _request(reference: str) -> AdHocRequest:
    """The request with this reference, or a refusal naming it."""
    found = lifecycle.find(reference)
    if found is None:
        raise ActionRefused(f"no ad hoc request with reference {reference.strip().upper()}")
    return found


@adhoc_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def import_command(file: Path) -> None:
    """The service desk's time log: columns urn,reference,kind,date,minutes,description.

    All or nothing; rows imported before are skipped, so the same log twice adds nothing.
    """
    report = time_log.import_time_log(file, file.name)
    click.echo(f"{file.name}: {report.summary()}.")
    if report.references:
        click.echo(f"  requests: {', '.join(report.references)}")


requests_group = AppGroup("requests", help="Ad hoc requests raised in the call-logging system.")
adhoc_group.add_command(requests_group)


@requests_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def requests_import_command(file: Path) -> None:
    """Requests: columns urn,reference,kind,description,estimate_hours,authorised_by,authorised_on
    [,third_party,report].

    Created, estimated and authorised in writing by the page rules (§7.3, §9.4-9.5); all or
    nothing; rows whose reference was imported before are skipped.
    """
    report = requests_import.import_requests(file, file.name)
    click.echo(f"{file.name}: {report.summary()}.")


@adhoc_group.command("complete")
@click.argument("reference")
@click.option("--date", "date_text", required=True, metavar="YYYY-MM-DD", help="The day the work was completed.")
@service_command
def complete_command(reference: str, date_text: str) -> None:
    """Mark a request complete (§7.4); the next invoice run invoices it."""
    on = parse_date(date_text, "--date")
    found = lifecycle.complete(_request(reference), on)
    click.echo(f"{found.reference} completed on {on.day} {on:%B %Y} (§7.4); the next invoice run invoices it.")


@adhoc_group.command("list")
@click.option("--status", type=click.Choice(list(STATUS_NAMES)), default=None, help="Only requests in this status.")
@service_command
def list_command(status: str | None) -> None:
    """Requests, newest first, with their status and the time booked."""
    page = queries.list_requests(status or "", per_page=10_000)
    minutes_booked = queries.minutes_by_request([r.id for r in page.items])
    for r in page.items:
        minutes = minutes_booked.get(r.id, 0)
        click.echo(f"{r.reference}\t{r.school.urn}\t{r.school.name}\t{kind_name(r.kind)}\t{status_name(r.status)}"
                   f"\t{minutes} min")
    click.echo(f"{page.total} request(s).")


@adhoc_group.command("estimate-pdf")
@click.argument("reference")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@service_command
def estimate_pdf_command(reference: str, output: Path) -> None:
    """Write a request's estimate (§7.3) as a PDF."""
    found = _request(reference)
    data = documents.estimate_pdf(found)
    if data is None:
        raise ActionRefused(f"{found.reference} has no estimate yet")
    output.write_bytes(data)
    click.echo(f"Wrote the estimate for {found.reference} to {output}.")


@adhoc_group.command("report-pdf")
@click.argument("reference")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@service_command
def report_pdf_command(reference: str, output: Path) -> None:
    """Write a rework request's §9.5 report and breakdown of charges as a PDF."""
    found = _request(reference)
    data = documents.report_pdf(found)
    if data is None:
        raise ActionRefused(f"{found.reference} is not rework ({kind_name(found.kind).lower()}): only rework has "
                            "a §9.5 report")
    output.write_bytes(data)
    click.echo(f"Wrote the §9.5 report for {found.reference} to {output}.")
