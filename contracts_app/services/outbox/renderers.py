"""The app's documents as outbox attachments by reference: kind -> function(id) -> (filename, bytes, mimetype).

Registered when the outbox package is imported; each looks the object up afresh at send time
and raises AttachmentGone, naming it, when it no longer exists.
"""
from __future__ import annotations

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, Agreement, Invoice
from contracts_app.services.adhoc.documents import report_pdf
from contracts_app.services.documents import pdf_download
from contracts_app.services.invoicing.documents import invoice_pdf
from contracts_app.services.invoicing.statements import statement_pdf
from contracts_app.services.invoicing.ubl import EInvoiceRefused, invoice_ubl
from contracts_app.services.outbox.attachments import AttachmentGone, register

PDF = "application/pdf"


def _invoice(kind: str, invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.kind != kind:
        what = "credit note" if kind == "credit_note" else "invoice"
        raise AttachmentGone(f"{what} {invoice_id} no longer exists")
    return invoice


def invoice_attachment(invoice_id: int) -> tuple[str, bytes, str]:
    invoice = _invoice("invoice", invoice_id)
    return f"{invoice.number}.pdf", invoice_pdf(invoice), PDF


def credit_note_attachment(note_id: int) -> tuple[str, bytes, str]:
    note = _invoice("credit_note", note_id)
    return f"{note.number}.pdf", invoice_pdf(note), PDF


def einvoice_attachment(invoice_id: int) -> tuple[str, bytes, str]:
    """An invoice's or credit note's e-invoice (UBL), for contacts who asked for it (issue #32)."""
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        raise AttachmentGone(f"invoice {invoice_id} no longer exists")
    try:
        return f"{invoice.number}.xml", invoice_ubl(invoice), "application/xml"
    except EInvoiceRefused as exc:  # the message fails, and the outbox page says which setting is missing
        raise AttachmentGone(f"{invoice.number}: the e-invoice cannot be written: {exc}") from exc


def agreement_attachment(agreement_id: int) -> tuple[str, bytes, str]:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        raise AttachmentGone(f"agreement {agreement_id} no longer exists")
    content, filename = pdf_download(agreement)
    return filename, content, PDF


def statement_attachment(school_id: int) -> tuple[str, bytes, str]:
    """The school's statement of account as it stands when sent."""
    try:
        content = statement_pdf(school_id)
    except Exception as exc:  # ActionRefused "no school with id N"
        raise AttachmentGone(str(exc)) from exc
    return f"statement-{school_id}.pdf", content, PDF


def adhoc_report_attachment(request_id: int) -> tuple[str, bytes, str]:
    """§9.5's report of a rework request."""
    request = db.session.get(AdHocRequest, request_id)
    if request is None:
        raise AttachmentGone(f"ad hoc request {request_id} no longer exists")
    content = report_pdf(request)
    if content is None:
        raise AttachmentGone(f"ad hoc request {request.reference} is not rework: it has no §9.5 report")
    return f"report-{request.reference}.pdf", content, PDF


RENDERERS = {
    "invoice_pdf": invoice_attachment, "credit_note_pdf": credit_note_attachment,
    "agreement_pdf": agreement_attachment, "statement_pdf": statement_attachment,
    "adhoc_report_pdf": adhoc_report_attachment, "invoice_ubl": einvoice_attachment,
}

for _kind, _renderer in RENDERERS.items():
    register(_kind, _renderer)
