"""Finance pages: invoice runs, the invoice list and page, payments, credit notes, exports."""
from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file,
                   stream_with_context, url_for)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from invoices.due import AGE_BUCKETS
from invoices import bounds
from pricing.errors import ActionRefused
from servicedesk.period import long_date

from contracts_app.access import may_see_invoice, roles_required
from contracts_app.models import Invoice
from contracts_app.services.invoicing import balances as invoicing, runs as invoice_run
from contracts_app.services.invoicing.documents import export_stream, export_to, invoice_pdf
from contracts_app.services.invoicing import listing
from contracts_app.services.invoicing.balances import InvoiceFilter
from contracts_app.services.invoicing import aged_debt as aged_debt_service
from contracts_app.web.args import id_arg, sort_arg, trust_arg, unknown_trust, year_arg
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.invoicing import payments as payment_views
from contracts_app.web.invoicing import runs as run_views
from contracts_app.web.invoicing.forms import CreditForm, PaymentForm
from contracts_app.services.invoicing import overview
from contracts_app.web.invoicing.forms import EInvoiceZipForm, ReverseForm
from invoices.debt_chart import aged_debt_svg
from contracts_app.services.invoicing.credit_preview import credit_lines_preview
from contracts_app.services import jobs
from contracts_app.services.invoicing import ubl, ubl_check
from contracts_app.services.jobs import einvoices as einvoice_jobs

bp = Blueprint("invoicing", __name__, url_prefix="/invoices")
STATUS_NAMES = {"unpaid": "Unpaid", "part_paid": "Part paid", "paid": "Paid", "credited": "Credited",
                "overdue": "Overdue", "credit_note": "Credit note", "outstanding": "Still owed (any balance)"}


@bp.app_template_filter("pay_status")
def pay_status(status: str) -> str:
    """The payment status as the pages name it."""
    return STATUS_NAMES.get(status, status)


def _filter() -> InvoiceFilter:
    args = request.args
    school_ids = current_user.school_ids() if current_user.role == "school" else None
    return InvoiceFilter(year=year_arg(), term=args.get("term", ""), status=args.get("status", ""),
                         customer_type=args.get("type", ""), q=args.get("q", ""), kind=args.get("kind", ""),
                         school_ids=school_ids, viewer_trust_id=current_user.trust_id, run_id=id_arg("run"),
                         trust_code=trust_arg())


def _invoice(number: str) -> Invoice:
    invoice = invoicing.by_number(number)
    if invoice is None or not may_see_invoice(invoice):
        abort(404)
    return invoice


@bp.route("/")
@roles_required("finance", "sla", "school")
def index() -> ResponseReturnValue:
    """The invoice list, filtered, with the count and gross of everything the filter matches."""
    sort = sort_arg(listing.KEYS, "issued", descending=True)
    listed = invoicing.invoice_list(_filter(), request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"],
                                    sort)
    return render_template("invoicing/index.html", result=listed.result, balances=listed.balances, sort=sort,
                           unknown_trust=unknown_trust(trust_arg()),
                           count=listed.count, gross=listed.gross, args=request.args, statuses=STATUS_NAMES)


@bp.route("/export")
@roles_required("finance", "sla")
def export_file() -> ResponseReturnValue:
    """The filtered invoices' lines as CSV (streamed) or XLSX."""
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(400, description="The export format is csv or xlsx.")
    f = _filter()
    name = f"invoices-{f.year or 'all'}{'-' + f.term if f.term else ''}.{fmt}"
    headers = {"Content-Disposition": f"attachment; filename={name}"}
    if fmt == "csv":
        # Streamed: a national export is far bigger than anything worth holding in memory.
        return Response(stream_with_context(export_stream(f)), mimetype="text/csv", headers=headers)
    spool = tempfile.TemporaryFile()
    export_to(f, "xlsx", spool)
    spool.seek(0)
    return send_file(spool, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     as_attachment=True, download_name=name)


@bp.route("/<number>")
@roles_required("finance", "sla", "school")
def show(number: str) -> ResponseReturnValue:
    """One invoice or credit note, with its balance and the payment and credit forms."""
    invoice = _invoice(number)
    summary = invoicing.summary(invoice)
    return render_template("invoicing/show.html", invoice=invoice, state=summary.state, breakdown=summary.breakdown,
                           credited=summary.credited, payment_form=PaymentForm(paid_on=date.today()),
                           credit_form=CreditForm(issue_date=date.today()),
                           reverse_form=ReverseForm(reversed_on=date.today()),
                           finance=current_user.role in ("admin", "finance"))


@bp.route("/<number>/pdf")
@roles_required("finance", "sla", "school")
def pdf(number: str) -> ResponseReturnValue:
    """The invoice or credit note as sent (PDF)."""
    invoice = _invoice(number)
    return Response(invoice_pdf(invoice), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={invoice.number}.pdf"})


@bp.route("/<number>/ubl")
@roles_required("finance", "sla", "school")
def ubl_file(number: str) -> ResponseReturnValue:
    """The invoice or credit note as an e-invoice (UBL 2.1, Peppol BIS Billing 3.0)."""
    invoice = _invoice(number)
    try:
        xml = ubl.invoice_ubl(invoice)
    except ubl.EInvoiceRefused as exc:
        flash(f"The e-invoice cannot be written: {exc}.", "error")
        return redirect(url_for(".show", number=invoice.number))
    return Response(xml, mimetype="application/xml",
                    headers={"Content-Disposition": f"attachment; filename={invoice.number}.xml"})


@bp.route("/einvoice-check", methods=["GET", "POST"])
@roles_required("finance")
def einvoice_check() -> ResponseReturnValue:
    """A chosen run's e-invoices checked (GET ?run=ID), or every one of them as a ZIP job (POST)."""
    run_id = id_arg("run")
    if request.method == "POST":
        if not EInvoiceZipForm().validate_on_submit() or run_id is None:
            abort(400)
        try:
            job = jobs.start(einvoice_jobs.KIND, {"run_id": run_id}, current_user)
        except ActionRefused as exc:
            flash(exc.message, "error")
            return redirect(url_for(".einvoice_check", run=run_id))
        return redirect(url_for("jobs.show", job_id=job.id))
    result = None
    if run_id is not None:
        try:
            result = ubl_check.check_run(run_id)
        except ubl.EInvoiceRefused as exc:
            flash(f"{exc}.", "error")
    return render_template("invoicing/einvoice_check.html", runs=invoice_run.recent_runs(), run_id=run_id,
                           result=result, form=EInvoiceZipForm())


@bp.route("/<number>/payments", methods=["POST"])
@roles_required("finance")
def record_payment(number: str) -> ResponseReturnValue:
    """Record money received against the invoice."""
    invoice = _invoice(number)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            invoicing.record_payment(invoice, form.amount.data, form.paid_on.data, form.reference.data or "",
                                     current_user.email)
            flash(f"Payment of £{form.amount.data:,.2f} recorded against {invoice.number}.", "success")
        except ActionRefused as exc:
            flash(f"Payment not recorded: {exc.message}", "error")
    else:
        for name, errors in form.errors.items():
            flash(f"Payment not recorded: {getattr(form, name).label.text}: {'; '.join(errors)}", "error")
    return redirect(url_for(".show", number=invoice.number))


def _line_amounts(invoice: Invoice) -> tuple[dict[int, Decimal] | None, str | None]:
    """The amounts typed against the invoice's lines (None: credit the whole), or why they are refused."""
    if request.form.get("scope") != "lines":
        return None, None
    amounts: dict[int, Decimal] = {}
    for line in invoice.lines:
        raw = request.form.get(f"line-{line.id}", "").strip()
        if not raw:
            continue
        try:
            amounts[line.id] = bounds.amount(raw, f"line {line.position}")
        except ActionRefused as exc:
            return None, f"{exc.message}."
    if not amounts:
        return None, "enter an amount against at least one line."
    return amounts, None


@bp.route("/<number>/credit", methods=["POST"])
@roles_required("finance")
def credit(number: str) -> ResponseReturnValue:
    """Issue a credit note against the invoice: the whole of what is left, or chosen lines' amounts,
    once the confirmation page has said how much; a repeated confirmation issues nothing twice."""
    invoice = _invoice(number)
    form = CreditForm()
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            flash(f"No credit note issued: {getattr(form, name).label.text}: {'; '.join(errors)}", "error")
        return redirect(url_for(".show", number=invoice.number))
    amounts, refusal = _line_amounts(invoice)
    if refusal:
        flash(f"No credit note issued: {refusal}", "error")
        return redirect(url_for(".show", number=invoice.number))
    try:
        credited = str(invoicing.balance(invoice).credited)
        if not confirmed():
            return _credit_confirmation(invoice, invoicing.credit_preview(invoice, form.reason.data, amounts),
                                        form, credited)
        if request.form.get("credited_before") != credited:
            raise ActionRefused(f"{invoice.number} has been credited since you confirmed; look again")
        note = invoicing.issue_credit_note(invoice, form.reason.data, current_user.email, form.issue_date.data,
                                           amounts)
        flash(f"Credit note {note.number} issued for £{-note.gross:,.2f}.", "success")
        return redirect(url_for(".show", number=note.number))
    except ActionRefused as exc:
        flash(f"No credit note issued: {exc.message}", "error")
        return redirect(url_for(".show", number=invoice.number))


def _credit_confirmation(invoice: Invoice, gross: Decimal, form: CreditForm, credited: str) -> ResponseReturnValue:
    fields = [(name, value) for name, values in request.form.lists()
              if name not in ("csrf_token", "confirmed", "submit", "credited_before") for value in values]
    return confirmation_page(
        title=f"Issue a credit note against {invoice.number}?",
        lead=f"A credit note of £{gross:,.2f} (gross) against {invoice.number}, {invoice.customer_name}.",
        consequences=[f"It credits £{gross:,.2f} of the invoice's £{invoice.gross:,.2f}.",
                      *credit_lines_preview(invoice, _line_amounts(invoice)[0]),
                      f"Dated {long_date(form.issue_date.data)}; reason: {form.reason.data.strip()}.",
                      "It takes the next credit-note number; issued notes never change."],
        action=url_for(".credit", number=invoice.number), back=url_for(".show", number=invoice.number),
        button=f"credit £{gross:,.2f}", fields=fields + [("credited_before", credited)])


@bp.route("/aged-debt")
@roles_required("finance")
def aged_debt() -> ResponseReturnValue:
    """What customers owe, in age buckets past the due dates; ?trust=CODE: one trust's (issue #29)."""
    year, trust = year_arg(), trust_arg() or None
    sort = sort_arg(aged_debt_service.SORT_KEYS, "")
    try:
        rows, totals = aged_debt_service.aged_debt_report(date.today(), year, trust, sort)
    except ActionRefused as exc:
        abort(400, description=exc.message)
    return render_template("invoicing/aged_debt.html", rows=rows, buckets=AGE_BUCKETS, totals=totals, year=year,
                           trust=trust or "", sort=sort)


# -- payments, reversals, the bank-file import, aged debt as a file (issue #20) ----------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# pygal's SVG styles itself inline and its script must never run (as the KPI chart).
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _format() -> str:
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(400, description="The export format is csv or xlsx.")
    return fmt


def _file(data: bytes, fmt: str, name: str) -> Response:
    return Response(data, mimetype="text/csv" if fmt == "csv" else XLSX,
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


# Payments: listed, filtered, imported, exported and reversed (web/invoicing/payments.py).
for _rule, _view, _methods in (("/payments", payment_views.payments, ["GET"]),
                               ("/payments/import", payment_views.import_payments, ["POST"]),
                               ("/payments/export", payment_views.export_payments, ["GET"]),
                               ("/payments/<int:payment_id>/reverse", payment_views.reverse_payment, ["POST"])):
    bp.add_url_rule(_rule, view_func=roles_required("finance")(_view), methods=_methods)
# The invoice runs page (web/invoicing/runs.py).
bp.add_url_rule("/runs", view_func=roles_required("finance")(run_views.runs), methods=["GET", "POST"])


@bp.route("/aged-debt/export")
@roles_required("finance")
def aged_debt_export() -> ResponseReturnValue:
    """The aged-debt table as CSV or a typed XLSX."""
    fmt = _format()
    try:
        content = overview.aged_debt_file(fmt, date.today(), year_arg(), trust_arg() or None,
                                          sort_arg(aged_debt_service.SORT_KEYS, ""))
    except ActionRefused as exc:
        abort(400, description=exc.message)
    return _file(content, fmt, f"aged-debt-{date.today().isoformat()}")


@bp.route("/aged-debt/chart.svg")
@roles_required("finance")
def aged_debt_chart() -> ResponseReturnValue:
    """What is owed per age bucket, as the finance home page's chart."""
    response = Response(aged_debt_svg(overview.aged_debt_totals()), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_CSP  # kept by the app's after_request (setdefault)
    response.headers["Cache-Control"] = "private, max-age=60"
    return response
