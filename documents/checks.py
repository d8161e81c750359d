"""The checks on a read template, and completing it with the block placeholders it leaves out.

The third pass of ``read_template``: sections numbered 1 to 14, in order and nested
by their numbers; [DATE] twice or not at all; each block placeholder once. A template
that passes is then completed, so that a filled document always carries every list.
Pure Python: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import replace

from documents.catalogue import BLOCK_PLACEHOLDERS, REQUIRED_SECTIONS
from documents.model import Section, Slot
from documents.reading import Reader

__all__ = ["check_sections", "check_placeholders", "complete"]


def _check_nesting(reader: Reader, sections: list[Section]) -> None:
    """Each number once, and each subsection inside the section its number names."""
    seen: dict[str, int] = {}
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


def check_sections(reader: Reader, sections: list[Section]) -> None:
    """The numbered sections 1 to 14, in order, each subsection inside its parent."""
    _check_nesting(reader, sections)
    tops = [s for s in sections if s.level == 1]
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


def check_placeholders(reader: Reader, sections: list[Section]) -> None:
    """[DATE] twice (start, then end: §2.2) or not at all; each block placeholder at most once."""
    dates = sum(text.count("[DATE]") for s in sections for text in s.texts())
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


def complete(sections: list[Section], notes: list[str]) -> list[Section]:
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
