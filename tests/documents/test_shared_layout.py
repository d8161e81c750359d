"""Text every school shares is laid out once per process (documents.pdf_cache, issue #21), and
each school's PDF is still exactly the document it would get alone."""
from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from documents import pdf_cache
from documents.bulk import pdf_name, write_zip
from documents.filling import Contact, ServiceLine, fill
from documents.pdf import _BODY, render_pdf
from tests.documents.samples import COUNCIL, SUBSCRIBED, default_template, facts


@pytest.fixture
def invariant():
    """No timestamp or random id in the PDF, so two renderings can be compared byte for byte."""
    before = rl_config.invariant
    rl_config.invariant = 1
    pdf_cache.clear()
    yield
    rl_config.invariant = before
    pdf_cache.clear()


def _many_lines(n: int) -> tuple[ServiceLine, ...]:
    return tuple(ServiceLine(f"S{i}", f"Service number {i} with a longer name to wrap " * (1 + i % 3), Decimal(1),
                             "", None, None, Decimal("10.00") * i, f"{i} x £10.00", "S", f"What service {i} does.")
                 for i in range(1, n + 1))


def _documents():
    """Schools whose own parts differ in length, so the shared text falls at other places on
    other pages: a maintained school, an academy, a group, a draft, one without contacts,
    one whose charges run over pages and one with a long name."""
    template = default_template()
    variants = [
        facts(),
        facts(party_name="Binley Academy", customer_type="academy", schools=(("Binley Academy", 140001),)),
        facts(party_name="Three Spires Federation", group=True,
              schools=(("Spires Infant", 103710), ("Spires Junior", 103711)),
              stakeholders=(Contact("Cy Head", "Executive head", "cy@spires.example", "", "Spires Infant"),)),
        facts(party_name="Draft Primary", draft=True, issued_on=None),
        facts(party_name="Quiet School", stakeholders=(), odm_name=""),
        facts(party_name="Many Services School", subscribed=_many_lines(40), annual_total=Decimal("8200.00")),
        facts(party_name="The Very Long Named Church of England Voluntary Aided Primary School and Nursery "
                         "of Saint Mary Magdalene", subscribed=SUBSCRIBED[:1], annual_total=Decimal("2600.00")),
        facts(term_start=date(2025, 9, 1), party_name="Late Starter School"),
    ]
    return [fill(template, f, COUNCIL) for f in variants]


def _alone(document) -> bytes:
    pdf_cache.clear()
    return render_pdf(document)


def test_each_document_is_byte_for_byte_what_it_is_alone(invariant):
    documents = _documents()
    alone = [_alone(d) for d in documents]
    pdf_cache.clear()
    in_turn = [render_pdf(d) for d in documents]
    backwards = [render_pdf(d) for d in reversed(documents)][::-1]
    for i, document in enumerate(documents):
        assert in_turn[i] == alone[i], document.party_name
        assert backwards[i] == alone[i], document.party_name
    assert len(set(alone)) == len(alone)  # they are different documents


def test_a_second_school_finds_most_of_its_text_laid_out(invariant):
    first, second = _documents()[:2]
    render_pdf(first)
    before = pdf_cache.stats()
    render_pdf(second)
    after = pdf_cache.stats()
    hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
    assert hits > 5 * misses, after


def test_text_is_drawn_afresh_where_a_document_names_its_fonts_otherwise(invariant):
    def drawn(first_font: str) -> bytes:
        canvas = Canvas(io.BytesIO())
        canvas.setFont(first_font, 9)  # the document's first font is /F1
        canvas.drawString(10, 10, "x")
        paragraph = pdf_cache.SharedParagraph("Text every school shares.", _BODY)
        paragraph.wrapOn(canvas, 300, 100)
        paragraph.drawOn(canvas, 50, 500)
        return canvas.getpdfdata()

    pdf_cache.clear()
    bold_first_alone = drawn("Helvetica-Bold")
    pdf_cache.clear()
    drawn("Helvetica")  # the paragraph's operators now name Helvetica /F1
    assert drawn("Helvetica-Bold") == bold_first_alone  # where Helvetica is /F2


def test_the_cache_holds_a_bounded_number_of_texts(invariant, monkeypatch):
    monkeypatch.setattr(pdf_cache, "MAX_ENTRIES", 50)
    document = _documents()[0]
    alone = render_pdf(document)
    assert render_pdf(document) == alone
    stats = pdf_cache.stats()
    assert stats["parsed"] <= 50 and stats["wrapped"] <= 50 and stats["drawn"] <= 50


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _outline(data: bytes) -> list[tuple[str, int]]:
    reader = PdfReader(io.BytesIO(data))
    flat, stack = [], list(reversed(reader.outline))
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        else:
            flat.append((item.title, reader.get_destination_page_number(item)))
    return flat


def test_the_zip_made_on_two_cores_holds_each_schools_own_document(tmp_path):
    documents = [(pdf_name("2025-26", d.party_name, urn=i), d) for i, d in enumerate(_documents(), start=1)]
    path = tmp_path / "all.zip"
    assert write_zip(iter(documents), path, workers=2) == len(documents)
    with zipfile.ZipFile(path) as archive:
        for name, document in documents:
            bulk, alone = archive.read(name), _alone(document)
            # Same text on the same pages, same contents page numbers, same outline.
            assert _pages(bulk) == _pages(alone), name
            assert _outline(bulk) == _outline(alone), name


def test_the_contents_number_each_heading_with_its_page(invariant):
    document = _documents()[5]  # charges over several pages push the later sections on
    data = render_pdf(document)
    pages, outline = _pages(data), dict(_outline(data))
    heading_pages = []
    for section in document.sections:
        page = outline[f"{section.number} {section.title}"] + 1
        heading = f"{section.number}  {section.title}"
        assert heading in pages[page - 1].replace("\xa0", " "), heading
        heading_pages.append(page)
    # The contents draw each number with the others of its page, in the sections' order.
    contents = [line for text in pages[1:4] for line in text.splitlines() if line.strip().isdigit()]
    assert [int(n) for n in contents] == heading_pages
    assert heading_pages[-1] > 6


def test_with_the_cache_off_nothing_is_shared(invariant):
    document = _documents()[0]
    with pdf_cache.disabled():
        render_pdf(document)
        render_pdf(document)
    assert pdf_cache.stats() == {"hits": 0, "misses": pdf_cache.stats()["misses"], "parsed": 0, "wrapped": 0,
                                 "drawn": 0}


def test_threads_rendering_at_once_each_get_their_own_document(invariant, monkeypatch):
    """A threaded server (make run) renders in several threads sharing the one cache, kept
    small here so that texts are pushed out while others look them up."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(pdf_cache, "MAX_ENTRIES", 200)
    documents = _documents()
    alone = [_alone(d) for d in documents]
    pdf_cache.clear()
    with ThreadPoolExecutor(max_workers=4) as pool:
        rendered = list(pool.map(render_pdf, documents * 3))
    assert rendered == alone * 3
