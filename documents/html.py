"""The filled-in SLA as HTML: the same content as the PDF, for the agreement's web page.

``render_html`` returns a fragment (an ``<article>``) with every text escaped, so
the page can include it as it is. Styling lives in ``static/document.css``; the
app's Content Security Policy allows no inline styles.
"""
from __future__ import annotations

from html import escape

from documents.catalogue import CONTROL_COLUMNS
from documents.model import BulletList, FilledDocument, Paragraph, Section, Table

__all__ = ["render_html"]

NUM = ' class="num"'


def _table(table: Table, css: str = "sla-table") -> str:
    numeric = {i for i, h in enumerate(table.header) if h.lower() in ("annual price", "qty")}

    def cells(row: tuple[str, ...], tag: str) -> str:
        scope = ' scope="col"' if tag == "th" else ""
        return "".join(f'<{tag}{scope}{NUM if i in numeric else ""}>{escape(c)}</{tag}>' for i, c in enumerate(row))

    out = [f'<table class="data {css}"><thead><tr>{cells(table.header, "th")}</tr></thead><tbody>']
    out += [f"<tr>{cells(row, 'td')}</tr>" for row in table.rows]
    out.append("</tbody>")
    if table.footer:
        out.append(f"<tfoot><tr>{cells(table.footer, 'td')}</tr></tfoot>")
    out.append("</table>")
    return "".join(out)


def _list(block: BulletList) -> str:
    items = []
    for item in block.items:
        label = f'<span class="sla-label">{escape(item.label)}</span> ' if item.label else ""
        items.append(f'<li class="sla-level-{item.level}{" sla-labelled" if item.label else ""}">{label}'
                     f"{escape(item.text)}</li>")
    return f'<ul class="sla-list">{"".join(items)}</ul>'


def _section(section: Section) -> str:
    level = min(section.level, 3) + 1  # the page's own <h1> is the agreement's name
    out = [f'<section class="sla-section sla-depth-{section.level}" id="{section.anchor}">'
           f'<h{level}><span class="sla-number">{escape(section.number)}</span> {escape(section.title)}</h{level}>']
    for block in section.blocks:
        if isinstance(block, Paragraph):
            css = {"subhead": ' class="sla-subhead"', "note": ' class="sla-note"'}.get(block.style, "")
            out.append(f"<p{css}>{escape(block.text)}</p>")
        elif isinstance(block, BulletList):
            out.append(_list(block))
        elif isinstance(block, Table):
            out.append(_table(block))
    out.append("</section>")
    return "".join(out)


def render_html(document: FilledDocument) -> str:
    """The document as an HTML fragment: cover facts, document control, contents, sections."""
    cover = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in document.cover)
    control = Table(CONTROL_COLUMNS,
                    tuple(r.cells() for r in document.control))
    contents = "".join(
        f'<li class="sla-toc-{min(s.level, 3)}"><a href="#{s.anchor}">{escape(s.number)} {escape(s.title)}</a></li>'
        for s in document.sections)
    parts = [
        '<article class="sla-document">',
        '<header class="sla-cover">',
        f'<p class="sla-council">{escape(document.council_name)} · {escape(document.service_name)}</p>',
        f'<p class="sla-title">{escape(document.title)} <span>{escape(document.sla_year_label)}</span></p>',
        f'<p class="sla-party">{escape(document.party_name)}</p>',
        f'<p class="sla-term">{escape(document.term_words)}</p>',
        f'<dl class="facts sla-facts">{cover}</dl>',
        "</header>",
        '<section class="sla-control" id="document-control"><h2>Document control</h2>',
        "<p>The table below shows the changes to this document.</p>", _table(control, "sla-table sla-control-table"),
        "</section>",
        f'<nav class="sla-contents" aria-label="Contents"><h2>Contents</h2><ol>{contents}</ol></nav>',
    ]
    parts += [_section(s) for s in document.sections]
    parts.append(f'<footer class="sla-end">{escape(document.council_name)}, {escape(document.council_address)}'
                 "</footer></article>")
    return "\n".join(parts)
