"""Pieces every document PDF of this package shares (reportlab)."""
from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

GRID = colors.HexColor("#c9d1dc")
HEAD = colors.HexColor("#e8eef6")


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text as a paragraph: escaped, line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def long_date(value: date | None) -> str:
    """``10 May 2025``; empty for no date."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def numbered_canvas(label: str) -> type[Canvas]:
    """A canvas that writes ``label`` and 'Page X of Y' on every page once it knows Y.

    Pages are kept until the document is saved, so the layout runs once.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            """Keep the finished page; it is drawn once the page count is known."""
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            """Number every kept page, then write the document."""
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont("Helvetica", 8)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(18 * mm, 10 * mm, label)
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def a4_document(buffer, title: str, author: str) -> tuple[SimpleDocTemplate, float]:
    """The council's A4 page (margins the invoice and the statement share) and its text width."""
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=title, author=author)
    return doc, A4[0] - 36 * mm
