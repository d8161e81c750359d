"""The invoice and credit note PDF (reportlab): council, customer, lines, VAT per code, totals."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from invoices.document import InvoiceDocument, Issuer
from invoices.pdf_parts import GRID, HEAD, a4_document, long_date as _day, numbered_canvas, paragraph

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=9, leading=11)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7.5, leading=9, textColor=colors.HexColor("#444444"))
_RIGHT = ParagraphStyle("right", parent=_BODY, alignment=TA_RIGHT)
_TITLE = ParagraphStyle("title", parent=_STYLES["Title"], fontSize=20, leading=24, alignment=0, spaceAfter=4)
_GRID, _HEAD = GRID, HEAD


def _gbp(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return paragraph(text, style)


def render_invoice_pdf(document: InvoiceDocument, issuer: Issuer) -> bytes:
    """A complete invoice or credit note, fit to send."""
    buffer = io.BytesIO()
    doc, width = a4_document(buffer, f"{document.title} {document.number}", issuer.council)
    story = [*_heading(document, issuer, width), *_parties(document, width), *_lines(document, width),
             *_totals(document, width), *_payment(document, issuer)]
    doc.build(story, canvasmaker=numbered_canvas(document.number))
    return buffer.getvalue()


def _heading(document: InvoiceDocument, issuer: Issuer, width: float) -> list[Flowable]:
    """The council beside the document's title, number and dates."""
    head = Table([[
        [_p(issuer.council, ParagraphStyle("c", parent=_BODY, fontSize=12, leading=14, fontName="Helvetica-Bold")),
         _p(issuer.service), _p(issuer.address, _SMALL), _p(f"Tel {issuer.phone} · {issuer.email}", _SMALL),
         _p(f"VAT registration {issuer.vat_number}", _SMALL)],
        [Paragraph(document.title, _TITLE), _p(f"Number: {document.number}"),
         _p(f"Issued: {_day(document.issue_date)}"),
         _p(f"Due: {_day(document.due_date)}" if document.kind == "invoice" else
            f"Credits invoice {document.credited_number}")],
    ]], colWidths=[width * 0.55, width * 0.45])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [head, Spacer(1, 6 * mm)]


def _parties(document: InvoiceDocument, width: float) -> list[Flowable]:
    """Who is billed, for which SLA year and period, and the document's description."""
    period = (f"{_day(document.period_start)} to {_day(document.period_end)}"
              if document.period_start else "")
    details = [
        [_p("Bill to", _SMALL), _p("Details", _SMALL)],
        [[_p(document.customer_name), _p(_buyer_id(document), _SMALL), _p(document.customer_address, _SMALL),
          *([_p(f"For the academy: {document.billed_for}")] if document.billed_for else [])],
         [_p(f"SLA year {document.sla_year_label}" + (f", {document.term} term" if document.term else "")),
          _p(f"Period: {period}" if period else "Period: -"),
          _p(f"Your order number: {document.po_number or 'none given'}")]],
    ]
    table = Table(details, colWidths=[width * 0.55, width * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 1), (-1, 1), 0.5, _GRID)]))
    return [table, Spacer(1, 4 * mm), _p(document.description), Spacer(1, 3 * mm)]


def _buyer_id(document: InvoiceDocument) -> str:
    return f"Trust {document.trust_code}" if document.trust_code else f"URN {document.customer_urn}"


def _line_row(line) -> list:
    text = [_p(line.description)]
    if line.explanation:
        text.append(_p(line.explanation, _SMALL))
    if line.quantity != 1:
        text.append(_p(f"{line.quantity.normalize():f} x {_gbp(line.unit_price)}", _SMALL))
    return [_p(line.service_code), text, _p(line.vat_code), _p(_gbp(line.net), _RIGHT)]


def _lines(document: InvoiceDocument, width: float) -> list[Flowable]:
    """One row per line: service, description (with its explanation and quantity), VAT code, net;
    a consolidated trust invoice's lines under a heading per academy, with its order number and subtotal."""
    rows = [[_p("Service", _SMALL), _p("Description", _SMALL), _p("VAT", _SMALL), _p("Net", _SMALL)]]
    style = [("BACKGROUND", (0, 0), (-1, 0), _HEAD), ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    sections = document.sections()
    for name, po, section_lines, net in sections or [("", "", document.lines, None)]:
        if name:
            style += [("SPAN", (0, len(rows)), (-1, len(rows))), ("BACKGROUND", (0, len(rows)), (-1, len(rows)), _HEAD)]
            rows.append([Paragraph(f"<b>{escape(name)}</b> · your order number: {escape(po or 'none given')}", _BODY),
                         "", "", ""])
        rows.extend(_line_row(line) for line in section_lines)
        if net is not None:
            rows.append(["", _p(f"Subtotal for {name}", _SMALL), "", _p(_gbp(net), _RIGHT)])
    lines = Table(rows, colWidths=[width * 0.16, width * 0.6, width * 0.07, width * 0.17], repeatRows=1)
    lines.setStyle(TableStyle(style))
    return [lines, Spacer(1, 4 * mm)]


def _totals(document: InvoiceDocument, width: float) -> list[Flowable]:
    """The VAT per code beside the totals (and, once paid, what is paid and outstanding)."""
    vat_rows = [[_p("VAT code", _SMALL), _p("Rate", _SMALL), _p("Net", _SMALL), _p("VAT", _SMALL)]]
    for b in document.vat:
        vat_rows.append([_p(b.code), _p(f"{(b.rate * 100).normalize():f}%"), _p(_gbp(b.net), _RIGHT),
                         _p(_gbp(b.vat), _RIGHT)])
    vat_table = Table(vat_rows, colWidths=[width * 0.14, width * 0.1, width * 0.16, width * 0.16])
    vat_table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), _HEAD), ("GRID", (0, 0), (-1, -1), 0.4, _GRID)]))
    total_rows = [[_p("Net"), _p(_gbp(document.net), _RIGHT)], [_p("VAT"), _p(_gbp(document.vat_total), _RIGHT)],
                  [_p("Total" if document.kind == "credit_note" else "Total due"), _p(_gbp(document.gross), _RIGHT)]]
    if document.paid:
        total_rows.append([_p("Paid"), _p(_gbp(document.paid), _RIGHT)])
        total_rows.append([_p("Outstanding"), _p(_gbp(document.outstanding), _RIGHT)])
    totals = Table(total_rows, colWidths=[width * 0.2, width * 0.2])
    totals.setStyle(TableStyle([("LINEABOVE", (0, 2), (-1, 2), 0.8, colors.black),
                                ("FONTNAME", (0, 2), (-1, 2), "Helvetica-Bold")]))
    return [Table([[vat_table, totals]], colWidths=[width * 0.58, width * 0.42],
                  style=[("VALIGN", (0, 0), (-1, -1), "TOP")]),
            Spacer(1, 6 * mm)]


def _payment(document: InvoiceDocument, issuer: Issuer) -> list[Flowable]:
    """How to pay (invoices only), then any attachments, such as a rework invoice's report."""
    story: list[Flowable] = []
    if document.kind == "invoice":
        story += [_p("How to pay", ParagraphStyle("h", parent=_BODY, fontName="Helvetica-Bold")),
                  _p(f"Please pay {_gbp(document.gross)} by {_day(document.due_date)}. {issuer.payment_details}.")]
    for attachment in document.attachments:
        story += [Spacer(1, 3 * mm), _p(attachment, _SMALL)]
    return story
