"""Reading a template's lines: Markdown (ours or the customer's export) -> raw blocks of plain text.

The first pass of ``read_template``: lines become headings, paragraphs, lists and
tables (``raw_blocks``), and the ``Reader`` turns their text into plain text with
every placeholder checked against the catalogue, collecting problems by line.
Pure Python: no Flask, no database.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from documents.catalogue import BLOCK_PLACEHOLDERS, BRACKETED, catalogue_name, closest_name

__all__ = ["Reader", "RawBlock", "raw_blocks", "plain"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_LIST = re.compile(r"^( *)(?:([-*+•])|(\d{1,3})[.)])\s+(.*)$")
_PIPE_SEPARATOR = re.compile(r"^:?-+:?$")


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


def plain(raw: str) -> str:
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


class Reader:
    """Collects problems with their line numbers while reading one file."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []

    def problem(self, line: int, reason: str) -> None:
        """Note a problem on a line (0: the file as a whole)."""
        self.problems.append((line, reason))

    def text(self, raw: str, line: int, *, block_ok: bool = False) -> str:
        """Plain text with every placeholder checked and spelt as in the catalogue."""
        text = plain(raw)

        def canonical(match: re.Match) -> str:
            inner = re.sub(r"\s+", " ", match.group(1).strip())
            name = catalogue_name(inner)
            if name is None:
                close = closest_name(inner)
                hint = f" (did you mean [{close}]?)" if close else ""
                self.problem(line, f"unknown placeholder [{match.group(1)}]{hint}")
                return match.group(0)
            if name in BLOCK_PLACEHOLDERS and not (block_ok and text.strip() == match.group(0)):
                self.problem(line, f"[{name}] is replaced by a whole table or list, so it must stand alone "
                                   "on its own line")
            return f"[{name}]"

        text = BRACKETED.sub(canonical, text)
        leftover = BRACKETED.sub("", text)
        if "[" in leftover or "]" in leftover:
            self.problem(line, "a square bracket that does not close a placeholder: square brackets are kept "
                               "for [placeholders]")
        return text


# -- lines -> raw blocks ---------------------------------------------------------------

@dataclass
class RawBlock:
    """A block as written, before its text is read: a heading, paragraph, list or table."""

    kind: str  # heading | para | list | table
    line: int
    text: str = ""
    items: list | None = None  # [line, indent, number, text] per list item
    rows: list | None = None  # (line, cells) per table row


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


def _list_block(lines: list[str], i: int) -> tuple[RawBlock, int]:
    """The list starting at line index ``i``, and the index after it."""
    number = i + 1
    items: list[list] = []
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
    return RawBlock("list", number, items=items), i


def _table_block(lines: list[str], i: int) -> tuple[RawBlock | None, int]:
    """The table starting at line index ``i`` (None if it is all separators), and the index after it."""
    number = i + 1
    rows = []
    while i < len(lines) and lines[i].strip() and _is_table_line(lines[i]):
        cells = _cells(lines[i])
        if not all(_PIPE_SEPARATOR.match(c) for c in cells if c) or not any(cells):
            rows.append((i + 1, cells))
        i += 1
    return (RawBlock("table", number, rows=rows) if rows else None), i


def _paragraph_block(lines: list[str], i: int) -> tuple[RawBlock, int]:
    """The paragraph starting at line index ``i`` (its lines joined), and the index after it."""
    number = i + 1
    text = [lines[i].strip()]
    i += 1
    while i < len(lines) and not _starts_block(lines[i]):
        text.append(lines[i].strip())
        i += 1
    return RawBlock("para", number, " ".join(text)), i


def raw_blocks(lines: list[str]) -> list[RawBlock]:
    """The file's lines as raw blocks, in order; blank lines and horizontal rules dropped."""
    blocks: list[RawBlock] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped or _RULE.match(stripped):
            i += 1
            continue
        heading = _HEADING.match(stripped)
        if heading:
            # The section number gives the level, not the count of #: the seed mixes them up.
            blocks.append(RawBlock("heading", i + 1, heading.group(2)))
            i += 1
            continue
        if _LIST.match(lines[i]):
            block, i = _list_block(lines, i)
        elif _is_table_line(lines[i]):
            block, i = _table_block(lines, i)
        else:
            block, i = _paragraph_block(lines, i)
        if block is not None:
            blocks.append(block)
    return blocks
