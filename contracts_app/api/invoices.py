"""Invoices and credit notes: the list, one by number, its PDF, and recording a payment."""
from __future__ import annotations

import re
from datetime import date

from flask import Response
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Invoice, School
from contracts_app.services.queries import paginate
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing.documents import invoice_pdf
from contracts_app.services.invoicing.balances import Balance, InvoiceFilter
from contracts_app.api.auth import allow, own_school_ids
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import ApiError, not_found
from contracts_app.api.schemas import (
    InvoiceArgs,
    InvoiceDetailSchema,
    InvoicePageSchema,
    PaymentRequestSchema,
    PaymentResultSchema,
)

TAGS = ["Invoices"]
NUMBER = re.compile(r"^[A-Za-z0-9-]{1,20}$")
PDF = {"type": "string", "format": "binary"}


def _invoice(number: str) -> Invoice:
    """The invoice or credit note by number; another school's is 'not found' to a school user."""
    if not NUMBER.match(number):
        raise not_found(f"no invoice {number!r}")
    invoice = db.session.scalar(select(Invoice).where(Invoice.number == number.upper()).options(
        selectinload(Invoice.lines), selectinload(Invoice.payments), selectinload(Invoice.credit_notes)))
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
def list_invoices(args):
    """Invoices and credit notes

    Filtered by SLA year, term, payment status, kind and school (URN), newest first.
    Each item carries the finance export's columns for the invoice, its balance and
    its lines. A school user sees its own school's only.
    """
    ids = own_school_ids()
    if "urn" in args:
        school_id = db.session.scalar(select(School.id).where(School.urn == args["urn"]))
        wanted = {school_id} if school_id is not None else set()
        ids = wanted if ids is None else ids & wanted
    f = InvoiceFilter(year=args.get("year"), term=args.get("term", ""), status=args.get("status", ""),
                      kind=args.get("kind", ""), q=args.get("q", ""), school_ids=ids)
    today = date.today()
    query = invoicing.filtered(select(Invoice).options(selectinload(Invoice.lines),
                                                       selectinload(Invoice.credited_invoice)), f, today)
    result = paginate(query.order_by(Invoice.issue_date.desc(), Invoice.number.desc()), args["page"],
                      args["per_page"])
    balances = invoicing.balances_for([i.id for i in result.items], today)
    return {"items": [invoice_dict(i, balances[i.id]) for i in result.items], "page": result.page,
            "per_page": result.per_page, "total": result.total, "pages": result.pages}


@bp.route("/invoices/<string(maxlength=20):number>", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, InvoiceDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_invoice(number: str):
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
def get_invoice_pdf(number: str):
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
def record_payment(args, number: str):
    """Record a payment received

    Against an invoice (not a credit note), never more than is still owed. An
    invoice cancelled by credit note takes no payments (409).
    """
    invoice = _invoice(number)
    if invoice.kind != "invoice":
        raise ApiError(409, f"{invoice.number} is a credit note; payments are recorded against invoices")
    payment = invoicing.record_payment(invoice, args["amount"], args["paid_on"], args["reference"],
                                       current_user.email)
    db.session.refresh(invoice)
    state = invoicing.balance(invoice)
    return {"invoice_number": invoice.number, "paid_on": payment.paid_on, "amount": payment.amount,
            "reference": payment.reference, "status": state.status, "paid": state.paid,
            "outstanding": state.outstanding}
