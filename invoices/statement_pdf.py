"""The statement of account as a PDF (reportlab), in the invoice's house style."""
from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from invoices.document import Issuer
from invoices.due import AGE_BUCKETS
from invoices.pdf_parts import GRID, HEAD, a4_document, long_date, numbered_canvas, paragraph
from invoices.statement import Statement, TrustStatement
from pricing.money import format_gbp as gbp

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("st-body", parent=_STYLES["BodyText"], fontSize=9, leading=11)
_SMALL = ParagraphStyle("st-small", parent=_BODY, fontSize=7.5, leading=9, textColor=colors.HexColor("#444444"))
_RIGHT = ParagraphStyle("st-right", parent=_BODY, alignment=TA_RIGHT)
_BOLD = ParagraphStyle("st-bold", parent=_BODY, fontName="Helvetica-Bold")
_TITLE = ParagraphStyle("st-title", parent=_STYLES["Title"], fontSize=20, leading=24, alignment=0, spaceAfter=4)
BUCKET_NAMES = {"current": "Not yet due", "1-30": "1-30 days", "31-60": "31-60 days", "61-90": "61-90 days",
                "90+": "Over 90 days"}


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return paragraph(text, style)


def render_statement_pdf(statement: Statement, issuer: Issuer) -> bytes:
    """The statement, fit to send to the school."""
    buffer = io.BytesIO()
    doc, width = a4_document(buffer, f"Statement of account {statement.urn}", issuer.council)
    story = [*_heading(statement, issuer, width), *_entries(statement, width), *_ageing(statement, width)]
    doc.build(story, canvasmaker=numbered_canvas(f"Statement of account, URN {statement.urn}"))
    return buffer.getvalue()


def _heading(statement: Statement, issuer: Issuer, width: float) -> list[Flowable]:
    return _head(issuer, width, statement.as_of, statement.school_name, f"URN {statement.urn}", statement.address,
                 f"Balance owed: {gbp(statement.balance)}. Overdue: {gbp(statement.overdue)} "
                 f"on {statement.overdue_count} invoice(s).")


def _head(issuer: Issuer, width: float, as_of, name: str, identifier: str, address: str,
          summary: str) -> list[Flowable]:
    """The council beside the customer (a school or a trust), and what is owed, in bold."""
    head = Table([[
        [_p(issuer.council, ParagraphStyle("st-c", parent=_BODY, fontSize=12, leading=14, fontName="Helvetica-Bold")),
         _p(issuer.service), _p(issuer.address, _SMALL), _p(f"Tel {issuer.phone} · {issuer.email}", _SMALL)],
        [Paragraph("Statement of account", _TITLE), _p(f"As of {long_date(as_of)}"),
         _p(name, _BOLD), _p(identifier, _SMALL), _p(address, _SMALL)],
    ]], colWidths=[width * 0.5, width * 0.5])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [head, Spacer(1, 5 * mm), _p(summary, _BOLD), Spacer(1, 4 * mm)]


def _entries(statement: Statement, width: float) -> list[Flowable]:
    rows = [[_p(h, _SMALL) for h in ("Date", "Type", "Reference", "Invoice", "Debit", "Credit", "Balance")]]
    for e in statement.entries:
        rows.append([_p(e.item.on.strftime("%d/%m/%Y")), _p(e.name), _p(e.item.reference), _p(e.item.invoice_number),
                     _p(gbp(e.debit) if e.debit else "", _RIGHT), _p(gbp(e.credit) if e.credit else "", _RIGHT),
                     _p(gbp(e.balance), _RIGHT)])
    empty = len(rows) == 1
    if empty:
        rows.append([_p("Nothing on the account yet."), "", "", "", "", "", ""])
    rows.append(["", "", "", "", "", _p("Balance", _BOLD), _p(gbp(statement.balance), _RIGHT)])
    fractions = (0.12, 0.14, 0.2, 0.17, 0.12, 0.12, 0.13)
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), HEAD), ("GRID", (0, 0), (-1, -2), 0.4, GRID),
                               ("LINEABOVE", (5, -1), (-1, -1), 0.8, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               *([("SPAN", (0, 1), (-1, 1))] if empty else [])]))
    return [table, Spacer(1, 6 * mm)]


def _ageing(statement: Statement | TrustStatement, width: float) -> list[Flowable]:
    ageing = statement.ageing
    rows = [[_p(BUCKET_NAMES[b], _SMALL) for b in AGE_BUCKETS] + [_p("Total", _SMALL)],
            [_p(gbp(ageing[b]), _RIGHT) for b in AGE_BUCKETS] + [_p(gbp(sum(ageing.values())), _RIGHT)]]
    table = Table(rows, colWidths=[width / (len(AGE_BUCKETS) + 1)] * (len(AGE_BUCKETS) + 1))
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), HEAD), ("GRID", (0, 0), (-1, -1), 0.4, GRID)]))
    story: list[Flowable] = [_p("What is owed, by how long it is overdue", _BOLD), Spacer(1, 2 * mm), table]
    if statement.open_invoices:
        story += [Spacer(1, 3 * mm), _p("Still owed: " + "; ".join(
            f"{i.number} {gbp(i.outstanding)} due {long_date(i.due)}" for i in statement.open_invoices), _SMALL)]
    return story


# -- a trust's statement (issue #29) -----------------------------------------------------------

def render_trust_statement_pdf(statement: TrustStatement, issuer: Issuer) -> bytes:
    """The trust's statement, fit to send to its finance contacts: the academies' balances and the
    trust's total, the trust's ageing, then each academy's account as on its own statement."""
    buffer = io.BytesIO()
    doc, width = a4_document(buffer, f"Statement of account, trust {statement.code}", issuer.council)
    story = [*_trust_heading(statement, issuer, width), *_trust_summary(statement, width), *_ageing(statement, width)]
    for academy in statement.academies:
        story += [Spacer(1, 6 * mm), _p(f"{academy.school_name} (URN {academy.urn})", _BOLD), Spacer(1, 2 * mm),
                  *_entries(academy, width)]
    if statement.consolidated is not None:  # the trust's own invoices, one per run for every academy
        story += [Spacer(1, 6 * mm), _p("The trust's consolidated invoices", _BOLD), Spacer(1, 2 * mm),
                  *_entries(statement.consolidated, width)]
    doc.build(story, canvasmaker=numbered_canvas(f"Statement of account, trust {statement.code}"))
    return buffer.getvalue()


def _trust_heading(statement: TrustStatement, issuer: Issuer, width: float) -> list[Flowable]:
    return _head(issuer, width, statement.as_of, statement.trust_name, f"Trust {statement.code}", statement.address,
                 f"Balance owed by the trust: {gbp(statement.balance)}. Overdue: {gbp(statement.overdue)} "
                 f"on {statement.overdue_count} invoice(s).")


def _trust_summary(statement: TrustStatement, width: float) -> list[Flowable]:
    rows = [[_p(h, _SMALL) for h in ("URN", "Academy", "Overdue", "Balance")]]
    rows += [[_p(str(s.urn)), _p(s.school_name), _p(gbp(s.overdue), _RIGHT), _p(gbp(s.balance), _RIGHT)]
             for s in statement.academies]
    if statement.consolidated is not None:
        own = statement.consolidated
        rows.append(["", _p("The trust's consolidated invoices"), _p(gbp(own.overdue), _RIGHT), _p(gbp(own.balance), _RIGHT)])
    rows.append(["", _p("Trust total", _BOLD), _p(gbp(statement.overdue), _RIGHT), _p(gbp(statement.balance), _RIGHT)])
    table = Table(rows, colWidths=[width * f for f in (0.14, 0.5, 0.18, 0.18)], repeatRows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), HEAD), ("GRID", (0, 0), (-1, -2), 0.4, GRID),
                               ("LINEABOVE", (1, -1), (-1, -1), 0.8, colors.black)]))
    return [table, Spacer(1, 6 * mm)]
