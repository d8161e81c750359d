"""Finance pages: invoice runs, the invoice list and page, payments, credit notes, exports."""
from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file,
                   stream_with_context, url_for)
from flask_login import current_user
from sqlalchemy import select

from invoices.vat import vat_summary
from pricing.sla_year import SlaYear

from contracts_app.access import can_see_school, roles_required
from contracts_app.extensions import db
from contracts_app.models import Invoice, InvoiceRun
from contracts_app.services.invoicing import runs as invoice_run, balances as invoicing
from pricing.errors import ActionRefused
from contracts_app.services.invoicing.documents import export_stream, export_to, invoice_pdf
from contracts_app.services.invoicing.balances import InvoiceFilter
from contracts_app.web.invoicing.forms import CreditForm, PaymentForm, RunForm

bp = Blueprint("invoicing", __name__, url_prefix="/invoices")
STATUS_NAMES = {"unpaid": "Unpaid", "part_paid": "Part paid", "paid": "Paid", "credited": "Credited",
                "overdue": "Overdue", "credit_note": "Credit note"}


@bp.app_template_filter("pay_status")
def pay_status(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def _filter() -> InvoiceFilter:
    args = request.args
    school_ids = current_user.school_ids() if current_user.role == "school" else None
    return InvoiceFilter(year=args.get("year", type=int), term=args.get("term", ""), status=args.get("status", ""),
                         customer_type=args.get("type", ""), q=args.get("q", ""), kind=args.get("kind", ""),
                         school_ids=school_ids)


def _invoice(number: str) -> Invoice:
    invoice = db.session.scalar(select(Invoice).where(Invoice.number == number.upper()))
    if invoice is None or not can_see_school(invoice.school_id):
        abort(404)
    return invoice


@bp.route("/")
@roles_required("finance", "sla", "school")
def index():
    f = _filter()
    result, balances = invoicing.list_invoices(f, request.args.get("page", 1, type=int),
                                               current_app.config["PAGE_SIZE"])
    count, gross = invoicing.totals(f)
    return render_template("invoicing/index.html", result=result, balances=balances, count=count, gross=gross,
                           args=request.args, statuses=STATUS_NAMES)


@bp.route("/export")
@roles_required("finance", "sla")
def export_file():
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
def show(number: str):
    invoice = _invoice(number)
    state = invoicing.balance(invoice)
    breakdown = vat_summary(((l.vat_code, l.net) for l in invoice.lines), {l.vat_code: l.vat_rate for l in invoice.lines})
    credited = invoicing.credited_by_line(invoice) if invoice.kind == "invoice" else {}
    return render_template("invoicing/show.html", invoice=invoice, state=state, breakdown=breakdown,
                           credited=credited, payment_form=PaymentForm(paid_on=date.today()),
                           credit_form=CreditForm(issue_date=date.today()),
                           finance=current_user.role in ("admin", "finance"))


@bp.route("/<number>/pdf")
@roles_required("finance", "sla", "school")
def pdf(number: str):
    invoice = _invoice(number)
    return Response(invoice_pdf(invoice), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={invoice.number}.pdf"})


@bp.route("/<number>/payments", methods=["POST"])
@roles_required("finance")
def record_payment(number: str):
    invoice = _invoice(number)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            invoicing.record_payment(invoice, form.amount.data, form.paid_on.data, form.reference.data or "",
                                     current_user.email)
            flash(f"Payment of £{form.amount.data:,.2f} recorded against {invoice.number}.", "success")
        except ActionRefused as exc:
            db.session.rollback()
            flash(f"Payment not recorded: {exc.message}", "error")
    else:
        for name, errors in form.errors.items():
            flash(f"Payment not recorded: {getattr(form, name).label.text}: {'; '.join(errors)}", "error")
    return redirect(url_for(".show", number=invoice.number))


@bp.route("/<number>/credit", methods=["POST"])
@roles_required("finance")
def credit(number: str):
    invoice = _invoice(number)
    form = CreditForm()
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            flash(f"No credit note issued: {getattr(form, name).label.text}: {'; '.join(errors)}", "error")
        return redirect(url_for(".show", number=invoice.number))
    amounts: dict[int, Decimal] | None = None
    if request.form.get("scope") == "lines":
        amounts = {}
        for line in invoice.lines:
            raw = request.form.get(f"line-{line.id}", "").strip().lstrip("£").replace(",", "")
            if not raw:
                continue
            try:
                amounts[line.id] = Decimal(raw)
            except InvalidOperation:
                flash(f"No credit note issued: line {line.position}: {raw!r} is not an amount.", "error")
                return redirect(url_for(".show", number=invoice.number))
        if not amounts:
            flash("No credit note issued: enter an amount against at least one line.", "error")
            return redirect(url_for(".show", number=invoice.number))
    try:
        note = invoicing.issue_credit_note(invoice, form.reason.data, current_user.email, form.issue_date.data,
                                           amounts)
        flash(f"Credit note {note.number} issued for £{-note.gross:,.2f}.", "success")
        return redirect(url_for(".show", number=note.number))
    except ActionRefused as exc:
        db.session.rollback()
        flash(f"No credit note issued: {exc.message}", "error")
        return redirect(url_for(".show", number=invoice.number))


@bp.route("/runs", methods=["GET", "POST"])
@roles_required("finance")
def runs():
    form = RunForm(year=request.args.get("year", SlaYear.containing(date.today()).start_year, type=int),
                   term=request.args.get("term", "summer"), issue_date=date.today())
    preview = None
    if request.method == "GET" and request.args.get("preview"):
        form = RunForm(request.args, meta={"csrf": False})
        if form.validate():
            try:
                preview = invoice_run.run(form.year.data, form.term.data, form.issue_date.data, current_user.email,
                                          dry_run=True)
            except ActionRefused as exc:
                form.term.errors.append(exc.message)
    elif form.validate_on_submit():
        try:
            report = invoice_run.run(form.year.data, form.term.data, form.issue_date.data, current_user.email)
            flash(f"{report.count} invoice(s) issued, £{report.total_gross:,.2f} gross"
                  + (f" ({report.numbers[0]} to {report.numbers[-1]})" if report.numbers else
                     ": everything due was already invoiced") + ".", "success")
            return redirect(url_for(".index", year=form.year.data, term=form.term.data))
        except ActionRefused as exc:
            db.session.rollback()
            form.term.errors.append(exc.message)
    history = db.session.scalars(select(InvoiceRun).order_by(InvoiceRun.started_at.desc()).limit(20)).all()
    return render_template("invoicing/runs.html", form=form, preview=preview, history=history)


@bp.route("/aged-debt")
@roles_required("finance")
def aged_debt():
    year = request.args.get("year", type=int)
    rows = invoicing.aged_debt(date.today(), year)
    buckets = ("current", "1-30", "31-60", "61-90", "90+")
    totals = {b: sum((r[b] for r in rows), Decimal("0.00")) for b in (*buckets, "total")}
    return render_template("invoicing/aged_debt.html", rows=rows, buckets=buckets, totals=totals, year=year)
