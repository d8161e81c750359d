"""Raw blocks -> a template's parts: the cover title, the document control rows and the sections.

The second pass of ``read_template``. Headings decide where a block belongs: before
the first numbered section is the cover, ``Document control`` holds the version
table, a typed-out contents page is skipped (it is built from the numbered headings),
and everything else is the body of the section it follows. The customer's
"On subscription to a service ..." stand-ins become block placeholders here.
Pure Python: no Flask, no database.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from documents.catalogue import BLOCK_PLACEHOLDERS, CONTROL_COLUMNS, DEFAULT_TITLE, FIELD_LIMITS
from documents.model import Block, BulletList, ControlRow, ListItem, Paragraph, Section, Slot, Table
from documents.reading import RawBlock, Reader

__all__ = ["assemble"]

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_LABEL = re.compile(r"^((?:[a-z]|[ivx]{1,5}|\d{1,3})[.)])\s+(.*)$")
_YEAR_RANGE = re.compile(r"\b\d{4}\s*[-–/]\s*\d{2,4}\b")
_STAND_IN = "on subscription to a service"
_CONTENTS = ("contents", "table of contents")


def _release_date(text: str) -> date | None:
    cleaned = re.sub(r"(\d+)\s*(st|nd|rd|th)\b", r"\1", text.strip(), flags=re.I)
    for fmt in ("%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%B %d %Y", "%d %B, %Y"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _table(reader: Reader, raw: RawBlock) -> Table:
    (first_line, header_cells), *body = raw.rows
    header = tuple(reader.text(c, first_line) for c in header_cells)
    rows = []
    for line, cells in body:
        if len(cells) > len(header) and any(cells[len(header):]):
            reader.problem(line, f"this table row has {len(cells)} cells but the table's header has "
                                 f"{len(header)}")
        cells = (cells + [""] * len(header))[:len(header)]
        rows.append(tuple(reader.text(c, line).replace("|", "/") for c in cells))
    return Table(tuple(h.replace("|", "/") for h in header), tuple(rows))


def _list(reader: Reader, raw: RawBlock) -> BulletList:
    items = []
    for line, indent, number, text in raw.items:
        label = f"{number}." if number else ""
        if not number:
            match = _LABEL.match(text.strip())
            if match:
                label, text = match.group(1), match.group(2)
        items.append(ListItem(reader.text(text, line), label, min(indent // 2, 3)))
    return BulletList(tuple(items))


def _control_row(reader: Reader, table_line: int, offset: int, cells: tuple[str, ...]) -> ControlRow:
    """One version row, checked against what the sla_templates columns can hold."""
    version, released, notice, pages, remarks = cells
    where = f"document control row {offset}"
    if not version:
        reader.problem(table_line, f"{where} has no version")
    elif len(version) > FIELD_LIMITS["version"]:
        reader.problem(table_line, f"{where}: version {version!r} is longer than {FIELD_LIMITS['version']} "
                                   "characters")
    when = _release_date(released)
    if when is None:
        reader.problem(table_line, f"{where}: {released!r} is not a date (e.g. 1 April 2026)")
    if len(notice) > FIELD_LIMITS["change notice"]:
        reader.problem(table_line, f"{where}: the change notice is longer than {FIELD_LIMITS['change notice']} "
                                   "characters")
    if len(pages) > FIELD_LIMITS["pages affected"]:
        reader.problem(table_line, f"{where}: pages affected is longer than {FIELD_LIMITS['pages affected']} "
                                   "characters")
    return ControlRow(version, released, when, notice, pages, remarks)


def _control(reader: Reader, tables: list[tuple[int, Table]], line: int) -> tuple[ControlRow, ...]:
    if not tables:
        reader.problem(line, "the document control section has no table; it needs one with the columns "
                             + " | ".join(CONTROL_COLUMNS))
        return ()
    table_line, table = tables[0]
    if tuple(h.lower() for h in table.header) != tuple(c.lower() for c in CONTROL_COLUMNS):
        reader.problem(table_line, f"the document control table's columns are {' | '.join(table.header)}; "
                                   f"they must be {' | '.join(CONTROL_COLUMNS)}")
        return ()
    if not table.rows:
        reader.problem(table_line, "the document control table has no version row")
    return tuple(_control_row(reader, table_line, offset, cells)
                 for offset, cells in enumerate(table.rows, start=1))


def _merge_tables(blocks: list[Block]) -> list[Block]:
    """A table continued after a page break repeats its header (the seed's §3): one table."""
    merged: list[Block] = []
    for block in blocks:
        if isinstance(block, Table) and merged and isinstance(merged[-1], Table) and \
                merged[-1].header == block.header:
            merged[-1] = Table(block.header, merged[-1].rows + block.rows)
        else:
            merged.append(block)
    return merged


def _is_stand_in(block: Block) -> bool:
    if isinstance(block, Paragraph):
        # In 4.2 and 4.3 the one-column header "Service Title" runs into the stand-in text.
        return block.text.lower().removeprefix("service title ").startswith(_STAND_IN)
    if isinstance(block, Table):
        return any(cell.lower().startswith(_STAND_IN) for row in block.rows for cell in row)
    return False


def _replace_stand_ins(number: str, blocks: list[Block], notes: list[str]) -> list[Block]:
    """The seed says "On subscription to a service, this page ... will be completed" where
    the agreement's own lists go: that text stands for the block placeholder."""
    slot = next((name for name, (home, _) in BLOCK_PLACEHOLDERS.items() if home == number), None)
    if slot is None or not any(_is_stand_in(b) for b in blocks):
        return blocks
    result: list[Block] = []
    for block in blocks:
        if not _is_stand_in(block):
            result.append(block)
            continue
        if result and isinstance(result[-1], Paragraph) and result[-1].text.lower() == "service title":
            result.pop()  # the stand-in's one-column header, written as a line of text
        result.append(Slot(slot))
        if isinstance(block, Paragraph) and block.text.lower().startswith(_STAND_IN):
            rest = re.split(r"(?<=\.)\s+", block.text, maxsplit=1)
            if len(rest) == 2:
                result.append(Paragraph(rest[1]))
        notes.append(f"section {number}: the text \"On subscription to a service ...\" stands for "
                     f"[{slot}] and was replaced by it")
    return result


def _cover_title(texts: list[str]) -> str:
    title = _YEAR_RANGE.sub("", " ".join(texts))
    title = re.sub(r"\s+", " ", title).strip(" -–")
    return title[:FIELD_LIMITS["title"]] or DEFAULT_TITLE


class _Assembly:
    """Where the reading is (cover, document control, contents or a section) and what it has so far."""

    def __init__(self, reader: Reader, notes: list[str]) -> None:
        self.reader = reader
        self.notes = notes
        self.mode = "cover"  # cover | control | skip | section
        self.cover: list[str] = []
        self.control: tuple[ControlRow, ...] | None = None
        self.control_line = 0
        self.control_tables: list[tuple[int, Table]] = []
        self.sections: list[Section] = []
        self.current: list[Block] = []

    def close(self) -> None:
        """Finish the part being read: its control rows, or the section's body."""
        if self.mode == "control":
            self.control = _control(self.reader, self.control_tables, self.control_line)
        elif self.mode == "section" and self.sections:
            number = self.sections[-1].number
            body = _replace_stand_ins(number, _merge_tables(self.current), self.notes)
            self.sections[-1] = replace(self.sections[-1], blocks=tuple(body))

    def heading(self, raw: RawBlock) -> None:
        """A heading starts a section, the document control or the contents, or is cover text."""
        text = self.reader.text(raw.text, raw.line)
        numbered = _NUMBERED.match(text)
        lowered = text.lower().rstrip(":")
        if numbered or lowered == "document control" or lowered in _CONTENTS or not self.sections:
            self.close()
            self.current = []
        if numbered:
            self.sections.append(Section(numbered.group(1), numbered.group(2).strip(), (), raw.line))
            self.mode = "section"
        elif lowered == "document control":
            if self.control is not None or self.mode == "control":
                self.reader.problem(raw.line, "a second document control section")
            self.mode, self.control_line, self.control_tables = "control", raw.line, []
        elif lowered in _CONTENTS:
            self.mode = "skip"  # the contents page is built from the numbered headings
        elif not self.sections:
            self.cover.append(text)
            self.mode = "cover"
        else:
            # An unnumbered heading inside a section (the seed's §12) reads as a line of text:
            # the contents page lists numbered sections only.
            self.current.append(Paragraph(text))
            self.notes.append(f"line {raw.line}: the unnumbered heading \"{text}\" became a line of text in "
                              f"section {self.sections[-1].number}")

    def body(self, raw: RawBlock) -> None:
        """A paragraph, list or table: cover text, a control table, or part of the section."""
        if self.mode == "skip":
            return
        if self.mode == "control":
            if raw.kind == "table":
                self.control_tables.append((raw.line, _table(self.reader, raw)))
            return
        if raw.kind == "para":
            text = self.reader.text(raw.text, raw.line, block_ok=True)
            if self.mode == "cover":
                self.cover.append(text)
                return
            bare = text[1:-1] if text.startswith("[") and text.endswith("]") else None
            self.current.append(Slot(bare, raw.line) if bare in BLOCK_PLACEHOLDERS else Paragraph(text))
        elif self.mode == "cover":
            return  # a list or table on the cover page says nothing the document keeps
        elif raw.kind == "list":
            self.current.append(_list(self.reader, raw))
        elif raw.kind == "table":
            self.current.append(_table(self.reader, raw))


def assemble(reader: Reader, blocks: list[RawBlock],
             notes: list[str]) -> tuple[str, tuple[ControlRow, ...] | None, list[Section]]:
    """The cover title, the document control rows (None without that section) and the sections."""
    assembly = _Assembly(reader, notes)
    for raw in blocks:
        if raw.kind == "heading":
            assembly.heading(raw)
        else:
            assembly.body(raw)
    assembly.close()
    return _cover_title(assembly.cover), assembly.control, assembly.sections
