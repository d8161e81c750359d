"""Invoices and credit notes: the list, one by number, its PDF, and recording a payment."""
from __future__ import annotations

import re

from flask import Response
from flask_login import current_user

from pricing.sla_year import SlaYear

from contracts_app.access import may_see_invoice
from contracts_app.api.auth import allow, own_school_ids
from contracts_app.api.blueprint import bp
from contracts_app.api.trusts import known_trust
from contracts_app.api.errors import ApiError, not_found
from contracts_app.api.schemas.invoices import (
    InvoiceArgs,
    InvoiceDetailSchema,
    InvoicePageSchema,
    PaymentRequestSchema,
    PaymentListArgs,
    PaymentListSchema,
    PaymentResultSchema,
    ReversalRequestSchema,
    ReversalResultSchema,
)
from contracts_app.models import Invoice, Payment
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing.balances import Balance, InvoiceFilter
from contracts_app.services.invoicing.documents import invoice_pdf
from contracts_app.services.invoicing.ubl import EInvoiceRefused, invoice_ubl
from contracts_app.services.invoicing import payments as payment_service
from contracts_app.services.register import belonging

TAGS = ["Invoices"]
NUMBER = re.compile(r"^[A-Za-z0-9-]{1,20}$")
PDF = {"type": "string", "format": "binary"}
UBL = {"type": "string", "description": "A UBL 2.1 Invoice or CreditNote document (Peppol BIS Billing 3.0)."}


def _invoice(number: str) -> Invoice:
    """The invoice or credit note by number; another school's is 'not found' to a school user."""
    if not NUMBER.match(number):
        raise not_found(f"no invoice {number!r}")
    invoice = invoicing.by_number(number)
    if invoice is None or not may_see_invoice(invoice):
        raise not_found(f"no invoice {number}")
    return invoice


def invoice_dict(invoice: Invoice, state: Balance, trust: tuple[str, str] | None, detail: bool = False) -> dict:
    """The export's columns for the invoice (DESIGN §4), its balance and its lines."""
    data = {
        "invoice_number": invoice.number, "kind": invoice.kind, "school_urn": invoice.school_urn,
        "school_name": invoice.customer_name, "customer_type": invoice.customer_type,
        "sla_year": SlaYear(invoice.sla_year).label, "term": invoice.term, "period_start": invoice.period_start,
        "period_end": invoice.period_end, "issue_date": invoice.issue_date, "due_date": invoice.due_date,
        "invoice_net": invoice.net, "invoice_vat": invoice.vat, "invoice_gross": invoice.gross,
        "status": state.status, "overdue": state.overdue, "paid": state.paid, "credited": state.credited,
        "outstanding": state.outstanding, "po_number": invoice.po_number, "description": invoice.description,
        "agreement_id": invoice.agreement_id, "trust_code": trust[0] if trust else None,
        "trust_name": trust[1] if trust else None, "trust_billing": invoice.trust_billing,
        "credited_invoice_number": invoice.credited_invoice.number if invoice.credited_invoice_id else None,
        "credits_invoice": invoice.credited_invoice.number if invoice.credited_invoice_id else "",
        "lines": [{"position": l.position, "service_code": l.service_code, "description": l.description,
                   "explanation": l.explanation, "quantity": l.quantity, "unit_price": l.unit_price, "net": l.net,
                   "vat_code": l.vat_code, "vat_rate": l.vat_rate} for l in invoice.lines],
    }
    if detail:
        data["payments"] = [payment_dict(p) for p in invoice.payments]
        data["credit_notes"] = [c.number for c in invoice.credit_notes]
    return data


def payment_dict(p: Payment) -> dict:
    """A payment or reversing entry as the API shows it."""
    return {"id": p.id, "paid_on": p.paid_on, "amount": p.amount, "reference": p.reference, "method": p.method,
            "reversed": p.reversal is not None, "reverses_payment_id": p.reverses_payment_id, "reason": p.reason}


@bp.route("/invoices", tags=TAGS)
@allow("sla", "finance", "school")
@bp.arguments(InvoiceArgs, location="query")
@bp.response(200, InvoicePageSchema)
def list_invoices(args: dict) -> dict:
    """Invoices and credit notes

    Filtered by SLA year, term, payment status (outstanding: any balance), kind, school
    (URN), trust (its GIAS code: the invoices on its statement) and invoice run, newest first.
    Each item carries the finance export's columns for the invoice, its balance and
    its lines. A school user sees its own school's only.
    """
    if args.get("trust"):
        known_trust(args["trust"])
    f = InvoiceFilter(year=args.get("year"), term=args.get("term", ""), status=args.get("status", ""),
                      kind=args.get("kind", ""), q=args.get("q", ""), school_ids=own_school_ids(),
                      viewer_trust_id=current_user.trust_id,
                      urn=args.get("urn"), run_id=args.get("run"), trust_code=args.get("trust", ""))
    result, balances = invoicing.list_invoices(f, args["page"], args["per_page"], with_lines=True)
    trusts = belonging.invoice_trusts([i.id for i in result.items])
    return {"items": [invoice_dict(i, balances[i.id], trusts.get(i.id)) for i in result.items], "page": result.page,
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
    return invoice_dict(invoice, invoicing.balance(invoice), belonging.invoice_trusts([invoice.id]).get(invoice.id),
                        detail=True)


@bp.route("/invoices/<string(maxlength=20):number>/pdf", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, PDF, content_type="application/pdf", description="The invoice or credit note as issued.")
@bp.alt_response(404, response="NOT_FOUND")
def get_invoice_pdf(number: str) -> Response:
    """The invoice or credit note (PDF)"""
    invoice = _invoice(number)
    return Response(invoice_pdf(invoice), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={invoice.number}.pdf"})


@bp.route("/invoices/<string(maxlength=20):number>/ubl", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, UBL, content_type="application/xml",
             description="The invoice or credit note as an e-invoice: UBL 2.1, Peppol BIS Billing 3.0.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def get_invoice_ubl(number: str) -> Response:
    """The invoice or credit note as an e-invoice (UBL XML)

    The same document the invoice page offers beside the PDF. 409 names each council detail
    the configuration lacks (docs/einvoices.md), which no e-invoice can be written without.
    """
    invoice = _invoice(number)
    try:
        xml = invoice_ubl(invoice)
    except EInvoiceRefused as exc:
        raise ApiError(409, f"the e-invoice cannot be written: {exc}") from None
    return Response(xml, mimetype="application/xml",
                    headers={"Content-Disposition": f"attachment; filename={invoice.number}.xml"})


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


@bp.route("/payments", tags=TAGS)
@allow("finance")
@bp.arguments(PaymentListArgs, location="query")
@bp.response(200, PaymentListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def list_payments(args: dict) -> dict:
    """Payments and reversing entries

    Newest first: one invoice's (`invoice=INV-2025-000001`) or the latest of all. Each
    carries the id that `POST /payments/{payment_id}/reversal` takes.
    """
    number = args.get("invoice")
    if number:
        _invoice(number)
    rows = payment_service.list_payments(number, limit=args["limit"])
    return {"items": [{"id": r.id, "paid_on": r.paid_on, "amount": r.amount, "reference": r.reference,
                       "method": r.method, "reversed": r.reversed, "reverses_payment_id": r.reverses_id,
                       "reason": r.reason, "invoice_number": r.invoice_number, "school_urn": r.school_urn}
                      for r in rows]}


@bp.route("/payments/<int:payment_id>/reversal", methods=["POST"], tags=TAGS)
@allow("finance")
@bp.arguments(ReversalRequestSchema)
@bp.response(201, ReversalResultSchema, description="The reversing entry; the invoice's balance after it.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def reverse_payment(args: dict, payment_id: int) -> dict:
    """Reverse a payment recorded wrongly

    Records a reversing entry (the payment's amount, negative, naming it) with the
    reason; the payment itself is never changed or deleted, and the invoice is owed it
    again. A payment is reversed once; a reversing entry is never reversed (409).
    """
    payment = payment_service.payment_by_id(payment_id)
    if payment is None:
        raise not_found(f"no payment {payment_id}")
    invoice = payment.invoice
    reversal = payment_service.reverse_payment(payment, args["reason"], current_user.email, args["reversed_on"])
    state = invoicing.balance(invoicing.by_number(invoice.number))
    return {**payment_dict(reversal), "invoice_number": invoice.number, "school_urn": invoice.school_urn,
            "status": state.status, "paid": state.paid, "outstanding": state.outstanding}
