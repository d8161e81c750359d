"""The `invoices` commands: runs, the finance export, PDFs, payments and credit notes."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from flask.cli import AppGroup
from tqdm import tqdm

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

from contracts_app.cli.common import actor as _actor
from contracts_app.cli.common import parse_date as _date
from contracts_app.cli.common import service_command
from contracts_app.models import Invoice
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.invoicing.balances import InvoiceFilter
from contracts_app.services.invoicing.documents import export_to, invoice_pdf

invoices_group = AppGroup("invoices", help="Invoice runs, documents, payments and the finance export.")


def _invoice(number: str) -> Invoice:
    invoice = invoicing.by_number(number.strip())
    if invoice is None:
        raise ActionRefused(f"no invoice or credit note numbered {number}")
    return invoice


@invoices_group.command("run")
@click.option("--year", type=int, required=True, help="SLA year by its start: 2025 means 2025-26.")
@click.option("--term", required=True, help="summer or autumn.")
@click.option("--issue-date", required=True, help="The invoices' issue date (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Show what would be raised; write nothing.")
@service_command
def run_command(year: int, term: str, issue_date: str, dry_run: bool) -> None:
    """Raise the invoice run for a term: every billable period due that has no invoice yet."""
    when = _date(issue_date, "--issue-date")
    count = invoice_run.billable_count(year) if term in ("summer", "autumn") else 0
    with tqdm(total=count, unit="agreement", desc=f"{term} run", disable=count < 200) as bar:
        report = invoice_run.run(year, term, when, _actor(), dry_run=dry_run, progress=bar.update)
    verb = "Would raise" if dry_run else "Raised"
    click.echo(f"{verb} {report.count} invoice(s) for {SlaYear(year).label} {term} term, issue date "
               f"{when.isoformat()}: net £{report.total_net:,.2f}, gross £{report.total_gross:,.2f}.")
    if report.numbers:
        click.echo(f"  numbers {report.numbers[0]} to {report.numbers[-1]}")
    for customer_type, (n, net, gross) in report.by_customer_type().items():
        click.echo(f"  {customer_type}: {n} invoice(s), net £{net:,.2f}, gross £{gross:,.2f}")
    for code, (net, vat) in report.by_vat_code().items():
        click.echo(f"  VAT {code}: net £{net:,.2f}, VAT £{vat:,.2f}")
    for name, why in report.skipped:
        click.echo(f"  skipped {name}: {why}")


@invoices_group.command("export")
@click.option("--year", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--term", default="", help="Only this term.")
@service_command
def export_command(year: int, fmt: str, output: Path, term: str) -> None:
    """The finance export: one row per invoice line."""
    export_to(InvoiceFilter(year=year, term=term), fmt, output)
    click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes).")


@invoices_group.command("pdf")
@click.argument("number")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@service_command
def pdf_command(number: str, output: Path) -> None:
    """Write one invoice or credit note as a PDF."""
    invoice = _invoice(number)
    output.write_bytes(invoice_pdf(invoice))
    click.echo(f"Wrote {invoice.number} to {output}.")


@invoices_group.command("pay")
@click.argument("number")
@click.option("--amount", required=True)
@click.option("--date", "paid_on", required=True, help="Date received (YYYY-MM-DD).")
@click.option("--reference", default="")
@service_command
def pay_command(number: str, amount: str, paid_on: str, reference: str) -> None:
    """Record a payment against an invoice."""
    try:
        value = Decimal(amount.replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise click.BadParameter(f"{amount!r} is not an amount", param_hint="--amount") from None
    invoice = _invoice(number)
    invoicing.record_payment(invoice, value, _date(paid_on, "--date"), reference, _actor())
    state = invoicing.balance(invoice)
    click.echo(f"Recorded £{value:,.2f} against {invoice.number}; £{state.outstanding:,.2f} still owed "
               f"({state.status.replace('_', ' ')}).")


@invoices_group.command("credit")
@click.argument("number")
@click.option("--reason", required=True)
@click.option("--date", "issue_date", default=None, help="Issue date (default today).")
@service_command
def credit_command(number: str, reason: str, issue_date: str | None) -> None:
    """Credit the whole of what is left on an invoice."""
    invoice = _invoice(number)
    note = invoicing.issue_credit_note(invoice, reason, _actor(),
                                       _date(issue_date, "--date") if issue_date else date.today())
    click.echo(f"Issued {note.number} crediting £{-note.gross:,.2f} of {invoice.number}.")
