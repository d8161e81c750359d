"""Filling a template in for an agreement: every placeholder replaced, fallbacks flagged."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from documents.filling import Contact, ServiceLine, fill
from documents.model import BulletList, Paragraph, Section, Table
from documents.template import read_template
from tests.documents.samples import COUNCIL, SEED, default_template, facts, needs_seed


def texts(document) -> list[str]:
    out = [t for pair in document.cover for t in pair]
    for section in document.sections:
        out.append(section.title)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, BulletList):
                out += [i.text for i in block.items]
            elif isinstance(block, Table):
                out += [c for row in (block.header, *block.rows, *(block.footer and [block.footer] or [])) for c in row]
    return out


def tables(document, number):
    return [b for b in next(s for s in document.sections if s.number == number).blocks if isinstance(b, Table)]


def test_every_placeholder_is_filled_in():
    document = fill(default_template(), facts(), COUNCIL)
    words = "\n".join(texts(document))
    assert "[" not in words and "]" not in words
    assert "This agreement starts on 1 April 2025 and ends on 31 March 2026." in words
    assert "the ICT & Digital service of Coventry City Council and Allesley Primary School." in words
    assert "for your school this is Priya Sharma (priya.sharma@council.example)" in words
    assert document.term_words == "1 April 2025 to 31 March 2026"
    assert document.fallbacks == ()


def test_the_three_lists_the_charges_and_the_appendix():
    document = fill(default_template(), facts(), COUNCIL)
    assert tables(document, "4.1")[0].rows == (("Admin network support", "1"), ("SIMS support", "1"),
                                               ("Anti-virus", "30 devices"))
    assert tables(document, "4.2")[0].rows == (("Data protection officer",),)
    assert tables(document, "4.3")[0].rows == (("Website hosting",),)
    charges = next(t for t in tables(document, "2.6") if t.footer)
    assert charges.rows[1] == ("SIMS support", "412 pupils (January 2025 census) x £3.10 = £1,277.20", "S", "£1,277.20")
    assert charges.footer == ("Annual total (before VAT)", "", "", "£4,019.70")
    appendix = [b.text for b in next(s for s in document.sections if s.number == "13").blocks]
    assert "Anti-virus (AV)" in appendix and "Anti-virus licences for every machine." in appendix


def test_the_invoice_schedule_follows_the_customer_type():
    maintained = tables(fill(default_template(), facts(), COUNCIL), "2.7")[0]
    assert maintained.rows == (("Summer term invoice", "1 April 2025 to 31 March 2026"),)
    academy = tables(fill(default_template(), facts(customer_type="academy"), COUNCIL), "2.7")[0]
    assert academy.rows == (("Summer term invoice", "1 April 2025 to 31 August 2025"),
                            ("Autumn term invoice", "1 September 2025 to 31 March 2026"))


def test_missing_values_fall_back_to_the_council_and_are_flagged():
    lacking = facts(odm_name="", odm_email="", stakeholders=(),
                    subscribed=(ServiceLine("NEW", "New service", description=""),))
    document = fill(default_template(), lacking, COUNCIL)
    words = "\n".join(texts(document))
    assert "[" not in words
    assert f"for your school this is {COUNCIL.default_odm}" in words
    assert "You have not given us any key stakeholders yet" in words
    assert f"on our website at {COUNCIL.website}" in words
    assert any("No Operational Delivery Manager is named" in f for f in document.fallbacks)
    assert any("No key stakeholders are recorded for Allesley Primary School" in f for f in document.fallbacks)
    assert any("NEW New service has no description" in f for f in document.fallbacks)
    assert any("NEW New service has no price yet" in f for f in document.fallbacks)


def test_the_councils_default_odm_is_flagged_until_one_is_named():
    document = fill(default_template(), facts(odm_name=COUNCIL.default_odm, odm_email=""), COUNCIL)
    assert any("still the council's default" in f for f in document.fallbacks)


def test_a_group_of_schools_is_named_with_its_members():
    group = facts(party_name="Three Spires Federation", group=True,
                  schools=(("Spires Infant School", 103701), ("Spires Junior School", 103702)),
                  stakeholders=(Contact("Ann Head", "Executive Headteacher", school="Spires Infant School"),))
    document = fill(default_template(), group, COUNCIL)
    words = "\n".join(texts(document))
    assert ("Three Spires Federation, a group of schools: Spires Infant School (URN 103701), Spires Junior School "
            "(URN 103702).") in words
    assert tables(document, "9.6")[0].header == ("School", "Name", "Role", "Email", "Phone")


def test_a_draft_is_marked_and_lines_starting_later_say_so():
    later = replace(facts().subscribed[2], start_date=date(2025, 11, 15))
    document = fill(default_template(), facts(draft=True, subscribed=facts().subscribed[:2] + (later,)), COUNCIL)
    assert document.draft and ("Status", "Draft: not yet issued") in document.cover
    assert tables(document, "4.1")[0].rows[2] == ("Anti-virus (from 15 November 2025)", "30 devices")


@needs_seed
def test_the_seed_fills_in_with_no_placeholder_left():
    template = read_template(SEED.read_text(encoding="utf-8")).template
    document = fill(template, facts(), COUNCIL)
    words = "\n".join(texts(document))
    assert "[" not in words and "]" not in words
    assert "This agreement runs from 1 April 2025 to 31 March 2026" in words
    assert "and Allesley Primary School." in words
    assert tables(document, "4.1")[0].rows[2] == ("Anti-virus", "30 devices")


def test_the_default_templates_words_are_for_the_school_not_for_us():
    """Issue 15 item 16: the document-control remark and §1's review sentence, as every school reads them."""
    document = fill(default_template(), facts(), COUNCIL)
    remarks = [row.remarks for row in document.control]
    assert remarks == ["First issue to schools."]
    assert not any("our own words" in r.lower() or "structure of" in r.lower() for r in remarks)
    intro = next(s for s in document.sections if s.number == "1")
    words = " ".join(b.text for b in intro.blocks if isinstance(b, Paragraph))
    assert ("Making sure that this review happens is the responsibility of the Head of ICT and Digital."
            in words)
    assert "the head of ICT & Digital" not in words


def test_a_section_with_no_placeholder_is_the_templates_own_and_a_total_row_is_filled():
    plain = Section("5", "Accessing the Service", (Paragraph("Call the service desk."),))
    total = Section("6", "Totals", (Table(("Item", "Cost"), (("A", "1"),), ("[name of school]", "1")),))
    template = replace(default_template(), sections=(plain, total))
    filled = fill(template, facts(), COUNCIL)
    assert filled.sections[0] is plain
    assert filled.sections[1].blocks[0].footer == ("Allesley Primary School", "1")
