"""Reading an SLA template: Markdown with [placeholders] -> a checked ``Template``.

Two spellings are understood. Our own (``sla_templates/README.md``): pipe tables,
``- a.`` lettered items, plain text. And the customer's 2022-23 SLA as it was
exported (``shared/seeds``): tab-separated tables, HTML bits (``<sup>``, ``<b>``,
``<ul><li>``, ``<a href>``), bold, Markdown links, a typed-out contents page, and
"On subscription to a service ..." stand-ins where the lists go. Both read into
the same ``Template``; ``to_markdown`` writes it back in our own spelling, which
is what the application stores and the SLA team edits.

Pure Python: no Flask, no database.
"""
from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from documents.model import Block, BulletList, ControlRow, ListItem, Paragraph, Section, Slot, Table, Template

__all__ = [
    "INLINE_PLACEHOLDERS", "BLOCK_PLACEHOLDERS", "CONTROL_COLUMNS", "REQUIRED_SECTIONS", "DEFAULT_TITLE",
    "TemplateRefused", "TemplateCheck", "read_template", "parse_template", "to_markdown", "placeholders_in",
    "with_every_block",
]

DEFAULT_TITLE = "Service Level Agreement"

#: Inline placeholders: replaced wherever they appear (text, tables, headings).
INLINE_PLACEHOLDERS: dict[str, str] = {
    "name of school": "the school's name (or the group's name)",
    "name or group of schools.": "the party: the school's name, or the group's name and its schools, "
                                 "ending with a full stop",
    "DATE": "used twice (2.2): first the agreement's start date, then its end date",
    "council name": "the council's name",
    "service name": "the council's ICT service name",
    "service desk phone": "the service desk's telephone number",
    "incident email": "the email address for reporting incidents",
    "request email": "the email address for service requests",
    "general email": "the email address for general enquiries",
    "sla queries phone": "the telephone number for SLA queries",
    "sla queries email": "the email address for SLA queries",
    "odm email": "the Operational Delivery Managers' shared email address",
    "head of service": "the name of the head of the ICT service",
    "head of service email": "the head of service's email address",
    "council address": "the council's postal address (after its name)",
    "website": "the service's web address for schools",
    "Operational Delivery Manager": "the agreement's nominated ODM, name and contact (§10.1)",
}

#: Block placeholders: alone on a line, replaced by generated content. Each has a home
#: section where it goes when a template leaves it out.
BLOCK_PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "schedule of charges": ("2.6", "the agreement's priced lines, each with its explanation"),
    "invoice schedule": ("2.7", "the invoice schedule for the school's customer type, with its periods"),
    "subscribed services table": ("4.1", "the subscribed services with their quantities"),
    "additional services table": ("4.2", "the services available at an additional charge"),
    "excluded services table": ("4.3", "the services specifically excluded"),
    "key stakeholders table": ("9.6", "the school's key stakeholders: name, role, email, phone"),
    "service details": ("13", "the description of each subscribed service"),
}

CONTROL_COLUMNS = ("Version", "Date Released", "Change Notice", "Pages Affected", "Remarks")
REQUIRED_SECTIONS = tuple(str(n) for n in range(1, 15))
# Column sizes of sla_templates (models/sla_template.py): longer values cannot be stored.
_MAX = {"version": 20, "change notice": 200, "pages affected": 100, "title": 200}

_BY_KEY = {name.lower(): name for name in (*INLINE_PLACEHOLDERS, *BLOCK_PLACEHOLDERS)}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_LIST = re.compile(r"^( *)(?:([-*+•])|(\d{1,3})[.)])\s+(.*)$")
_LABEL = re.compile(r"^((?:[a-z]|[ivx]{1,5}|\d{1,3})[.)])\s+(.*)$")
_PIPE_SEPARATOR = re.compile(r"^:?-+:?$")
_BRACKETED = re.compile(r"\[([^\[\]\n]*)\]")
_YEAR_RANGE = re.compile(r"\b\d{4}\s*[-–/]\s*\d{2,4}\b")
_STAND_IN = "on subscription to a service"


class TemplateRefused(Exception):
    """A file that is not a usable SLA template; ``problems`` say where and why."""

    def __init__(self, problems: list[str], source: str = "template"):
        self.problems = problems
        self.source = source
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class TemplateCheck:
    """A template that passed its checks, and notes on what reading it changed or added."""

    template: Template
    notes: tuple[str, ...]


# -- inline text ----------------------------------------------------------------------

def _link(text: str, href: str) -> str:
    """A hyperlink as plain text: the address alone when the text already says it."""
    href = href.strip()
    target = href[len("mailto:"):] if href.lower().startswith("mailto:") else href
    bare = re.sub(r"^https?://", "", target).rstrip("/")
    text = text.strip()
    if not text or text.rstrip("/") in (target.rstrip("/"), bare):
        return text or bare
    return f"{text} ({target})"


def _plain(raw: str) -> str:
    """Markdown-ish text with HTML bits -> plain text (placeholders left as they are)."""
    text = re.sub(r"<a\s[^>]*?href=\"([^\"]*)\"[^>]*>(.*?)</a>", lambda m: _link(m.group(2), m.group(1)), raw,
                  flags=re.I | re.S)
    text = re.sub(r"\[([^\[\]]+)\]\(([^()\s]+)\)", lambda m: _link(m.group(1), m.group(2)), text)
    text = re.sub(r"<((?:https?://|mailto:)[^<>\s]+)>", lambda m: _link("", m.group(1)), text, flags=re.I)
    # "2 <sup>nd</sup> August" is "2nd August": the superscript belongs to the number.
    text = re.sub(r"\s*<su[pb]>(.*?)</su[pb]>", r"\1", text, flags=re.I | re.S)
    text = re.sub(r"\.?\s*</li>\s*<li[^>]*>", "; ", text, flags=re.I)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = re.sub(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>", "", text)
    text = text.replace("**", "").replace("__", "")
    text = html.unescape(text)
    text = re.sub(r"(^|;\s)•\s*", r"\1", text.strip())
    return re.sub(r"\s+", " ", text).strip()


class _Reader:
    """Collects problems with their line numbers while reading one file."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []

    def problem(self, line: int, reason: str) -> None:
        self.problems.append((line, reason))

    def text(self, raw: str, line: int, *, block_ok: bool = False) -> str:
        """Plain text with every placeholder checked and spelt as in the catalogue."""
        text = _plain(raw)

        def canonical(match: re.Match) -> str:
            inner = re.sub(r"\s+", " ", match.group(1).strip())
            name = _BY_KEY.get(inner.lower())
            if name is None:
                close = difflib.get_close_matches(inner.lower(), list(_BY_KEY), n=1, cutoff=0.75)
                hint = f" (did you mean [{_BY_KEY[close[0]]}]?)" if close else ""
                self.problem(line, f"unknown placeholder [{match.group(1)}]{hint}")
                return match.group(0)
            if name in BLOCK_PLACEHOLDERS and not (block_ok and text.strip() == match.group(0)):
                self.problem(line, f"[{name}] is replaced by a whole table or list, so it must stand alone "
                                   "on its own line")
            return f"[{name}]"

        text = _BRACKETED.sub(canonical, text)
        leftover = _BRACKETED.sub("", text)
        if "[" in leftover or "]" in leftover:
            self.problem(line, "a square bracket that does not close a placeholder: square brackets are kept "
                               "for [placeholders]")
        return text


# -- lines -> raw blocks ---------------------------------------------------------------

@dataclass
class _Raw:
    kind: str  # heading | para | list | table
    line: int
    text: str = ""
    items: list | None = None
    rows: list | None = None


def _is_table_line(line: str) -> bool:
    return line.lstrip().startswith("|") or "\t" in line.strip(" ")


def _cells(line: str) -> list[str]:
    stripped = line.strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
        if stripped.endswith("|"):
            stripped = stripped[:-1]
        return [c.strip() for c in stripped.split("|")]
    return [c.strip() for c in line.strip(" \n").split("\t")]


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return (not stripped or bool(_HEADING.match(stripped)) or bool(_RULE.match(stripped))
            or bool(_LIST.match(line)) or _is_table_line(line))


def _raw_blocks(lines: list[str]) -> list[_Raw]:
    blocks: list[_Raw] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        number = i + 1
        if not stripped or _RULE.match(stripped):
            i += 1
            continue
        heading = _HEADING.match(stripped)
        if heading:
            # The section number gives the level, not the count of #: the seed mixes them up.
            blocks.append(_Raw("heading", number, heading.group(2)))
            i += 1
            continue
        if _LIST.match(line):
            items = []
            while i < len(lines):
                match = _LIST.match(lines[i])
                if match:
                    items.append([i + 1, len(match.group(1)), match.group(3), match.group(4)])
                    i += 1
                elif lines[i].strip() and lines[i].startswith("  ") and not _starts_block(lines[i]) and items:
                    items[-1][3] += " " + lines[i].strip()  # an indented continuation of the item
                    i += 1
                elif not lines[i].strip():
                    ahead = i
                    while ahead < len(lines) and not lines[ahead].strip():
                        ahead += 1
                    if ahead < len(lines) and _LIST.match(lines[ahead]):
                        i = ahead  # a list interrupted by blank lines carries on
                    else:
                        break
                else:
                    break
            blocks.append(_Raw("list", number, items=items))
            continue
        if _is_table_line(line):
            rows = []
            while i < len(lines) and lines[i].strip() and _is_table_line(lines[i]):
                cells = _cells(lines[i])
                if not all(_PIPE_SEPARATOR.match(c) for c in cells if c) or not any(cells):
                    rows.append((i + 1, cells))
                i += 1
            if rows:
                blocks.append(_Raw("table", number, rows=rows))
            continue
        text = [stripped]
        i += 1
        while i < len(lines) and not _starts_block(lines[i]):
            text.append(lines[i].strip())
            i += 1
        blocks.append(_Raw("para", number, " ".join(text)))
    return blocks


# -- raw blocks -> template -------------------------------------------------------------

def _release_date(text: str) -> date | None:
    cleaned = re.sub(r"(\d+)\s*(st|nd|rd|th)\b", r"\1", text.strip(), flags=re.I)
    for fmt in ("%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%B %d %Y", "%d %B, %Y"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _table(reader: _Reader, raw: _Raw) -> Table:
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


def _list(reader: _Reader, raw: _Raw) -> BulletList:
    items = []
    for line, indent, number, text in raw.items:
        label = f"{number}." if number else ""
        if not number:
            match = _LABEL.match(text.strip())
            if match:
                label, text = match.group(1), match.group(2)
        items.append(ListItem(reader.text(text, line), label, min(indent // 2, 3)))
    return BulletList(tuple(items))


def _control(reader: _Reader, tables: list[tuple[int, Table]], line: int) -> tuple[ControlRow, ...]:
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
    rows = []
    for offset, cells in enumerate(table.rows, start=1):
        version, released, notice, pages, remarks = cells
        where = f"document control row {offset}"
        if not version:
            reader.problem(table_line, f"{where} has no version")
        elif len(version) > _MAX["version"]:
            reader.problem(table_line, f"{where}: version {version!r} is longer than {_MAX['version']} characters")
        when = _release_date(released)
        if when is None:
            reader.problem(table_line, f"{where}: {released!r} is not a date (e.g. 1 April 2026)")
        if len(notice) > _MAX["change notice"]:
            reader.problem(table_line, f"{where}: the change notice is longer than {_MAX['change notice']} characters")
        if len(pages) > _MAX["pages affected"]:
            reader.problem(table_line, f"{where}: pages affected is longer than {_MAX['pages affected']} characters")
        rows.append(ControlRow(version, released, when, notice, pages, remarks))
    return tuple(rows)


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
    return title[:_MAX["title"]] or DEFAULT_TITLE


def _assemble(reader: _Reader, blocks: list[_Raw], notes: list[str]) -> tuple[str, tuple[ControlRow, ...] | None,
                                                                           list[Section]]:
    cover: list[str] = []
    control: tuple[ControlRow, ...] | None = None
    control_line = 0
    control_tables: list[tuple[int, Table]] = []
    sections: list[Section] = []
    current: list[Block] = []
    mode = "cover"

    def close() -> None:
        nonlocal control
        if mode == "control":
            control = _control(reader, control_tables, control_line)
        elif mode == "section" and sections:
            number = sections[-1].number
            body = _replace_stand_ins(number, _merge_tables(current), notes)
            sections[-1] = replace(sections[-1], blocks=tuple(body))

    for raw in blocks:
        if raw.kind == "heading":
            text = reader.text(raw.text, raw.line)
            numbered = _NUMBERED.match(text)
            lowered = text.lower().rstrip(":")
            if numbered or lowered in ("document control", "contents", "table of contents") or not sections:
                close()
                current = []
            if numbered:
                sections.append(Section(numbered.group(1), numbered.group(2).strip(), (), raw.line))
                mode = "section"
            elif lowered == "document control":
                if control is not None or mode == "control":
                    reader.problem(raw.line, "a second document control section")
                mode, control_line, control_tables = "control", raw.line, []
            elif lowered in ("contents", "table of contents"):
                mode = "skip"  # the contents page is built from the numbered headings
            elif not sections:
                cover.append(text)
                mode = "cover"
            else:
                # An unnumbered heading inside a section (the seed's §12) reads as a line of text:
                # the contents page lists numbered sections only.
                current.append(Paragraph(text))
                notes.append(f"line {raw.line}: the unnumbered heading \"{text}\" became a line of text in "
                             f"section {sections[-1].number}")
            continue
        if mode == "skip":
            continue
        if mode == "control":
            if raw.kind == "table":
                control_tables.append((raw.line, _table(reader, raw)))
            continue
        if raw.kind == "para":
            text = reader.text(raw.text, raw.line, block_ok=True)
            if mode == "cover":
                cover.append(text)
                continue
            bare = text[1:-1] if text.startswith("[") and text.endswith("]") else None
            current.append(Slot(bare, raw.line) if bare in BLOCK_PLACEHOLDERS else Paragraph(text))
        elif mode == "cover":
            continue
        elif raw.kind == "list":
            current.append(_list(reader, raw))
        elif raw.kind == "table":
            current.append(_table(reader, raw))
    close()
    return _cover_title(cover), control, sections


# -- checks -------------------------------------------------------------------------------

def _check_sections(reader: _Reader, sections: list[Section]) -> None:
    seen: dict[str, int] = {}
    tops = [s for s in sections if s.level == 1]
    parents: dict[int, str] = {}
    for section in sections:
        if section.number in seen:
            reader.problem(section.line, f"section {section.number} appears twice (first on line "
                                         f"{seen[section.number]})")
        seen.setdefault(section.number, section.line)
        if section.level > 1:
            parent = section.number.rsplit(".", 1)[0]
            if parents.get(section.level - 1) != parent:
                reader.problem(section.line, f"section {section.number} is not inside section {parent}")
        parents[section.level] = section.number
        for deeper in [k for k in parents if k > section.level]:
            del parents[deeper]
    numbers = [int(s.number) for s in tops]
    missing = [n for n in REQUIRED_SECTIONS if int(n) not in numbers]
    if missing:
        reader.problem(0, f"section{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                          f"{'are' if len(missing) > 1 else 'is'} missing: an SLA template has the numbered "
                          "sections 1 to 14 (e.g. '# 1 Introduction')")
    for before, after in zip(tops, tops[1:]):
        if int(after.number) <= int(before.number):
            reader.problem(after.line, f"section {after.number} comes after section {before.number}; "
                                       "sections must be in order")


def _texts(section: Section):
    yield section.line, section.title
    for block in section.blocks:
        if isinstance(block, Paragraph):
            yield section.line, block.text
        elif isinstance(block, BulletList):
            for item in block.items:
                yield section.line, item.text
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                for cell in row:
                    yield section.line, cell


def _check_placeholders(reader: _Reader, sections: list[Section]) -> None:
    dates = sum(text.count("[DATE]") for s in sections for _, text in _texts(s))
    if dates not in (0, 2):
        reader.problem(0, f"[DATE] appears {dates} time{'s' if dates != 1 else ''}: it stands for the start "
                          "and then the end date, so use it exactly twice (as in 2.2), or not at all")
    slots: dict[str, int] = {}
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Slot):
                if block.name in slots:
                    reader.problem(block.line, f"[{block.name}] appears twice (first on line {slots[block.name]})")
                slots.setdefault(block.name, block.line)


def _complete(sections: list[Section], notes: list[str]) -> list[Section]:
    """Put each block placeholder the template leaves out at the end of its home section,
    so that a filled document always carries the lists, charges and contacts."""
    present = {b.name for s in sections for b in s.blocks if isinstance(b, Slot)}
    result = list(sections)
    for name, (home, _) in BLOCK_PLACEHOLDERS.items():
        if name in present:
            continue
        numbers = [s.number for s in result]
        target = home if home in numbers else home.split(".")[0]  # e.g. 9 when there is no 9.6
        if target not in numbers:
            continue  # a missing top-level section is refused by the checks
        index = numbers.index(target)
        result[index] = replace(result[index], blocks=result[index].blocks + (Slot(name),))
        notes.append(f"[{name}] was not in the template: it was added at the end of section {target}; "
                     "move it if it belongs elsewhere")
    return result


# -- public -------------------------------------------------------------------------------

def read_template(text: str, source: str = "template") -> TemplateCheck:
    """Read and check a template; raise ``TemplateRefused`` naming every problem.

    A file with no numbered sections and no document control table is not an SLA
    template at all, and is refused as such rather than with a list of what it lacks.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reader = _Reader()
    notes: list[str] = []
    title, control, sections = _assemble(reader, _raw_blocks(lines), notes)
    if not sections and control is None:
        raise TemplateRefused([f"{source} is not an SLA template: it has no document control table and no "
                               "numbered sections (such as '# 1 Introduction')"], source)
    if control is None:
        reader.problem(0, "there is no document control section: start the template with '## Document control' "
                          "and a table with the columns " + " | ".join(CONTROL_COLUMNS))
    _check_sections(reader, sections)
    _check_placeholders(reader, sections)
    if reader.problems:
        problems = sorted(dict.fromkeys(reader.problems), key=lambda problem: problem[0])  # in reading order
        raise TemplateRefused([f"line {line}: {reason}" if line else reason for line, reason in problems], source)
    sections = _complete(sections, notes)
    return TemplateCheck(Template(title, control, tuple(sections)), tuple(notes))


def with_every_block(template: Template) -> Template:
    """The template with any block placeholder it lacks at the end of its home section."""
    return replace(template, sections=tuple(_complete(list(template.sections), [])))


def parse_template(text: str) -> Template:
    """The template in ``text`` (which must be valid: stored templates were checked)."""
    return read_template(text).template


def placeholders_in(template: Template) -> list[str]:
    """The placeholders the template uses, inline and block, in catalogue order."""
    used: set[str] = set()
    for section in template.sections:
        for _, text in _texts(section):
            used.update(m.group(1) for m in _BRACKETED.finditer(text))
        used.update(b.name for b in section.blocks if isinstance(b, Slot))
    return [name for name in (*INLINE_PLACEHOLDERS, *BLOCK_PLACEHOLDERS) if name in used]


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


def to_markdown(template: Template) -> str:
    """The template in our own spelling (sla_templates/README.md): what is stored and edited."""
    out: list[str] = []
    if template.title != DEFAULT_TITLE:
        out += [template.title, ""]
    out += ["## Document control", "", _row(CONTROL_COLUMNS), "|" + "---|" * len(CONTROL_COLUMNS)]
    for row in template.control:
        out.append(_row((row.version, row.released, row.change_notice, row.pages_affected, row.remarks)))
    out.append("")
    for section in template.sections:
        out += [f"{'#' * min(section.level, 6)} {section.number} {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Slot):
                out.append(f"[{block.name}]")
            elif isinstance(block, BulletList):
                out += ["  " * item.level + "- " + (f"{item.label} " if item.label else "") + item.text
                        for item in block.items]
            elif isinstance(block, Table):
                out += [_row(block.header), "|" + "---|" * len(block.header)]
                out += [_row(tuple(cell or " " for cell in row)) for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
