"""Invoices and credit notes: the list, one by number, its PDF, and recording a payment."""
from __future__ import annotations

import re

from flask import Response
from flask_login import current_user

from pricing.sla_year import SlaYear

from contracts_app.api.auth import allow, own_school_ids
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import not_found
from contracts_app.api.schemas.invoices import (
    InvoiceArgs,
    InvoiceDetailSchema,
    InvoicePageSchema,
    PaymentRequestSchema,
    PaymentResultSchema,
)
from contracts_app.models import Invoice
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing.balances import Balance, InvoiceFilter
from contracts_app.services.invoicing.documents import invoice_pdf

TAGS = ["Invoices"]
NUMBER = re.compile(r"^[A-Za-z0-9-]{1,20}$")
PDF = {"type": "string", "format": "binary"}


def _invoice(number: str) -> Invoice:
    """The invoice or credit note by number; another school's is 'not found' to a school user."""
    if not NUMBER.match(number):
        raise not_found(f"no invoice {number!r}")
    invoice = invoicing.by_number(number)
    ids = own_school_ids()
    if invoice is None or (ids is not None and invoice.school_id not in ids):
        raise not_found(f"no invoice {number}")
    return invoice


def invoice_dict(invoice: Invoice, state: Balance, detail: bool = False) -> dict:
    """The export's columns for the invoice (DESIGN §4), its balance and its lines."""
    data = {
        "invoice_number": invoice.number, "kind": invoice.kind, "school_urn": invoice.school_urn,
        "school_name": invoice.customer_name, "customer_type": invoice.customer_type,
        "sla_year": SlaYear(invoice.sla_year).label, "term": invoice.term, "period_start": invoice.period_start,
        "period_end": invoice.period_end, "issue_date": invoice.issue_date, "due_date": invoice.due_date,
        "invoice_net": invoice.net, "invoice_vat": invoice.vat, "invoice_gross": invoice.gross,
        "status": state.status, "overdue": state.overdue, "paid": state.paid, "credited": state.credited,
        "outstanding": state.outstanding, "po_number": invoice.po_number, "description": invoice.description,
        "agreement_id": invoice.agreement_id,
        "credited_invoice_number": invoice.credited_invoice.number if invoice.credited_invoice_id else None,
        "lines": [{"position": l.position, "service_code": l.service_code, "description": l.description,
                   "explanation": l.explanation, "quantity": l.quantity, "unit_price": l.unit_price, "net": l.net,
                   "vat_code": l.vat_code, "vat_rate": l.vat_rate} for l in invoice.lines],
    }
    if detail:
        data["payments"] = [{"paid_on": p.paid_on, "amount": p.amount, "reference": p.reference}
                            for p in invoice.payments]
        data["credit_notes"] = [c.number for c in invoice.credit_notes]
    return data


@bp.route("/invoices", tags=TAGS)
@allow("sla", "finance", "school")
@bp.arguments(InvoiceArgs, location="query")
@bp.response(200, InvoicePageSchema)
def list_invoices(args: dict) -> dict:
    """Invoices and credit notes

    Filtered by SLA year, term, payment status (outstanding: any balance), kind, school
    (URN) and invoice run, newest first.
    Each item carries the finance export's columns for the invoice, its balance and
    its lines. A school user sees its own school's only.
    """
    f = InvoiceFilter(year=args.get("year"), term=args.get("term", ""), status=args.get("status", ""),
                      kind=args.get("kind", ""), q=args.get("q", ""), school_ids=own_school_ids(),
                      urn=args.get("urn"), run_id=args.get("run"))
    result, balances = invoicing.list_invoices(f, args["page"], args["per_page"], with_lines=True)
    return {"items": [invoice_dict(i, balances[i.id]) for i in result.items], "page": result.page,
            "per_page": result.per_page, "total": result.total, "pages": result.pages}


@bp.route("/invoices/<string(maxlength=20):number>", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, InvoiceDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_invoice(number: str) -> dict:
    """One invoice or credit note by number

    With its lines, balance, payments and credit notes. Another school's invoice is
    404 to a school user.
    """
    invoice = _invoice(number)
    return invoice_dict(invoice, invoicing.balance(invoice), detail=True)


@bp.route("/invoices/<string(maxlength=20):number>/pdf", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, PDF, content_type="application/pdf", description="The invoice or credit note as issued.")
@bp.alt_response(404, response="NOT_FOUND")
def get_invoice_pdf(number: str) -> Response:
    """The invoice or credit note (PDF)"""
    invoice = _invoice(number)
    return Response(invoice_pdf(invoice), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={invoice.number}.pdf"})


@bp.route("/invoices/<string(maxlength=20):number>/payments", methods=["POST"], tags=TAGS)
@allow("finance")
@bp.arguments(PaymentRequestSchema)
@bp.response(201, PaymentResultSchema, description="Payment recorded.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def record_payment(args: dict, number: str) -> dict:
    """Record a payment received

    Against an invoice (not a credit note), never more than is still owed. An
    invoice cancelled by credit note takes no payments (409).
    """
    invoice = _invoice(number)
    payment = invoicing.record_payment(invoice, args["amount"], args["paid_on"], args["reference"],
                                       current_user.email)
    state = invoicing.balance(invoice)  # the commit expired the invoice: its payments are read afresh
    return {"invoice_number": invoice.number, "paid_on": payment.paid_on, "amount": payment.amount,
            "reference": payment.reference, "status": state.status, "paid": state.paid,
            "outstanding": state.outstanding}
