"""E-invoices (issue #32): an issued invoice or credit note loaded for the UBL writer."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import AgreementLine, Invoice
from contracts_app.services.council import einvoice_seller
from contracts_app.services.invoicing.documents import invoice_pdf
from invoices.ubl import write_ubl
from invoices.ubl_rules import (
    EInvoiceRefused,
    Seller,
    UblInvoice,
    UblLine,
    UblVat,
    agreement_reference,
    line_period,
    unit_code,
)
from invoices.vat import vat_summary

__all__ = ["EInvoiceRefused", "invoice_ubl", "ubl_invoice"]


def ubl_invoice(invoice: Invoice, pdf: bytes | None = None,
                periods: dict[int, tuple[date | None, date | None]] | None = None) -> UblInvoice:
    """The invoice as the e-invoice writer takes it: the PDF's facts plus references and parties.
    ``periods``: its agreement lines' service dates, when a caller writing many loaded them at once."""
    rates = {line.vat_code: line.vat_rate for line in invoice.lines}
    credited = invoice.credited_invoice
    return UblInvoice(
        number=invoice.number, kind=invoice.kind, issue_date=invoice.issue_date, due_date=invoice.due_date,
        buyer_urn=invoice.school_urn, **_buyer(invoice), po_number=invoice.po_number or "",
        contract_reference=(agreement_reference(invoice.agreement.sla_year, invoice.agreement_id)
                            if invoice.agreement_id is not None else ""),
        adhoc_reference=invoice.adhoc_request.reference if invoice.adhoc_request_id is not None else "",
        period_start=invoice.period_start, period_end=invoice.period_end, description=invoice.description or "",
        lines=_lines(invoice, periods if periods is not None else service_periods([invoice])),
        vat=tuple(UblVat(b.code, b.rate, b.net, b.vat)
                  for b in vat_summary(((l.vat_code, l.net) for l in invoice.lines), rates)),
        net=invoice.net, vat_total=invoice.vat, gross=invoice.gross,
        payment_terms_days=(invoice.due_date - invoice.issue_date).days,
        credited_number=credited.number if credited else None,
        credited_issue_date=credited.issue_date if credited else None, pdf=pdf)


def _buyer(invoice: Invoice) -> dict:
    """The buyer (BG-7): the trust as it was when the invoice was issued (issue #29), else the school."""
    if invoice.bill_to_name:
        return {"buyer_name": invoice.bill_to_name, "buyer_street": invoice.bill_to_street,
                "buyer_town": invoice.bill_to_town, "buyer_postcode": invoice.bill_to_postcode}
    school = invoice.school
    return {"buyer_name": invoice.customer_name, "buyer_street": school.street if school else "",
            "buyer_town": school.town if school else "", "buyer_postcode": school.postcode if school else ""}


def _explanation(line) -> str:
    """A consolidated invoice's line says which academy and order it is for (BT-154)."""
    text = line.explanation or ""
    if not line.section:
        return text
    order = f", order {line.po_number}" if line.po_number else ""
    return f"{line.section}{order}. {text}" if text else f"{line.section}{order}"


def service_periods(invoices: list[Invoice]) -> dict[int, tuple[date | None, date | None]]:
    """{agreement line id: (start, end)} for every agreement line these invoices bill, in chunked queries."""
    ids = sorted({l.agreement_line_id for i in invoices for l in i.lines if l.agreement_line_id is not None})
    found: dict[int, tuple[date | None, date | None]] = {}
    for start in range(0, len(ids), 500):
        found.update((row.id, (row.start_date, row.end_date)) for row in db.session.execute(
            select(AgreementLine.id, AgreementLine.start_date, AgreementLine.end_date)
            .where(AgreementLine.id.in_(ids[start:start + 500]))))
    return found


def _lines(invoice: Invoice, services: dict[int, tuple[date | None, date | None]]) -> tuple[UblLine, ...]:
    """The lines, each with the part of the period its service covers where that is less (BG-26)."""
    header = (invoice.period_start, invoice.period_end)
    return tuple(UblLine(l.position, l.service_code, l.description, _explanation(l), l.quantity, l.unit_price,
                         l.net, l.vat_code, l.vat_rate, unit_code(l.billing_key),
                         line_period(header, *services[l.agreement_line_id])
                         if l.agreement_line_id in services else None)
                 for l in invoice.lines)


def invoice_ubl(invoice: Invoice, with_pdf: bool = False,
                periods: dict[int, tuple[date | None, date | None]] | None = None, seller: Seller | None = None) -> bytes:
    """The e-invoice as XML bytes; EInvoiceRefused names every missing council detail or impossible mix.
    ``invoice``: the model, or a run's plain row (``ubl_rows``); ``seller``: the council, read once by a
    caller writing many."""
    pdf = invoice_pdf(invoice) if with_pdf else None
    return write_ubl(ubl_invoice(invoice, pdf, periods), seller or einvoice_seller())
