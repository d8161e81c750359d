"""The `invoices` commands: runs, the finance export, PDFs, payments and credit notes."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from tqdm import tqdm

from invoices import bounds
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
from contracts_app.services.invoicing.ubl import EInvoiceRefused, invoice_ubl
from contracts_app.services.invoicing.ubl_check import RunCheck, check_run
from contracts_app.services.invoicing import overview, payments as payment_service, payments_import
from contracts_app.services.register.trusts import by_code

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
    for urn, name in report.no_invoice_contact:
        click.echo(f"  nobody receives invoices by email for {name} ({urn}): add an invoice contact")


@invoices_group.command("export")
@click.option("--year", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--term", default="", help="Only this term.")
@click.option("--trust", "trust_code", default="", help="Only the invoices on this trust's statement (GIAS code).")
@service_command
def export_command(year: int, fmt: str, output: Path, term: str, trust_code: str) -> None:
    """The finance export: one row per invoice line, with the trust columns."""
    if trust_code and by_code(trust_code) is None:
        raise ActionRefused(f"--trust: no trust with code {trust_code[:20]!r}; nothing was written")
    export_to(InvoiceFilter(year=year, term=term, trust_code=trust_code), fmt, output)
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


@invoices_group.command("ubl")
@click.argument("number", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the XML.")
@click.option("--check", "run_id", type=click.IntRange(1, 2**31 - 1), help="Check every e-invoice of this run.")
@service_command
def ubl_command(number: str | None, output: Path | None, run_id: int | None) -> None:
    """Write one invoice or credit note as an e-invoice (UBL 2.1, Peppol BIS 3.0), or check a run's.

    `invoices ubl NUMBER -o FILE`; `invoices ubl --check RUN` exits 1 when any invoice fails."""
    if run_id is not None:
        if number or output:
            raise ActionRefused("give either NUMBER -o FILE or --check RUN, not both")
        try:
            result = check_run(run_id)
        except EInvoiceRefused as exc:
            raise ActionRefused(str(exc)) from None
        _report_check(result)
        return
    if not number or output is None:
        raise ActionRefused("give an invoice NUMBER and -o FILE (or --check RUN)")
    invoice = _invoice(number)
    try:
        output.write_bytes(invoice_ubl(invoice))
    except EInvoiceRefused as exc:
        raise ActionRefused(f"{invoice.number}: the e-invoice cannot be written: {exc}") from None
    except OSError as exc:
        raise ActionRefused(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"Wrote {invoice.number} to {output}.")


def _report_check(result: RunCheck) -> None:
    click.echo(f"Run {result.run_id}: {result.passed} of {result.checked} e-invoice(s) pass "
               f"({', '.join(result.checks)}); {result.warnings} warning(s).")
    for skipped in result.skipped:
        click.echo(f"  not run: {skipped} - set EINVOICE_RULES_DIR to the folder of the official rules")
    for number, failures in result.failures.items():
        for failure in failures:
            click.echo(f"  {number} {failure.check} {failure.rule}: {failure.message}")
    if result.failures:
        raise click.exceptions.Exit(1)


@invoices_group.command("pay")
@click.argument("number")
@click.option("--amount", required=True)
@click.option("--date", "paid_on", required=True, help="Date received (YYYY-MM-DD).")
@click.option("--reference", default="")
@service_command
def pay_command(number: str, amount: str, paid_on: str, reference: str) -> None:
    """Record a payment against an invoice."""
    value = bounds.amount(amount, "--amount")  # NaN, Infinity, 1e400, 0.001, -5: refused, exit 1
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


# -- payments after they are recorded (issue #20) ---------------------------------------------

payments_group = AppGroup("payments", help="Payments: list, reverse a wrong one, import a bank file, export.")
invoices_group.add_command(payments_group)


@payments_group.command("list")
@click.option("--invoice", "number", default=None, help="Only this invoice's payments.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@service_command
def payments_list_command(number: str | None, limit: int) -> None:
    """Payments and reversals, newest first, with the ids `payments reverse` takes."""
    if number:
        _invoice(number)
    rows = payment_service.list_payments(number, limit=limit)
    if not rows:
        click.echo("No payments" + (f" on {number.upper()}." if number else "."))
    for r in rows:
        state = f"reversed by {r.reversed_by_id}" if r.reversed else (f"reverses {r.reverses_id}" if r.reverses_id else "")
        click.echo(f"{r.id:>8}  {r.paid_on.isoformat()}  {r.invoice_number}  £{r.amount:>12,.2f}  {r.method_name:<11}  "
                   f"{r.reference}" + (f"  [{state}]" if state else ""))


@payments_group.command("reverse")
@click.argument("payment_id", type=int)
@click.option("--reason", required=True, help="Why the payment is reversed (audited).")
@click.option("--date", "on", default=None, help="Date of the reversal (YYYY-MM-DD, default today).")
@service_command
def payments_reverse_command(payment_id: int, reason: str, on: str | None) -> None:
    """Reverse a payment recorded wrongly: a reversing entry; the payment stays on record."""
    payment = payment_service.payment_by_id(payment_id)
    if payment is None:
        raise ActionRefused(f"no payment with id {payment_id} (see `invoices payments list`)")
    number = payment.invoice.number
    reversal = payment_service.reverse_payment(payment, reason, _actor(), _date(on, "--date"))
    state = invoicing.balance(invoicing.by_number(number))
    click.echo(f"Reversed payment {payment_id} (entry {reversal.id}): £{-reversal.amount:,.2f} is owed again on "
               f"{number}; £{state.outstanding:,.2f} outstanding.")


@payments_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def payments_import_command(file: Path) -> None:
    """A bank or remittance file (date,amount,reference[,invoice_number]): all or nothing, never twice."""
    report = payments_import.import_payments(file, file.name, _actor())
    click.echo(f"Payments from {file.name}: {report.summary()}.")


@payments_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--invoice", "number", default=None, help="Only this invoice's payments.")
@service_command
def payments_export_command(fmt: str, output: Path, number: str | None) -> None:
    """Every payment and reversal: date, amount, invoice, school, reference, method, reversed."""
    output.write_bytes(payment_service.export_payments(fmt, number))
    click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes).")


@invoices_group.command("aged-debt")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--year", type=int, default=None, help="Only invoices of this SLA year.")
@click.option("--trust", "trust_code", default=None, help="Only invoices issued in this trust (GIAS code).")
@service_command
def aged_debt_command(fmt: str, output: Path, year: int | None, trust_code: str | None) -> None:
    """What each customer owes, by age bucket and the trust its invoices were issued in, as CSV or XLSX."""
    output.write_bytes(overview.aged_debt_file(fmt, date.today(), year, trust_code))
    click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes).")
