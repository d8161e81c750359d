"""Operator commands for agreements: import, issue, re-issue, rollover, notice, charges, settle and SLA PDFs."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from flask.cli import AppGroup
from tqdm import tqdm

from pricing.sla_year import SlaYear

from documents.bulk import default_workers
from contracts_app.services import documents as sla_documents
from contracts_app.services.agreements.cancellation import give_notice
from contracts_app.services.agreements.changes import add_charge
from contracts_app.services.agreements.importing import import_agreements
from contracts_app.services.agreements.issuing import issue_year
from contracts_app.services.agreements.queries import agreement_of_school
from contracts_app.services.agreements.reissuing import reissue_agreement
from contracts_app.services.agreements.rollover import rollover
from contracts_app.services.agreements.status import settle_and_save
from contracts_app.services.jobs.agreements import write_year_zip
from pricing.errors import ActionRefused
from contracts_app.cli.common import actor as _actor
from contracts_app.cli.common import parse_date as _date
from contracts_app.cli.common import service_command

agreements_group = AppGroup("agreements", help="Agreements with schools.")
YEAR = click.option("--year", type=int, required=True, help="SLA year by its start: 2025 means 2025-26.")


@agreements_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@YEAR
@service_command
def import_command(file: Path, year: int) -> None:
    """Upsert draft agreements: columns urn,service_code,quantity,status[,start_date]."""
    report = import_agreements(file, year, file.name)
    click.echo(f"Agreements {SlaYear(year).label} from {file.name}: {report.summary()}.")


@agreements_group.command("issue")
@YEAR
@service_command
def issue_command(year: int) -> None:
    """Issue every complete draft of the year (draft -> active, prices snapshotted)."""
    report = issue_year(year, _actor())
    click.echo(f"Issued {len(report.issued)} agreement(s) for {SlaYear(year).label}; "
               f"{len(report.refused)} could not be issued.")
    for agreement, reason in report.refused:
        click.echo(f"  not issued: {reason}")


@agreements_group.command("reissue")
@click.argument("urn", type=int)
@YEAR
@service_command
def reissue_command(urn: int, year: int) -> None:
    """Re-issue a school's agreement under the newest published SLA template version (issue #31).

    Its document is regenerated with that version's text and service levels, and the service
    desk report measures its tickets against them; prices, services and term stay as issued."""
    plan = reissue_agreement(agreement_of_school(urn, year), _actor())
    click.echo(f"Re-issued {plan.agreement.name} under SLA template v{plan.new.version} (was {plan.old_name}).")
    for change in plan.changes or ("service levels unchanged",):
        click.echo(f"  {change}")


@agreements_group.command("rollover")
@YEAR
@service_command
def rollover_command(year: int) -> None:
    """Make next year's drafts from this year's agreements, re-priced on next year's list."""
    report = rollover(year)
    click.echo(f"Rollover {SlaYear(year).label} -> {SlaYear(year + 1).label}: {len(report.created)} draft(s) "
               f"created, {len(report.skipped)} skipped.")
    for name, why in report.skipped:
        click.echo(f"  skipped {name}: {why}")
    for message in report.followed:
        click.echo(f"  closed school: {message}")


@agreements_group.command("cancel")
@click.argument("urn", type=int)
@YEAR
@click.option("--notice-date", required=True, help="Date the written notice was given (YYYY-MM-DD).")
@click.option("--effective-date", default=None, help="Date the notice asks for, if later than 90 days on.")
@click.option("--by", "given_by", type=click.Choice(["school", "council"]), default="school")
@click.option("--reason", default="", help="Why.")
@click.option("--breach", is_flag=True, help="The council cancels for fundamental breach (§2.4 c).")
@service_command
def cancel_command(urn: int, year: int, notice_date: str, effective_date: str | None, given_by: str, reason: str,
                   breach: bool) -> None:
    """Record a written notice of cancellation received (§2.4) and print what it does.

    The notice date is when it was received: not in the future, within the agreement's
    term (also once the term is over, to enter a paper notice afterwards)."""
    agreement = agreement_of_school(urn, year)
    notice = give_notice(agreement, notice_date=_date(notice_date, "--notice-date"),
                         requested_date=_date(effective_date, "--effective-date"), given_by=given_by,
                         reason=reason, fundamental_breach=breach, recorded_by=_actor(), entered_by="staff")
    outcome = notice.outcome
    if outcome.at_term_end:
        click.echo(f"Notice recorded for {agreement.name}: {outcome.text} "
                   f"({outcome.ends_on.isoformat()}; status {agreement.status.replace('_', ' ')}).")
    else:
        click.echo(f"Notice recorded for {agreement.name}: cancelled with effect from "
                   f"{notice.effective_date.isoformat()} ({notice.effective_date.day} {notice.effective_date:%B %Y}).")


@agreements_group.command("charge")
@click.argument("urn", type=int)
@YEAR
@click.option("--amount", required=True, help="Pounds and pence before VAT, e.g. 350.00.")
@click.option("--vat-code", required=True, help="S, Z, E or O.")
@click.option("--description", required=True, help="What it is for, e.g. SIMS licence costs on cancellation.")
@service_command
def charge_command(urn: int, year: int, amount: str, vat_code: str, description: str) -> None:
    """Add a one-off charge (§2.5 e) to a school's agreement; the next invoice run invoices it."""
    try:
        value = Decimal(amount.strip().lstrip("£").replace(",", ""))
    except InvalidOperation:
        raise click.BadParameter(f"{amount!r} is not an amount of pounds and pence", param_hint="--amount") from None
    agreement = agreement_of_school(urn, year)
    charge = add_charge(agreement, description, value, vat_code.strip().upper(), _actor())
    click.echo(f"Charge of £{charge.amount:,.2f} (VAT {charge.vat_code}) added to {agreement.name}: "
               f"{charge.description}. The next invoice run invoices it.")


@agreements_group.command("settle")
@click.option("--date", "today", default=None, help="As of this date (default today).")
@service_command
def settle_command(today: str | None) -> None:
    """Cancel agreements whose notice has taken effect and end those whose term is over."""
    changes = settle_and_save(_date(today, "--date") or date.today())
    for change in changes:
        click.echo(f"  {change}")
    click.echo(f"{len(changes)} agreement(s) changed status.")


@agreements_group.command("pdf")
@click.argument("urn", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Every issued agreement of the year, into one ZIP.")
@YEAR
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The PDF to write (a .zip with --all).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes for --all (default: one per core).")
@service_command
def pdf_command(urn: int | None, every: bool, year: int, output: Path, jobs: int | None) -> None:
    """Write a school's filled-in SLA as a PDF, or every agreement of the year into a ZIP."""
    if every == (urn is not None):
        raise ActionRefused("give either a school's URN or --all")
    if not output.parent.is_dir():
        raise ActionRefused(f"cannot write {output}: the folder {output.parent} does not exist")
    label = SlaYear(year).label
    sla_documents.ensure_default()
    if urn is not None:
        agreement = sla_documents.agreement_for_school(urn, year)
        data, _ = sla_documents.pdf_download(agreement)  # the accepted PDF, where the school accepted one
        output.write_bytes(data)
        click.echo(f"Wrote the {agreement.name} SLA ({agreement.status.replace('_', ' ')}) to {output}.")
        return
    if output.suffix.lower() != ".zip":
        raise ActionRefused(f"--all writes a ZIP archive: name the output something.zip, not {output.name}")
    workers = jobs or default_workers()
    with tqdm(unit="agreement", desc=f"SLA documents {label}") as bar:
        # The same function as the agreement_documents job (the SLA templates page, the API).
        written = write_year_zip(year, output, workers, progress=bar.update, total=bar.reset)
    click.echo(f"Wrote {written} {label} SLA document(s) to {output} using {min(workers, written)} process(es).")
