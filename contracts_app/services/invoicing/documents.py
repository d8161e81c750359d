"""Invoice PDFs and the finance export, loaded from the database for the pure renderers."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from invoices.document import DocumentLine, DocumentVat, InvoiceDocument
from invoices.export import ExportRow, export_bytes, iter_csv, write_xlsx
from invoices.pdf import render_invoice_pdf
from invoices.vat import vat_summary
from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Invoice, InvoiceLine, School, Trust, TrustMembership
from contracts_app.services.register.belonging import member_on
from contracts_app.services.adhoc.attachments import invoice_attachments
from contracts_app.services.council import invoice_issuer
from pricing.bulk import cyclic_gc_paused
from contracts_app.services.invoicing.balances import InvoiceFilter, balance, filtered


def document(invoice: Invoice) -> InvoiceDocument:
    """The invoice as plain data for the PDF, with its VAT per code and its balance."""
    rates = {line.vat_code: line.vat_rate for line in invoice.lines}
    state = balance(invoice)
    return InvoiceDocument(
        number=invoice.number, kind=invoice.kind, issue_date=invoice.issue_date, due_date=invoice.due_date,
        **_buyer(invoice), customer_urn=invoice.school_urn, customer_type=invoice.customer_type,
        po_number=invoice.po_number, sla_year_label=SlaYear(invoice.sla_year).label, term=invoice.term,
        period_start=invoice.period_start, period_end=invoice.period_end, description=invoice.description,
        lines=tuple(DocumentLine(l.position, l.service_code, l.description, l.explanation, l.quantity, l.unit_price,
                                 l.net, l.vat_code, l.vat_rate, l.section, l.po_number) for l in invoice.lines),
        vat=tuple(DocumentVat(b.code, b.rate, b.net, b.vat) for b in vat_summary(
            ((l.vat_code, l.net) for l in invoice.lines), rates)),
        net=invoice.net, vat_total=invoice.vat, gross=invoice.gross,
        credited_number=invoice.credited_invoice.number if invoice.credited_invoice else None,
        paid=state.paid, outstanding=state.outstanding)


def _buyer(invoice: Invoice) -> dict:
    """Who the document is to: the trust as it was when issued (issue #29), naming the academy on a
    per-academy invoice; else the school."""
    if not invoice.bill_to_name:
        return {"customer_name": invoice.customer_name,
                "customer_address": invoice.school.address if invoice.school else ""}
    address = ", ".join(p for p in (invoice.bill_to_street, invoice.bill_to_town, invoice.bill_to_postcode) if p)
    return {"customer_name": invoice.bill_to_name, "customer_address": address,
            "trust_code": invoice.trust.code if invoice.trust else "",
            "billed_for": "" if invoice.consolidated else f"{invoice.customer_name} (URN {invoice.school_urn})"}


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as sent; a rework invoice carries its §9.5 report after the invoice itself."""
    doc = document(invoice)
    if invoice.adhoc_request_id is not None:
        doc = replace(doc, attachments=doc.attachments + invoice_attachments(invoice))
    return render_invoice_pdf(doc, invoice_issuer())


def export_rows(f: InvoiceFilter, today: date | None = None) -> Iterator[ExportRow]:
    """Every line of the filtered invoices, streamed in invoice-number order.

    Plain columns, not ORM objects, fetched in chunks: memory stays flat for a national
    export of hundreds of thousands of lines.
    """
    ids = filtered(select(Invoice.id), f, today or date.today()).subquery()
    credited = aliased(Invoice)  # the invoice a credit note credits
    line_school = aliased(School)  # a consolidated invoice's line: the academy it is for
    query = (select(Invoice.number, Invoice.kind, Invoice.school_urn, Invoice.customer_name, Invoice.customer_type,
                    Invoice.sla_year, Invoice.term, Invoice.period_start, Invoice.period_end, Invoice.issue_date,
                    Invoice.due_date, InvoiceLine.service_code, InvoiceLine.description, InvoiceLine.quantity,
                    InvoiceLine.unit_price, InvoiceLine.net, InvoiceLine.vat_code, InvoiceLine.vat_rate,
                    Invoice.net.label("invoice_net"), Invoice.vat.label("invoice_vat"),
                    Invoice.gross.label("invoice_gross"), Invoice.po_number,
                    credited.number.label("credits_invoice"), Trust.code, Trust.name, Invoice.trust_billing,
                    line_school.urn)
             .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
             .outerjoin(credited, credited.id == Invoice.credited_invoice_id)
             # The trust on the invoice's date (services.register.belonging): at most one membership holds.
             .outerjoin(TrustMembership, and_(TrustMembership.school_id == Invoice.school_id,
                                              member_on(Invoice.issue_date)))
             .outerjoin(Trust, Trust.id == TrustMembership.trust_id)
             .outerjoin(line_school, line_school.id == InvoiceLine.school_id)
             .where(Invoice.id.in_(select(ids.c.id))).order_by(Invoice.number, InvoiceLine.position))
    labels: dict[int, str] = {}
    with db.engine.connect() as connection:  # a connection of its own, so the rows can stream
        for row in connection.execution_options(stream_results=True, yield_per=5000).execute(query):
            # By position: the columns are selected in ExportRow's order, the year as its label.
            year = row[5]
            label = labels.get(year) or labels.setdefault(year, SlaYear(year).label)
            yield ExportRow(*row[:5], label, *row[6:21], row[21] or "", row[22] or "", row[23] or "", row[24] or "",
                            row[25] or "", row[26])


def export(f: InvoiceFilter, fmt: str) -> bytes:
    """The whole export in memory (small exports, tests); pages and commands stream it."""
    return export_bytes(export_rows(f), fmt)


def export_to(f: InvoiceFilter, fmt: str, target: str | Path | BinaryIO) -> None:
    """Write the export to a file path or binary file object without holding it in memory."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"the format must be csv or xlsx, not {fmt!r}")
    with cyclic_gc_paused():
        rows = export_rows(f)
        if fmt == "xlsx":
            write_xlsx(rows, target)
            return
        with open(target, "wb") if isinstance(target, (str, Path)) else _borrowed(target) as out:
            for chunk in iter_csv(rows):
                out.write(chunk)


class _borrowed:
    """A file object the caller owns: used in a with-block without being closed."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def __enter__(self) -> BinaryIO:
        return self.stream

    def __exit__(self, *exc: object) -> bool:
        return False


def export_stream(f: InvoiceFilter) -> Iterator[bytes]:
    """The CSV export as chunks, for a streamed HTTP response."""
    return iter_csv(export_rows(f))
