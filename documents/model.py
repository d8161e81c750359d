"""The SLA document as plain data: a parsed template and a filled-in agreement document.

Pure Python (no Flask, no SQLAlchemy): every value is a frozen dataclass of strings,
dates and tuples, so a filled document can be pickled to a worker process and
rendered there (bulk PDF generation) exactly as in the web process.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Union

__all__ = ["Paragraph", "ListItem", "BulletList", "Table", "Slot", "Block", "Section", "ControlRow", "Template",
           "FilledDocument"]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text. ``style`` is ``body``, ``subhead`` (a service's name in
    the §13 appendix) or ``note`` (smaller print under a generated table)."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class ListItem:
    """One list item: ``label`` is its own marker as the SLA writes it (``a.``, ``1.``,
    ``iii)``), empty for a plain bullet; ``level`` 0 is the outermost list."""

    text: str
    label: str = ""
    level: int = 0


@dataclass(frozen=True)
class BulletList:
    """Consecutive list items (lettered clauses, numbered clauses or bullets)."""

    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Table:
    """A real table: a header row, body rows and an optional total row."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Slot:
    """A block placeholder (``[subscribed services table]``) before the template is filled in."""

    name: str
    line: int = field(default=0, compare=False)  # where it was read, for messages only


Block = Union[Paragraph, BulletList, Table, Slot]


@dataclass(frozen=True)
class Section:
    """A numbered section: ``number`` is ``4`` or ``4.1`` or ``9.8.1``; its level follows
    from the number, whatever the Markdown heading's ``#`` count was."""

    number: str
    title: str
    blocks: tuple[Block, ...] = ()
    line: int = field(default=0, compare=False)  # where it was read, for messages only

    @property
    def level(self) -> int:
        """1 for a section, 2 for a subsection, and so on."""
        return self.number.count(".") + 1

    @property
    def anchor(self) -> str:
        """The section's link target in the HTML and the PDF: ``s-9-8-1``."""
        return "s-" + self.number.replace(".", "-")

    def texts(self) -> Iterator[str]:
        """Every text the section shows: its title, paragraphs, list items and table cells."""
        yield self.title
        for block in self.blocks:
            if isinstance(block, Paragraph):
                yield block.text
            elif isinstance(block, BulletList):
                yield from (item.text for item in block.items)
            elif isinstance(block, Table):
                for row in (block.header, *block.rows):
                    yield from row


@dataclass(frozen=True)
class ControlRow:
    """One row of the document-control table (one version of the template)."""

    version: str
    released: str
    released_on: date | None
    change_notice: str
    pages_affected: str
    remarks: str

    def cells(self) -> tuple[str, str, str, str, str]:
        """The row as the document control table shows it (``catalogue.CONTROL_COLUMNS``)."""
        return self.version, self.released, self.change_notice, self.pages_affected, self.remarks


@dataclass(frozen=True)
class Template:
    """A parsed SLA template: title, document control and numbered sections."""

    title: str
    control: tuple[ControlRow, ...]
    sections: tuple[Section, ...]

    @property
    def latest(self) -> ControlRow:
        """The template's own version: the last row of its document control table."""
        return self.control[-1]

    def section(self, number: str) -> Section | None:
        """The section with this number, if the template has it."""
        return next((s for s in self.sections if s.number == number), None)


@dataclass(frozen=True)
class FilledDocument:
    """An agreement's SLA document, ready to render as PDF or HTML.

    ``fallbacks`` lists every value the agreement lacked and that was taken from the
    council's configuration instead; the agreement page shows them to be put right.
    """

    title: str
    party_name: str
    sla_year_label: str
    term_words: str
    template_version: str
    council_name: str
    service_name: str
    council_address: str
    cover: tuple[tuple[str, str], ...]
    control: tuple[ControlRow, ...]
    sections: tuple[Section, ...]
    draft: bool = False
    fallbacks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def running_header(self) -> str:
        """The line at the top of each page: the party, the title and the SLA year."""
        return f"{self.party_name} · {self.title} {self.sla_year_label}"
