"""Reading templates: our Markdown, the customer's own SLA document, and what is refused."""
from __future__ import annotations

from datetime import date

import pytest

from documents.model import BulletList, Paragraph, Slot, Table
from documents.catalogue import BLOCK_PLACEHOLDERS, REQUIRED_SECTIONS, placeholders_in
from documents.template import TemplateRefused, read_template
from documents.writing import to_markdown
from tests.documents.samples import DEFAULT, SEED, needs_seed


def minimal(body: str = "", control: str = "| 2.0 | 1 April 2026 | Test | All | For tests |") -> str:
    """A smallest valid template: document control and sections 1 to 14, with ``body`` in section 1."""
    sections = "\n\n".join(f"# {n} Section {n}\n\nText of section {n}." for n in REQUIRED_SECTIONS[1:])
    return (f"## Document control\n\n| Version | Date Released | Change Notice | Pages Affected | Remarks |\n"
            f"|---|---|---|---|---|\n{control}\n\n# 1 Introduction\n\n{body}\n\n{sections}\n")


def refused(text: str) -> list[str]:
    with pytest.raises(TemplateRefused) as caught:
        read_template(text, "bad.md")
    return caught.value.problems


def test_default_template_reads_with_every_section_and_placeholder():
    check = read_template(DEFAULT.read_text(encoding="utf-8"))
    template = check.template
    assert check.notes == ()
    assert template.title == "Service Level Agreement"
    assert (template.latest.version, template.latest.released_on) == ("1.0", date(2026, 4, 1))
    assert [s.number for s in template.sections if s.level == 1] == list(REQUIRED_SECTIONS)
    assert "9.8.1" in [s.number for s in template.sections]
    assert set(BLOCK_PLACEHOLDERS) <= set(placeholders_in(template))
    priorities = next(b for b in template.section("6.2").blocks if isinstance(b, Table))
    assert priorities.header == ("Priority", "Description", "Examples", "Target Resolution Time")
    assert priorities.rows[0][3] == "0 - 4 Service Desk Hours"
    lettered = next(b for b in template.section("2.4").blocks if isinstance(b, BulletList))
    assert [i.label for i in lettered.items] == ["a.", "b.", "c."]


def test_default_template_round_trips_through_our_markdown():
    template = read_template(DEFAULT.read_text(encoding="utf-8")).template
    assert read_template(to_markdown(template)).template == template


@needs_seed
def test_the_customers_own_sla_document_imports():
    check = read_template(SEED.read_text(encoding="utf-8"), SEED.name)
    template = check.template
    assert template.title == "ICT & Digital for Schools Service Level Agreement"
    assert [r.version for r in template.control] == ["1.0", "1.1", "1.2"]
    latest = template.latest
    assert (latest.released, latest.released_on) == ("17th January 2022", date(2022, 1, 17))
    assert latest.remarks.startswith("New branding added; KPI updated")
    assert [s.number for s in template.sections if s.level == 1] == list(REQUIRED_SECTIONS)
    # The typed-out contents page is not a section; the HTML bits are gone.
    text = to_markdown(template)
    for leftover in ("<sup>", "<b>", "<li>", "](", ".....", "**"):
        assert leftover not in text, leftover
    assert "25th December" in text and "2nd August 2019" in text
    # The stand-ins for the lists became the block placeholders, in their sections.
    assert Slot("subscribed services table") in template.section("4.1").blocks
    assert Slot("additional services table") in template.section("4.2").blocks
    assert Slot("service details") in template.section("13").blocks
    assert not any("On subscription" in b.text for b in template.section("4.2").blocks if isinstance(b, Paragraph))
    # §3 was split over two pages in the original: one table again.
    definitions = [b for b in template.section("3").blocks if isinstance(b, Table)]
    assert len(definitions) == 1 and len(definitions[0].rows) == 12
    # Those the seed lacks are added to their home sections, and the SLA team is told.
    assert Slot("schedule of charges") in template.section("2.6").blocks
    assert any("[key stakeholders table] was not in the template" in note for note in check.notes)
    assert {"name of school", "name or group of schools.", "DATE"} <= set(placeholders_in(template))
    assert read_template(text).template == template


def test_an_unknown_placeholder_is_named_with_its_line():
    problems = refused(minimal("Dear [name of schol], and [head teacher]."))
    assert problems == ["line 9: unknown placeholder [name of schol] (did you mean [name of school]?)",
                        "line 9: unknown placeholder [head teacher]"]


def test_a_markdown_file_that_is_not_a_template():
    problems = refused("# Installing the app\n\nRun `make run`.\n\n## Usage\n\nSign in.\n")
    assert problems == ["bad.md is not an SLA template: it has no document control table and no numbered sections "
                        "(such as '# 1 Introduction')"]


@pytest.mark.parametrize("text, expected", [
    (minimal().replace("# 5 Section 5\n\nText of section 5.", ""), "section 5 is missing"),
    (minimal().split("# 1 Introduction")[1].join(["# 1 Introduction", ""]), "there is no document control section"),
    (minimal().replace("| Remarks |", "| Notes |"), "they must be Version | Date Released"),
    (minimal(control="| 2.0 | sometime | Test | All | x |"), "'sometime' is not a date"),
    (minimal(control="| | 1 April 2026 | Test | All | x |"), "document control row 1 has no version"),
    (minimal("## 3.1 Misplaced"), "section 3.1 is not inside section 3"),
    (minimal().replace("# 4 Section 4", "# 7 Section 4"), "section 7 appears twice"),
    (minimal("From [DATE] onwards."), "[DATE] appears 1 time"),
    (minimal("The list: [subscribed services table] follows."), "must stand alone on its own line"),
    (minimal("| A | B |\n|---|---|\n| [service details] | x |"), "must stand alone on its own line"),
    (minimal("[service details]\n\n[service details]"), "[service details] appears twice"),
    (minimal("See note [1 for details."), "a square bracket that does not close a placeholder"),
])
def test_bad_templates_are_refused_with_the_reason(text, expected):
    problems = refused(text)
    assert any(expected in p for p in problems), problems


def test_placeholders_are_spelt_as_in_the_catalogue_and_missing_blocks_are_added():
    check = read_template(minimal("[Name Of School] from [date] to [DATE]."))
    intro = check.template.section("1").blocks[0]
    assert intro.text == "[name of school] from [DATE] to [DATE]."
    assert Slot("service details") in check.template.section("13").blocks
    assert len(check.notes) == len(BLOCK_PLACEHOLDERS)


def test_nested_lists_keep_their_levels_and_labels():
    template = read_template(minimal("- 4. The Council shall help:\n  - a. first;\n    - i. deeper\n- plain")).template
    items = template.section("1").blocks[0].items
    assert [(i.label, i.level) for i in items] == [("4.", 0), ("a.", 1), ("i.", 2), ("", 0)]
    assert read_template(to_markdown(template)).template == template
