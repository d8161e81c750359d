"""Ad hoc work on paper: the estimate (§7.3) and the rework report (§9.5).

Plain data in, PDF bytes out (reportlab), like invoices.pdf. The figures come from
adhoc.charging, the one §2.6 rule the invoice run also charges by, so what the
report explains is exactly what the invoice charges.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from adhoc.charging import ChargePart, WorkEntry, customer_types_name, estimated_charge
from invoices.document import Issuer
from invoices.money import ZERO, format_gbp, round_half_up
from invoices.pdf_parts import GRID, HEAD, long_date as _day, numbered_canvas, paragraph
from invoices.vat import VatBreakdown

__all__ = ["EstimateDocument", "ReworkReport", "render_estimate_pdf", "render_rework_report_pdf", "report_summary"]


@dataclass(frozen=True)
class EstimateDocument:
    """What the estimate sent to the school says (§7.3)."""

    reference: str
    kind_name: str
    kind_section: str
    school_name: str
    school_urn: int
    school_address: str
    customer_type: str
    description: str
    third_party: str
    hours: Decimal
    sla_year_label: str
    rate: Decimal
    vat_code: str
    vat_rate: Decimal
    estimated_on: date
    estimated_by: str
    answer: str = ""  # "Authorised by ... on ..." once the school has answered

    @property
    def charged_hours(self) -> int:
        """The estimate's hours as charged: per hour or part thereof (§2.6)."""
        return estimated_charge(self.hours, self.rate)[0]

    @property
    def net(self) -> Decimal:
        """The estimated charge before VAT."""
        return estimated_charge(self.hours, self.rate)[1]

    @property
    def vat(self) -> Decimal:
        """VAT on the estimated charge, rounded half-up to the penny."""
        return round_half_up(Fraction(self.vat_rate) * Fraction(self.net))

    @property
    def gross(self) -> Decimal:
        """The estimated total with VAT."""
        return self.net + self.vat


@dataclass(frozen=True)
class ReworkReport:
    """§9.5: why the council had to intervene after a third party's unauthorised changes, and the charges."""

    reference: str
    school_name: str
    school_urn: int
    school_address: str
    customer_type: str
    description: str
    third_party: str
    intervention_report: str
    completed_on: date | None
    entries: tuple[WorkEntry, ...]
    parts: tuple[ChargePart, ...]
    vat: tuple[VatBreakdown, ...] = ()
    invoice_number: str | None = None

    @property
    def minutes(self) -> int:
        """All the time booked, in minutes."""
        return sum(e.minutes for e in self.entries)

    @property
    def hours(self) -> int:
        """The whole hours charged, over every SLA year."""
        return sum(p.hours for p in self.parts)

    @property
    def net(self) -> Decimal:
        """The charge before VAT."""
        return sum((p.net for p in self.parts), ZERO)

    @property
    def vat_total(self) -> Decimal:
        """VAT over every code."""
        return sum((b.vat for b in self.vat), ZERO)

    @property
    def gross(self) -> Decimal:
        """The total with VAT."""
        return self.net + self.vat_total


_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("adhoc-body", parent=_STYLES["BodyText"], fontSize=9.5, leading=12.5)
_SMALL = ParagraphStyle("adhoc-small", parent=_BODY, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
_RIGHT = ParagraphStyle("adhoc-right", parent=_BODY, alignment=TA_RIGHT)
_TITLE = ParagraphStyle("adhoc-title", parent=_STYLES["Title"], fontSize=18, leading=22, alignment=0, spaceAfter=4)
_H2 = ParagraphStyle("adhoc-h2", parent=_BODY, fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8,
                     spaceAfter=3)
_GRID, _HEAD = GRID, HEAD
_WIDTH = A4[0] - 36 * mm


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return paragraph(text, style)


def _minutes(total: int) -> str:
    hours, minutes = divmod(total, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"


def _hours(value: int | Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return f"{text} hour" + ("" if Decimal(value) == 1 else "s")


def _customer(customer_type: str) -> str:
    return "maintained school" if customer_type == "maintained" else "academy / free school"


def _head(issuer: Issuer, title: str, facts: Sequence[str]) -> Table:
    head = Table([[
        [_p(issuer.council, ParagraphStyle("c", parent=_BODY, fontSize=12, leading=14, fontName="Helvetica-Bold")),
         _p(issuer.service), _p(issuer.address, _SMALL), _p(f"Tel {issuer.phone} · {issuer.email}", _SMALL)],
        [Paragraph(escape(title), _TITLE), *[_p(f) for f in facts]],
    ]], colWidths=[_WIDTH * 0.55, _WIDTH * 0.45])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return head


def _school_box(name: str, urn: int, address: str, customer_type: str, right: Sequence[str]) -> Table:
    box = Table([[_p("For", _SMALL), _p("Request", _SMALL)],
                 [[_p(name), _p(f"URN {urn} · {_customer(customer_type)}", _SMALL), _p(address, _SMALL)],
                  [_p(line) for line in right]]], colWidths=[_WIDTH * 0.55, _WIDTH * 0.45])
    box.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 1), (-1, 1), 0.5, _GRID)]))
    return box


def _grid(rows: list[list], widths: Sequence[float], bold_last: bool = False) -> Table:
    table = Table(rows, colWidths=[_WIDTH * w for w in widths], repeatRows=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), _HEAD), ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if bold_last:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
    table.setStyle(TableStyle(style))
    return table


def _build(story: list[Flowable], title: str, author: str, footer: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=title, author=author)
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def render_estimate_pdf(document: EstimateDocument, issuer: Issuer) -> bytes:
    """The estimate of a request's cost sent to the school before work starts (§7.3)."""
    d = document
    story: list[Flowable] = [
        _head(issuer, "Estimate", [f"Reference: {d.reference}", f"Date: {_day(d.estimated_on)}",
                                   f"SLA year {d.sla_year_label}"]),
        Spacer(1, 6 * mm),
        _school_box(d.school_name, d.school_urn, d.school_address, d.customer_type,
                    [f"{d.kind_name} ({d.kind_section})"]
                    + ([f"Requested by third party: {d.third_party}"] if d.third_party else [])),
        Spacer(1, 4 * mm),
        _p("The work", _H2), _p(d.description or "-"),
        _p("Estimated cost", _H2),
    ]
    rows = [[_p("Estimate", _SMALL), _p("Charged as", _SMALL), _p("Ad hoc rate", _SMALL), _p("Net", _SMALL)],
            [_p(_hours(d.hours)), _p(_hours(d.charged_hours)),
             _p(f"{format_gbp(d.rate)} an hour ({d.sla_year_label}, {_customer(d.customer_type)})"),
             _p(format_gbp(d.net), _RIGHT)],
            [_p(f"VAT {d.vat_code} at {(d.vat_rate * 100).normalize():f}%"), _p(""), _p(""),
             _p(format_gbp(d.vat), _RIGHT)],
            [_p("Estimated total"), _p(""), _p(""), _p(format_gbp(d.gross), _RIGHT)]]
    story += [_grid(rows, (0.2, 0.2, 0.42, 0.18), bold_last=True), Spacer(1, 3 * mm),
              _p("Work not covered by the SLA is charged per hour or part thereof at our published 'Ad Hoc' rate "
                 "(SLA §2.6): the time booked to this request is added up and rounded up to whole hours, at the "
                 "rate of the SLA year in which the work is done. This estimate is our best view of the time "
                 "needed; the invoice charges the time actually booked.", _SMALL),
              _p("Your authorisation", _H2)]
    if d.answer:
        story.append(_p(d.answer))
    else:
        story.append(_p("We will not start working on this request until we have received your authorisation "
                        "(SLA §7.3). Authorise or decline it in the school portal under 'Ad hoc work', or reply in "
                        f"writing to {issuer.email} quoting reference {d.reference}."))
    if d.third_party:
        story.append(_p("This request came from a third party. We will not action it without written approval "
                        "from the school (SLA §9.4).", _SMALL))
    story += [Spacer(1, 3 * mm), _p(f"Estimate prepared by {d.estimated_by or issuer.service}.", _SMALL)]
    return _build(story, f"Estimate {d.reference}", issuer.council, f"Estimate {d.reference}")


def render_rework_report_pdf(report: ReworkReport, issuer: Issuer) -> bytes:
    """§9.5: "a report detailing why we have had to intervene and a breakdown of charges"."""
    r = report
    facts = [f"Reference: {r.reference}"]
    if r.completed_on:
        facts.append(f"Completed: {_day(r.completed_on)}")
    if r.invoice_number:
        facts.append(f"Invoice: {r.invoice_number}")
    story: list[Flowable] = [
        _head(issuer, "Report on rework", facts), Spacer(1, 6 * mm),
        _school_box(r.school_name, r.school_urn, r.school_address, r.customer_type,
                    ["Changes made by a third party (SLA §9.5)", f"Third party: {r.third_party or 'not recorded'}"]),
        Spacer(1, 4 * mm),
        _p("What was put right", _H2), _p(r.description or "-"),
        _p("Why we had to intervene", _H2), _p(r.intervention_report or "-"),
        Spacer(1, 2 * mm),
        _p("The SLA asks that third parties make no changes to setup, configuration or equipment we support "
           "unless the third party and the work are first approved by ICT & Digital in writing (§9.5). Where "
           "unauthorised changes make work for us to resolve, we charge for the work to put it right.", _SMALL),
        _p("Time spent", _H2),
    ]
    rows = [[_p("Date", _SMALL), _p("By", _SMALL), _p("Work", _SMALL), _p("Time", _SMALL)]]
    for e in r.entries:
        rows.append([_p(_day(e.work_date)), _p(e.who), _p(e.note), _p(_minutes(e.minutes), _RIGHT)])
    rows.append([_p("Total time booked"), _p(""), _p(""), _p(_minutes(r.minutes), _RIGHT)])
    story += [_grid(rows, (0.2, 0.2, 0.44, 0.16), bold_last=True), _p("Breakdown of charges", _H2)]
    rows = [[_p("SLA year", _SMALL), _p("Time", _SMALL), _p("Charged", _SMALL), _p("Rate", _SMALL),
             _p("Net", _SMALL)]]
    for part in r.parts:
        rows.append([_p(part.label), _p(_minutes(part.minutes)), _p(_hours(part.hours)),
                     _p(f"{format_gbp(part.rate)} an hour"), _p(format_gbp(part.net), _RIGHT)])
    for b in r.vat:
        rows.append([_p(f"VAT {b.code} at {(b.rate * 100).normalize():f}% on {format_gbp(b.net)}"), _p(""), _p(""),
                     _p(""), _p(format_gbp(b.vat), _RIGHT)])
    rows.append([_p("Total"), _p(_minutes(r.minutes)), _p(_hours(r.hours)), _p(""), _p(format_gbp(r.gross), _RIGHT)])
    story += [_grid(rows, (0.3, 0.16, 0.16, 0.2, 0.18), bold_last=True), Spacer(1, 3 * mm),
              _p("Charged per hour or part thereof at the published ad hoc rate (SLA §2.6): the time booked to the "
                 "request is rounded up to whole hours, each at the ad hoc rate for "
                 f"{customer_types_name(r.customer_type)} of the SLA year in which it was worked.", _SMALL)]
    return _build(story, f"Rework report {r.reference}", issuer.council, f"Rework report {r.reference}")


def report_summary(report: ReworkReport) -> tuple[str, ...]:
    """The §9.5 report as plain paragraphs, to print after the invoice it belongs to."""
    r = report
    lines = [f"REPORT ON REWORK (SLA §9.5) - request {r.reference}",
             f"Changes made by a third party: {r.third_party or 'not recorded'}. What was put right: "
             f"{r.description or '-'}",
             f"Why we had to intervene: {r.intervention_report or '-'}",
             "Time spent: " + "; ".join(f"{_day(e.work_date)} {e.who + ' ' if e.who else ''}{_minutes(e.minutes)}"
                                        f"{' (' + e.note + ')' if e.note else ''}" for e in r.entries) + ".",
             "Breakdown of charges: " + "; ".join(
                 f"{p.label}: {_minutes(p.minutes)} charged as {_hours(p.hours)} x {format_gbp(p.rate)} = "
                 f"{format_gbp(p.net)}" for p in r.parts)
             + f". Total {_hours(r.hours)}, {format_gbp(r.net)} before VAT (per hour or part thereof, SLA §2.6)."]
    return tuple(lines)
