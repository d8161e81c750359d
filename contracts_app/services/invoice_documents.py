"""Invoice PDFs and the finance export, loaded from the database for the pure renderers."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from invoices.document import DocumentLine, DocumentVat, InvoiceDocument, Issuer
from invoices.export import ExportRow, export_bytes
from invoices.pdf import render_invoice_pdf
from invoices.vat import vat_summary
from pricing.sla_year import SlaYear

from ..extensions import db
from ..models import Invoice, InvoiceLine
from .adhoc import invoice_attachments
from .invoicing import InvoiceFilter, balance, filtered


def issuer() -> Issuer:
    c = current_app.config
    return Issuer(c["COUNCIL_NAME"], c["SERVICE_NAME"], c["COUNCIL_ADDRESS"], c["COUNCIL_PHONE"],
                  c["COUNCIL_EMAIL"], c["COUNCIL_VAT_NUMBER"], c["PAYMENT_DETAILS"])


def document(invoice: Invoice) -> InvoiceDocument:
    rates = {line.vat_code: line.vat_rate for line in invoice.lines}
    state = balance(invoice)
    return InvoiceDocument(
        number=invoice.number, kind=invoice.kind, issue_date=invoice.issue_date, due_date=invoice.due_date,
        customer_name=invoice.customer_name, customer_urn=invoice.school_urn,
        customer_address=invoice.school.address if invoice.school else "", customer_type=invoice.customer_type,
        po_number=invoice.po_number, sla_year_label=SlaYear(invoice.sla_year).label, term=invoice.term,
        period_start=invoice.period_start, period_end=invoice.period_end, description=invoice.description,
        lines=tuple(DocumentLine(l.position, l.service_code, l.description, l.explanation, l.quantity, l.unit_price,
                                 l.net, l.vat_code, l.vat_rate) for l in invoice.lines),
        vat=tuple(DocumentVat(b.code, b.rate, b.net, b.vat) for b in vat_summary(
            ((l.vat_code, l.net) for l in invoice.lines), rates)),
        net=invoice.net, vat_total=invoice.vat, gross=invoice.gross,
        credited_number=invoice.credited_invoice.number if invoice.credited_invoice else None,
        paid=state.paid, outstanding=state.outstanding)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as sent; a rework invoice carries its §9.5 report after the invoice itself."""
    doc = document(invoice)
    if invoice.adhoc_request_id is not None:
        doc = replace(doc, attachments=doc.attachments + invoice_attachments(invoice))
    return render_invoice_pdf(doc, issuer())


def export_rows(f: InvoiceFilter, today: date | None = None) -> Iterator[ExportRow]:
    """Every line of the filtered invoices, streamed in invoice-number order."""
    ids = select(Invoice.id)
    ids = filtered(ids, f, today or date.today()).subquery()
    query = (select(Invoice, InvoiceLine).join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
             .where(Invoice.id.in_(select(ids.c.id))).order_by(Invoice.number, InvoiceLine.position)
             .execution_options(yield_per=2000))
    for invoice, line in db.session.execute(query):
        yield ExportRow(
            invoice.number, invoice.kind, invoice.school_urn, invoice.customer_name, invoice.customer_type,
            SlaYear(invoice.sla_year).label, invoice.term, invoice.period_start, invoice.period_end,
            invoice.issue_date, invoice.due_date, line.service_code, line.description, line.quantity,
            line.unit_price, line.net, line.vat_code, line.vat_rate, invoice.net, invoice.vat, invoice.gross)


def export(f: InvoiceFilter, fmt: str) -> bytes:
    return export_bytes(export_rows(f), fmt)
