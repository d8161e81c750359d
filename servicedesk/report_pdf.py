"""The SLA performance report as a PDF (reportlab), for a school to download (§11.1
"SLA reports are available on request"). Pure rendering from a TicketReport: no Flask here.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pricing.sla_year import LONDON
from servicedesk.coverage import DEFAULT_TARGETS
from servicedesk.formatting import desk_time, kpi_verdict, london, percent, status_text
from servicedesk.period import long_date
from servicedesk.standards_export import standards_rows
from servicedesk.ticket_report import MeasuredTicket, TicketReport

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=9, leading=11)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7.5, leading=9, textColor=colors.HexColor("#444444"))
_RIGHT = ParagraphStyle("right", parent=_BODY, alignment=TA_RIGHT)
_TITLE = ParagraphStyle("title", parent=_STYLES["Title"], fontSize=18, leading=22, alignment=0, spaceAfter=2)
_H2 = ParagraphStyle("h2", parent=_STYLES["Heading2"], fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
_GRID = colors.HexColor("#c9d1dc")
_HEAD = colors.HexColor("#e8eef6")
_BLUE = colors.HexColor("#1f6fb2")
_RED = colors.HexColor("#b3261e")
_PAGE = landscape(A4)  # the ticket tables need the width
_MARGIN = 15 * mm


@dataclass(frozen=True)
class ReportIssuer:
    """Who the report is from, as printed in its heading."""

    council: str
    service: str
    contact: str = ""


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(rows: list[list], widths: list[float]) -> Table:
    """A gridded table whose heading row repeats on each page."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), _HEAD), ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _heading(text: str) -> list:
    """A section heading that never sits alone at the foot of a page."""
    return [CondPageBreak(30 * mm), Paragraph(text, _H2)]


def _numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas that holds its pages back until the end, so each can say 'Page X of Y'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            """Keep the finished page's state; it is drawn in save, once the total is known."""
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            """Draw every kept page with its footer and 'Page X of Y', then write the file."""
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(_MARGIN, 8 * mm, footer)
                self.drawRightString(_PAGE[0] - _MARGIN, 8 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _kpi_rows(report: TicketReport) -> list[list]:
    head = ["Tickets", "Logged", "Resolved", "Within SLA", "Breached", "% within SLA", f"KPI {report.kpi_percent}%"]
    rows = [[_p(h, _SMALL) for h in head]]
    for line in report.lines:
        t = line.tally
        style = ParagraphStyle("b", parent=_BODY, fontName="Helvetica-Bold") if line.key == "kpi" else _BODY
        rows.append([_p(line.label, style), _p(str(t.count), _RIGHT), _p(str(t.resolved), _RIGHT),
                     _p(str(t.met), _RIGHT), _p(str(t.breached), _RIGHT), _p(percent(t), _RIGHT),
                     _p(kpi_verdict(t), style)])
    if report.projects.count:
        rows.append([_p("Project requests (targets agreed with the school, not measured)", _SMALL),
                     _p(str(report.projects.count), _RIGHT), _p(str(report.projects.resolved), _RIGHT),
                     _p(""), _p(""), _p(""), _p("")])
    return rows


def _chart(report: TicketReport, width: float) -> Drawing:
    """Per month: the percentage within SLA as bars, the KPI as a red line."""
    height = 60 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, width - 20 * mm, height - 18 * mm
    # A month with nothing decided has no bar, rather than looking like 0%.
    chart.data = [[float(t.percent_met) if t.percent_met is not None else None for _, t in report.months]]
    chart.categoryAxis.categoryNames = [f"{m:%b %y}" for m, _ in report.months]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor = _BLUE
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    y = chart.y + chart.height * float(report.kpi_percent) / 100
    drawing.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=_RED, strokeWidth=1.2,
                     strokeDashArray=[4, 3]))
    drawing.add(String(chart.x, height - 6 * mm, f"Incidents and service requests within SLA by month "
                                                 f"(red line: KPI {report.kpi_percent}%)", fontSize=8))
    return drawing


def _ticket_rows(tickets: list[MeasuredTicket], with_school: bool) -> list[list]:
    head = ["Reference"] + (["School"] if with_school else []) + ["Type", "Logged", "Resolved", "Target",
                                                                   "Desk time taken", "Third party", "Where it stands"]
    rows = [[_p(h, _SMALL) for h in head]]
    for t in tickets:
        c = t.clock
        row = [_p(t.reference)] + ([_p(f"{t.school_name} ({t.school_urn})", _SMALL)] if with_school else [])
        row += [_p(f"{t.category} {t.type_name.lower()}"), _p(london(c.logged_at, "%d %b %Y %H:%M"), _SMALL),
                _p(london(c.resolved_at, "%d %b %Y %H:%M") or "open", _SMALL), _p(c.target.label, _SMALL),
                _p(desk_time(c.elapsed), _RIGHT), _p(desk_time(c.suspended) if c.suspended else "", _RIGHT),
                _p(status_text(c), _SMALL)]
        if t.summary:
            row[0] = [_p(t.reference), _p(t.summary[:120], _SMALL)]
        rows.append(row)
    return rows


def _ticket_widths(width: float, with_school: bool) -> list[float]:
    shares = [0.16] + ([0.14] if with_school else []) + [0.11, 0.1, 0.1, 0.12, 0.09, 0.08, 0.18]
    total = sum(shares)
    return [width * s / total for s in shares]


def _who(report: TicketReport) -> str:
    return report.title + (f" (URN {report.school_urn})" if report.school_urn else "")


def _opening(report: TicketReport, issuer: ReportIssuer) -> list:
    """Who the report is from and about, the period, and the §11.1 KPI in a sentence."""
    kpi = report.kpi
    story: list = [
        _p(f"{issuer.council} · {issuer.service}", _SMALL),
        Paragraph("SLA performance report", _TITLE),
        _p(_who(report), ParagraphStyle("who", parent=_BODY, fontSize=12, leading=15, fontName="Helvetica-Bold")),
        _p(f"Tickets logged from {report.period.label}, as they stood on {long_date(report.now.astimezone(LONDON))} at "
           f"{london(report.now, '%H:%M')}."),
        Spacer(1, 3 * mm),
    ]
    if kpi.decided:
        story.append(_p(f"{kpi.met} of {kpi.decided} incidents and service requests decided in the period were "
                        f"completed within SLA: {percent(kpi)} against the KPI of {report.kpi_percent}% (SLA §11.1). "
                        f"KPI {kpi_verdict(kpi).lower()}."))
    else:
        story.append(_p("No incident or service request logged in the period has been decided yet."))
    return story


def _ticket_sections(report: TicketReport, width: float) -> list:
    """Breached and open tickets, then every ticket (a school's only: the whole service's is the CSV)."""
    with_school = report.school_urn is None
    widths = _ticket_widths(width, with_school)
    breached = report.breached
    story = _heading(f"Breached tickets ({len(breached)})")
    if breached:
        story.append(_table(_ticket_rows(breached, with_school), widths))
    else:
        story.append(_p("None: every decided ticket was completed within its target."))
    open_tickets = report.open_tickets
    if open_tickets:
        story += [*_heading(f"Open tickets ({len(open_tickets)})"),
                  _table(_ticket_rows(open_tickets, with_school), widths)]
    if with_school and report.tickets:  # every school's tickets would be a book: the CSV has them
        story += [*_heading(f"All tickets in the period ({len(report.tickets)})"),
                  _p("See the CSV export for every ticket of every school.", _SMALL)]
    elif report.tickets:
        story += [*_heading(f"All tickets in the period ({len(report.tickets)})"),
                  _table(_ticket_rows(list(report.tickets), False), _ticket_widths(width, False))]
    return story


def _notes(report: TicketReport, issuer: ReportIssuer) -> list:
    """How the figures are measured (§5.3, §5.4, §6.2, §6.6, §7.2), and any warnings."""
    notes = [
        "How the figures are measured. Target resolution times are those of your agreement's SLA "
        f"({', '.join(report.targets_used) or DEFAULT_TARGETS.name}): incidents by priority (§6.2) and service "
        "requests (§7.2). Only service desk hours count: Monday to Thursday 08:00-17:00, Friday 08:00-16:30, closed on "
        "English bank holidays and from 25 December to 1 January (§5.3, §5.4). A ticket logged while the desk "
        "is closed starts its clock when the desk next opens. Time with a third-party supplier is excluded "
        "(§6.6). Project requests have targets agreed with you (§7.2) and are not measured.",
        "A ticket counts as within SLA when it was resolved within its target; as breached when it was resolved "
        "late or is still open past its target. Open tickets within target are not counted yet.",
    ]
    if issuer.contact:
        notes.append(f"Questions about this report: {issuer.contact}.")
    return [Spacer(1, 5 * mm), KeepTogether([_p(note, _SMALL) for note in notes]),
            *(_p(w, _SMALL) for w in report.warnings)]


def _standards(report: TicketReport, width: float) -> list:
    """§11.1 calls answered and emails replied to within the version's standard, the period then each month."""
    if report.standards is None or report.standards.empty:
        return []
    head = ["School" if report.school_urn is None else "", "Month", "Standard", "Within", "Target", "In time",
            "%", "Verdict"]
    rows = [[_p(h, _SMALL) for h in head]]
    for r in standards_rows(report.standards, report.school_urn, report.title):
        rows.append([_p(r["school_name"] if report.school_urn is None else "", _SMALL), _p(r["month"]),
                     _p(r["standard"]), _p(r["measured_against"]), _p(f"{r['target_percent']}%", _RIGHT),
                     _p(f"{r['within']} of {int(r['within']) + int(r['late'])}", _RIGHT),
                     _p(f"{r['percent_within']}%" if r["percent_within"] else "–", _RIGHT), _p(r["verdict"])])
    return [*_heading("Calls and emails (SLA §11.1)"),
            _table(rows, [width * s for s in (0.2, 0.13, 0.15, 0.14, 0.08, 0.1, 0.08, 0.12)]),
            _p("Each call or email against the standard of its school's own SLA version; an abandoned call is not "
               "answered in time; a business day is the desk's (08:00-17:00, Friday to 16:30).", _SMALL)]


def _late(value, met: bool | None) -> str:
    """Desk time, marked when it is over the §6.5 30 minutes."""
    return desk_time(value) + (" (over 30 min)" if met is False else "")


def _majors(report: TicketReport, width: float) -> list:
    """§6.5: each major incident's priority (and downgrade), triage, longest gap between updates and MIR."""
    majors = report.major_incidents
    if not majors:
        return []
    rows = [[_p(h, _SMALL) for h in ("Reference", "School", "Priority", "Triage", "Longest gap", "MIR")]]
    for t in majors:
        m, mir = t.major, report.mirs.get(t.id)
        priority = (f"P{m.original_priority} to P{m.final_priority} at {london(m.downgraded_at)}" if m.downgraded_at
                    else f"P{m.final_priority}")
        rows.append([_p(t.reference), _p(t.school_name, _SMALL), _p(priority),
                     _p(_late(m.triage, m.triage_met) if m.triage is not None else "no update"),
                     _p(_late(m.longest_gap, m.updates_met) if m.longest_gap is not None else "-"),
                     _p("shared" if mir and mir.shared else f"none: {mir.reason}" if mir else "not yet", _SMALL)])
    return [*_heading("Major incidents (SLA §6.5)"),
            _table(rows, [width * s for s in (0.14, 0.2, 0.22, 0.14, 0.14, 0.16)])]


def render_report_pdf(report: TicketReport, issuer: ReportIssuer) -> bytes:
    """The whole report: KPI table, monthly chart, breached and open tickets, how it is measured."""
    buffer = io.BytesIO()
    who = _who(report)
    doc = SimpleDocTemplate(buffer, pagesize=_PAGE, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=12 * mm,
                            bottomMargin=15 * mm, title=f"SLA performance report: {who}", author=issuer.council,
                            subject=report.period.label)
    width = _PAGE[0] - 2 * _MARGIN
    story = _opening(report, issuer)
    story += [*_heading("Performance against target"),
              _table(_kpi_rows(report), [width * s for s in (0.34, 0.09, 0.09, 0.1, 0.1, 0.14, 0.14)])]
    if report.months and report.kpi.decided:
        story += [Spacer(1, 4 * mm), _chart(report, width * 0.7)]
    story += _standards(report, width)
    story += _majors(report, width)
    story += _ticket_sections(report, width)
    story += _notes(report, issuer)
    doc.build(story, canvasmaker=_numbered_canvas(footer=f"SLA performance report · {who} · {report.period.label}"))
    return buffer.getvalue()
