"""Payments pages (finance): the list, paged, filtered and sorted (issue #30), its export of exactly what is
filtered, the bank-file upload and the reversal. ``routes.py`` registers these views on the invoicing blueprint
with the finance role, so this module needs nothing from it and there is no import circle."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused
from servicedesk.period import long_date

from contracts_app.services.invoicing import payments as payment_service
from contracts_app.services.invoicing.payments import PaymentFilter
from contracts_app.services.jobs.imports import import_or_queue
from pricing.spreadsheet import MEDIA_TYPES
from contracts_app.web.args import sort_arg
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.invoicing.forms import PaymentsImportForm, ReverseForm

REVERSED = {"": "All", "no": "Standing (not reversed)", "yes": "Reversed, and their reversing entries"}


def _date(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"{name} must be a date as YYYY-MM-DD, not {raw[:40]!r}")


def _filter() -> PaymentFilter:
    """The page's filters from its URL; a date or choice it cannot read is a 400 naming it."""
    reversed_ = request.args.get("reversed", "").strip()
    if reversed_ not in REVERSED:
        abort(400, description=f"reversed must be yes or no, not {reversed_[:40]!r}")
    f = PaymentFilter(invoice=request.args.get("invoice", "").strip()[:20], school=request.args.get("school", "")
                      .strip()[:100], paid_from=_date("from"), paid_to=_date("to"), reversed=reversed_)
    if f.paid_from and f.paid_to and f.paid_from > f.paid_to:
        abort(400, description=f"from ({f.paid_from:%d/%m/%Y}) is after to ({f.paid_to:%d/%m/%Y})")
    return f


def _page(form: PaymentsImportForm, report=None, problems=None) -> ResponseReturnValue:
    f, sort = _filter(), sort_arg(payment_service.SORT_KEYS, "date", descending=True)
    result = payment_service.payments_page(f, sort, request.args.get("page", 1, type=int),
                                            current_app.config["PAGE_SIZE"])
    return render_template("invoicing/payments.html", result=result, f=f, sort=sort, reversed_choices=REVERSED,
                           form=form, report=report, problems=problems)


def payments() -> ResponseReturnValue:
    """Payments and reversals, newest first, filtered by invoice, school, dates and reversal; the upload."""
    return _page(PaymentsImportForm())


def import_payments() -> ResponseReturnValue:
    """A bank or remittance file: all or nothing, and a line imported before is not paid again."""
    form = PaymentsImportForm()
    report = problems = None
    if form.validate_on_submit():
        report, problems, job = import_or_queue("import_payments", form.file.data, current_user)
        if job is not None:  # a long file: imported by the job queue, its page shows the bar
            return redirect(url_for("jobs.show", job_id=job.id))
        if report is not None:
            flash(f"Payments imported from {report.source}: {report.summary()}.", "success")
    return _page(form, report=report, problems=problems)


def export_payments() -> ResponseReturnValue:
    """The payments the page's filters find, in its order, as CSV or a typed XLSX."""
    fmt = request.args.get("format", "csv")
    if fmt not in MEDIA_TYPES:
        abort(400, description="The export format is csv or xlsx.")
    f, sort = _filter(), sort_arg(payment_service.SORT_KEYS, "date", descending=True)
    name = f"payments-{f.invoice or 'all'}-{date.today().isoformat()}.{fmt}"
    return Response(payment_service.export_payments(fmt, f=f, sort=sort), mimetype=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def reverse_payment(payment_id: int) -> ResponseReturnValue:
    """Reverse a payment recorded wrongly, once the confirmation page has said what follows."""
    payment = payment_service.payment_by_id(payment_id)
    if payment is None:
        abort(404)
    invoice = payment.invoice
    form, back = ReverseForm(), url_for(".show", number=invoice.number)
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            flash(f"Payment not reversed: {getattr(form, name).label.text}: {'; '.join(errors)}", "error")
        return redirect(back)
    if not confirmed():
        return confirmation_page(
            title=f"Reverse payment {payment.id} on {invoice.number}?",
            lead=f"A reversing entry of -£{payment.amount:,.2f} against {invoice.number}, {invoice.customer_name}.",
            consequences=[f"The £{payment.amount:,.2f} received on {long_date(payment.paid_on)} "
                          f"({payment.reference or 'no reference'}) is owed again.",
                          f"Dated {long_date(form.reversed_on.data)}; reason: {form.reason.data.strip()}.",
                          "The payment stays on record with its reversal beside it, both in the audit trail."],
            action=url_for(".reverse_payment", payment_id=payment.id), back=back,
            button=f"reverse £{payment.amount:,.2f}")
    try:
        payment_service.reverse_payment(payment, form.reason.data, current_user.email, form.reversed_on.data)
        flash(f"Payment {payment_id} reversed: £{payment.amount:,.2f} is owed again on {invoice.number}.", "success")
    except ActionRefused as exc:
        flash(f"Payment not reversed: {exc.message}", "error")
    return redirect(back)
