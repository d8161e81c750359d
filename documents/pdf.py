"""The filled-in SLA as a PDF (reportlab): cover, document control, contents with page
numbers, numbered headings, real tables, a running header with the school's name and
a "Page X of Y" footer.

``render_pdf`` is pure and takes only a ``FilledDocument`` (plain, picklable data), so
the bulk command can call it in worker processes.
"""
from __future__ import annotations

import io
from functools import lru_cache
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, NextPageTemplate,
                                PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle)

from documents.catalogue import CONTROL_COLUMNS
from documents.pdf_cache import SharedParagraph, SharedTable
from documents.model import (
    BulletList,
    FilledDocument,
    Paragraph as TextParagraph,
    Section,
    Table as TextTable,
)

__all__ = ["render_pdf"]

_BRAND = colors.HexColor("#12406b")
_GRID = colors.HexColor("#c9d1dc")
_HEAD = colors.HexColor("#e8eef6")
_MUTED = colors.HexColor("#555555")
_MARGIN = 20 * mm
_WIDTH = A4[0] - 2 * _MARGIN

_BASE = getSampleStyleSheet()["BodyText"]
_BODY = ParagraphStyle("sla-body", parent=_BASE, fontName="Helvetica", fontSize=9.5, leading=13, spaceAfter=5)
_NOTE = ParagraphStyle("sla-note", parent=_BODY, fontSize=8, leading=10.5, textColor=_MUTED)
_SUBHEAD = ParagraphStyle("sla-subhead", parent=_BODY, fontName="Helvetica-Bold", spaceBefore=6, spaceAfter=2,
                          keepWithNext=1)
_CELL = ParagraphStyle("sla-cell", parent=_BODY, fontSize=8.5, leading=11, spaceAfter=0)
_CELL_HEAD = ParagraphStyle("sla-cell-head", parent=_CELL, fontName="Helvetica-Bold")
_CELL_RIGHT = ParagraphStyle("sla-cell-right", parent=_CELL, alignment=TA_RIGHT)
_HEADINGS = {
    1: ParagraphStyle("sla-h1", parent=_BODY, fontName="Helvetica-Bold", fontSize=15, leading=19, spaceBefore=10,
                      spaceAfter=6, textColor=_BRAND, keepWithNext=1),
    2: ParagraphStyle("sla-h2", parent=_BODY, fontName="Helvetica-Bold", fontSize=11.5, leading=15, spaceBefore=8,
                      spaceAfter=4, textColor=_BRAND, keepWithNext=1),
    3: ParagraphStyle("sla-h3", parent=_BODY, fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=6,
                      spaceAfter=3, keepWithNext=1),
}
_CONTENTS = ParagraphStyle("sla-contents", parent=_HEADINGS[1], keepWithNext=0)
_TITLE = ParagraphStyle("sla-title", parent=_BODY, fontName="Helvetica-Bold", fontSize=26, leading=32,
                        textColor=_BRAND, spaceAfter=8)
_PARTY = ParagraphStyle("sla-party", parent=_BODY, fontName="Helvetica-Bold", fontSize=18, leading=23, spaceAfter=4)
_LEAD = ParagraphStyle("sla-lead", parent=_BODY, fontSize=12, leading=16, textColor=_MUTED)
_TOC = {level: ParagraphStyle(f"sla-toc{level}", parent=_CELL, fontSize=9 if level == 1 else 8.5,
                              fontName="Helvetica-Bold" if level == 1 else "Helvetica", leftIndent=(level - 1) * 6 * mm)
        for level in (1, 2, 3)}


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return SharedParagraph(escape(text), style)


@lru_cache(maxsize=None)
def _item_style(level: int) -> ParagraphStyle:
    # One style object per level for the life of the process: shared text is known by its style.
    return ParagraphStyle(f"sla-item-{level}", parent=_BODY, leftIndent=(level + 1) * 7 * mm,
                          bulletIndent=level * 7 * mm + 1 * mm, spaceAfter=2.5)


class _Heading(SharedParagraph):
    """A numbered heading; the document notes its page for the contents and the PDF outline
    (``_SlaDoc.afterFlowable``, which also makes it the contents' link target)."""

    def __init__(self, section: Section) -> None:
        self.section = section
        super().__init__(f"{escape(section.number)}&nbsp;&nbsp;{escape(section.title)}",
                         _HEADINGS[min(section.level, 3)])


class _Anchor(Flowable):
    """An outline entry for an unnumbered part of the document (document control, contents)."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__()
        self.key, self.title = key, title

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """Takes no room: it only marks where it stands."""
        return 0, 0

    def draw(self) -> None:
        """The bookmark and its outline entry."""
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, 0, closed=True)


class _PageRef(Flowable):
    """A heading's page number in the contents. Nobody knows it until every page is laid out,
    so the number's place is noted in ``refs`` and drawn, with the others on its page, by
    one form defined at the end (``_SlaDoc.render``)."""

    def __init__(self, anchor: str, width: float, style: ParagraphStyle, refs: list) -> None:
        super().__init__()
        self.anchor, self.width, self.height, self.style, self.refs = anchor, width, style.leading, style, refs
        self.baseline = style.leading - style.fontSize  # level with the title's first line

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """As wide as the page-number column, as tall as a line of the contents."""
        return self.width, self.height

    def draw(self) -> None:
        """Note where the number goes: right-aligned in the column, on this page."""
        x, y = self.canv.absolutePosition(self.width, self.baseline)
        self.refs.append((self.canv.getPageNumber(), x, y, self.anchor, self.style.fontName, self.style.fontSize))


class _SlaDoc(BaseDocTemplate):
    """One pass: page numbers nobody knows yet (the contents, "of Y") are PDF forms drawn
    where they belong and defined at the end, when every heading's page is known."""

    def __init__(self, buffer: BinaryIO, document: FilledDocument) -> None:
        super().__init__(buffer, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=26 * mm,
                         bottomMargin=20 * mm, title=f"{document.title} {document.sla_year_label}: "
                         f"{document.party_name}", author=document.council_name, subject=document.running_header)
        self.document = document
        self.heading_pages: dict[str, int] = {}
        self.page_refs: list[tuple] = []  # the contents' page numbers, noted by each _PageRef
        self.pages = 0
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("cover", [frame], onPage=self._footer),
                               PageTemplate("body", [frame], onPage=self._header_footer,
                                                    onPageEnd=self._contents_numbers)])

    def afterFlowable(self, flowable: Flowable) -> None:
        """Note each numbered heading's page, for the contents and the PDF outline."""
        if isinstance(flowable, _Heading):
            section = flowable.section
            self.heading_pages[section.anchor] = self.page
            self.canv.bookmarkPage(section.anchor)
            self.canv.addOutlineEntry(f"{section.number} {section.title}", section.anchor,
                                      min(section.level, 3) - 1, closed=section.level > 1)

    def _footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        self.pages = max(self.pages, doc.page)
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(_MUTED)
        canvas.drawString(_MARGIN, 11 * mm, f"{self.document.council_name} · {self.document.service_name} · "
                                            f"SLA document version {self.document.template_version}")
        canvas.translate(A4[0] - _MARGIN, 11 * mm)
        canvas.doForm(f"page-{doc.page}")
        canvas.restoreState()

    def _header_footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8.5)
        canvas.setFillColor(_BRAND)
        top = A4[1] - 14 * mm
        canvas.drawString(_MARGIN, top, self.document.party_name[:90])
        canvas.setFont("Helvetica", 8.5)
        right = f"{self.document.title} {self.document.sla_year_label}" + (" · DRAFT" if self.document.draft else "")
        canvas.drawRightString(A4[0] - _MARGIN, top, right[:70])
        canvas.setStrokeColor(_GRID)
        canvas.setLineWidth(0.6)
        canvas.line(_MARGIN, top - 2.5 * mm, A4[0] - _MARGIN, top - 2.5 * mm)
        canvas.restoreState()
        self._footer(canvas, doc)

    def _contents_numbers(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if any(ref[0] == doc.page for ref in self.page_refs):
            canvas.doForm(f"toc-page-{doc.page}")

    def _number_form(self, name: str, text: str, size: float, font: str = "Helvetica") -> None:
        canvas = self.canv
        canvas.beginForm(name, lowerx=-90 * mm, lowery=-3 * mm, upperx=1 * mm, uppery=6 * mm)
        canvas.setFont(font, size)
        canvas.setFillColor(_MUTED if name.startswith("page-") else colors.black)
        canvas.drawRightString(0, 0, text)
        canvas.endForm()

    def render(self, story: list[Flowable]) -> None:
        """Lay out the story, then define the page-number forms and save."""
        self._doSave = 0  # save ourselves, after defining the forms the pages use
        self.build(story)
        for page in range(1, self.pages + 1):
            self._number_form(f"page-{page}", f"Page {page} of {self.pages}", 7.5)
        canvas = self.canv
        for page in sorted({ref[0] for ref in self.page_refs}):
            canvas.beginForm(f"toc-page-{page}", lowerx=0, lowery=0, upperx=A4[0], uppery=A4[1])
            canvas.setFillColor(colors.black)
            for _, x, y, anchor, font, size in (ref for ref in self.page_refs if ref[0] == page):
                canvas.setFont(font, size)
                canvas.drawRightString(x, y, str(self.heading_pages.get(anchor, "")))
            canvas.endForm()
        self.canv.save()


def _widths(rows: list[tuple[str, ...]], columns: int) -> list[float]:
    """Column widths from how much text each column holds, within sensible bounds."""
    weights = []
    for i in range(columns):
        longest = max((len(row[i]) for row in rows if i < len(row)), default=4)
        weights.append(min(max(longest, 4), 70) + 6)
    total = sum(weights)
    return [_WIDTH * w / total for w in weights]


def _table(table: TextTable) -> Table:
    columns = len(table.header)
    money = {i for i, h in enumerate(table.header) if h.lower() in ("annual price", "qty")}
    rows = [tuple(table.header), *table.rows] + ([table.footer] if table.footer else [])

    def cell(text: str, i: int, style: ParagraphStyle = _CELL) -> Paragraph:
        return _p(text, _CELL_RIGHT if i in money and style is _CELL else style)

    data = [[_p(h, _CELL_HEAD) for h in table.header]]
    data += [[cell(c, i) for i, c in enumerate(row)] for row in table.rows]
    if table.footer:
        data.append([cell(c, i, _CELL_HEAD) for i, c in enumerate(table.footer)])
    # splitInRow: a cell taller than a page (a long definition) continues on the next page.
    result = SharedTable(data, colWidths=_widths(rows, columns), repeatRows=1, hAlign="LEFT", splitInRow=1)
    result.shared_key = (table,)  # its cells, widths and styles all follow from the table's text
    style = [("BACKGROUND", (0, 0), (-1, 0), _HEAD), ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 3),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if table.footer:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.9, colors.black))
    result.setStyle(TableStyle(style))
    return result


def _list(block: BulletList) -> list[Flowable]:
    flowables = []
    for item in block.items:
        flowables.append(SharedParagraph(escape(item.text), _item_style(item.level), bulletText=item.label or "•"))
    flowables.append(Spacer(1, 2))
    return flowables


def _section(section: Section) -> list[Flowable]:
    flowables: list[Flowable] = []
    if section.level == 1:
        flowables.append(CondPageBreak(45 * mm))  # a chapter does not start at the foot of a page
    flowables.append(_Heading(section))
    for block in section.blocks:
        if isinstance(block, TextParagraph):
            style = {"subhead": _SUBHEAD, "note": _NOTE}.get(block.style, _BODY)
            flowables.append(_p(block.text, style))
        elif isinstance(block, BulletList):
            flowables += _list(block)
        elif isinstance(block, TextTable):
            flowables += [_table(block), Spacer(1, 3 * mm)]
    return flowables


def _contents(document: FilledDocument, refs: list) -> Table:
    rows = []
    for section in document.sections:
        style = _TOC[min(section.level, 3)]
        link = f'<a href="#{section.anchor}">{escape(section.number)}&nbsp;&nbsp;{escape(section.title)}</a>'
        rows.append([SharedParagraph(link, style), _PageRef(section.anchor, 12 * mm, style, refs)])
    table = Table(rows, colWidths=[_WIDTH - 14 * mm, 14 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, _GRID), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _cover(document: FilledDocument) -> list[Flowable]:
    facts = Table([[_p(label, _CELL_HEAD), _p(value, _CELL)] for label, value in document.cover],
                  colWidths=[50 * mm, _WIDTH - 50 * mm], hAlign="LEFT")
    facts.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, _GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    flowables: list[Flowable] = [
        Spacer(1, 20 * mm), _p(f"{document.council_name} · {document.service_name}", _LEAD), Spacer(1, 6 * mm),
        _p(document.title, _TITLE), _p(f"SLA year {document.sla_year_label}", _LEAD), Spacer(1, 14 * mm),
        _p(document.party_name, _PARTY), _p(document.term_words, _LEAD), Spacer(1, 10 * mm), facts,
    ]
    if document.draft:
        flowables += [Spacer(1, 8 * mm), _p("DRAFT: not yet issued. Prices are today's and are fixed when the "
                                            "agreement is issued.", ParagraphStyle("sla-draft", parent=_LEAD,
                                                                                    textColor=colors.HexColor("#a05a00")))]
    flowables += [Spacer(1, 20 * mm), _p(f"{document.council_name}, {document.council_address}", _NOTE)]
    return flowables


def _control(document: FilledDocument) -> list[Flowable]:
    table = TextTable(CONTROL_COLUMNS,
                      tuple(r.cells() for r in document.control))
    return [_Anchor("document-control", "Document control"), _p("Document control", _HEADINGS[1]),
            _p("The table below shows the changes to this document.", _BODY), _table(table), Spacer(1, 6 * mm)]


def _story(document: FilledDocument, refs: list | None = None) -> list[Flowable]:
    story = _cover(document)
    story += [NextPageTemplate("body"), PageBreak()]
    story += _control(document)
    # Not keep-with-next: the contents may run on from the foot of this page.
    story += [_Anchor("contents", "Contents"), _p("Contents", _CONTENTS), _contents(document, [] if refs is None else refs), PageBreak()]
    for section in document.sections:
        story += _section(section)
    return story


def render_pdf(document: FilledDocument) -> bytes:
    """The agreement's SLA document as PDF bytes, laid out in a single pass."""
    buffer = io.BytesIO()
    doc = _SlaDoc(buffer, document)
    doc.render(_story(document, doc.page_refs))
    return buffer.getvalue()
