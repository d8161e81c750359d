"""Reading an SLA template: Markdown with [placeholders] -> a checked ``Template``.

Two spellings are understood. Our own (``sla_templates/README.md``): pipe tables,
``- a.`` lettered items, plain text. And the customer's 2022-23 SLA as it was
exported (``shared/seeds``): tab-separated tables, HTML bits (``<sup>``, ``<b>``,
``<ul><li>``, ``<a href>``), bold, Markdown links, a typed-out contents page, and
"On subscription to a service ..." stand-ins where the lists go. Both read into
the same ``Template``; ``documents.writing.to_markdown`` writes it back in our own
spelling, which is what the application stores and the SLA team edits.

Reading is three passes: lines -> raw blocks (``documents.reading``), raw blocks ->
cover, document control and sections (``documents.assembly``), then the checks
(``documents.checks``). What a template may say is in ``documents.catalogue``.
Pure Python: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from documents.assembly import assemble
from documents.catalogue import CONTROL_COLUMNS
from documents.checks import check_placeholders, check_sections, complete
from documents.model import Template
from documents.reading import Reader, raw_blocks

__all__ = ["TemplateRefused", "TemplateCheck", "read_template", "parse_template", "with_every_block"]


class TemplateRefused(Exception):
    """A file that is not a usable SLA template; ``problems`` say where and why."""

    def __init__(self, problems: list[str], source: str = "template") -> None:
        self.problems = problems
        self.source = source
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class TemplateCheck:
    """A template that passed its checks, and notes on what reading it changed or added."""

    template: Template
    notes: tuple[str, ...]


def read_template(text: str, source: str = "template") -> TemplateCheck:
    """Read and check a template; raise ``TemplateRefused`` naming every problem.

    A file with no numbered sections and no document control table is not an SLA
    template at all, and is refused as such rather than with a list of what it lacks.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reader = Reader()
    notes: list[str] = []
    title, control, sections = assemble(reader, raw_blocks(lines), notes)
    if not sections and control is None:
        raise TemplateRefused([f"{source} is not an SLA template: it has no document control table and no "
                               "numbered sections (such as '# 1 Introduction')"], source)
    if control is None:
        reader.problem(0, "there is no document control section: start the template with '## Document control' "
                          "and a table with the columns " + " | ".join(CONTROL_COLUMNS))
    check_sections(reader, sections)
    check_placeholders(reader, sections)
    if reader.problems:
        problems = sorted(dict.fromkeys(reader.problems), key=lambda problem: problem[0])  # in reading order
        raise TemplateRefused([f"line {line}: {reason}" if line else reason for line, reason in problems], source)
    sections = complete(sections, notes)
    return TemplateCheck(Template(title, control, tuple(sections)), tuple(notes))


def with_every_block(template: Template) -> Template:
    """The template with any block placeholder it lacks at the end of its home section."""
    return replace(template, sections=tuple(complete(list(template.sections), [])))


def parse_template(text: str) -> Template:
    """The template in ``text`` (which must be valid: stored templates were checked)."""
    return read_template(text).template
