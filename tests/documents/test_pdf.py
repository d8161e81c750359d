"""The PDF: text extracted with pypdf carries the agreement's facts, page by page."""
from __future__ import annotations

from documents.filling import fill
from documents.pdf import render_pdf
from documents.template import read_template
from tests.documents.samples import COUNCIL, DEFAULT, SEED, default_template, facts, needs_seed, pdf_text


def test_the_pdf_carries_the_agreement():
    pages, text = pdf_text(render_pdf(fill(default_template(), facts(customer_type="academy"), COUNCIL)))
    count = len(pages)
    assert count > 10
    assert "Page 1 of %d" % count in pages[0] and f"Page {count} of {count}" in pages[-1]
    # Cover: the school, its term in words, its ODM.
    for expected in ("Service Level Agreement", "Allesley Primary School", "1 April 2025 to 31 March 2026",
                     "Priya Sharma", "URN", "103700", "Academy school"):
        assert expected in pages[0], expected
    # Running header with the school's name on the body pages.
    assert all("Allesley Primary School" in page for page in pages[1:])
    assert "Document control" in pages[1] and "Contents" in text
    # Each list's services and quantities, the charges and the academy's two invoices.
    for expected in ("Admin network support", "Anti-virus", "30 devices", "Data protection officer",
                     "Website hosting", "£1,277.20", "£4,019.70", "Summer term invoice", "1 April 2025 to 31 August 2025",
                     "Autumn term invoice", "1 September 2025 to 31 March 2026", "Ann Head", "Headteacher"):
        assert expected in text, expected
    assert "[" not in text and "]" not in text


def test_the_contents_give_each_sections_page():
    document = fill(default_template(), facts(), COUNCIL)
    pages, _ = pdf_text(render_pdf(document))
    lines = "\n".join(pages[1:3]).replace("\xa0", " ").splitlines()
    # The page numbers are drawn after the titles (all of a page's at once), in the same order.
    titles = [line for line in lines if any(line.strip() == f"{s.number}  {s.title}" for s in document.sections)]
    numbers = [int(line) for line in lines if line.strip().isdigit()]
    assert len(titles) == len(numbers) == len(document.sections)
    page = numbers[titles.index("4  Subscribed Services")]
    assert "4  Subscribed Services" in pages[page - 1].replace("\xa0", " ")


def test_a_maintained_school_has_one_invoice_for_the_whole_term():
    _, text = pdf_text(render_pdf(fill(default_template(), facts(), COUNCIL)))
    assert "Summer term invoice" in text and "Autumn term invoice" not in text


@needs_seed
def test_the_seed_renders_with_no_placeholder_left():
    template = read_template(SEED.read_text(encoding="utf-8")).template
    pages, text = pdf_text(render_pdf(fill(template, facts(), COUNCIL)))
    assert "[" not in text and "]" not in text
    assert "Allesley Primary School" in text and "1 April 2025 to 31 March 2026" in text
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_a_table_cell_longer_than_a_page_still_renders():
    long = " ".join(["The Council shall keep School Personal Data safe."] * 250)
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "| Services | The services listed in section 4. |", f"| Services | {long} |")
    pages, all_text = pdf_text(render_pdf(fill(read_template(text).template, facts(), COUNCIL)))
    # Nothing is lost where the cell breaks across pages (a page's header and footer may fall mid-sentence).
    assert all_text.count("safe.") == 250
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
