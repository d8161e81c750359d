"""Writing a template back as Markdown, in our own spelling (``sla_templates/README.md``).

What the application stores and the SLA team edits, whichever spelling it was read
from; reading it again gives the same ``Template``. Pure Python: no Flask, no database.
"""
from __future__ import annotations

from documents.catalogue import CONTROL_COLUMNS, DEFAULT_TITLE
from documents.model import Block, BulletList, Paragraph, Slot, Table, Template

__all__ = ["to_markdown"]


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, Slot):
        return [f"[{block.name}]"]
    if isinstance(block, BulletList):
        return ["  " * item.level + "- " + (f"{item.label} " if item.label else "") + item.text
                for item in block.items]
    if isinstance(block, Table):
        return [_row(block.header), "|" + "---|" * len(block.header),
                *(_row(tuple(cell or " " for cell in row)) for row in block.rows)]
    return []


def to_markdown(template: Template) -> str:
    """The template in our own spelling (sla_templates/README.md): what is stored and edited."""
    out: list[str] = []
    if template.title != DEFAULT_TITLE:
        out += [template.title, ""]
    out += ["## Document control", "", _row(CONTROL_COLUMNS), "|" + "---|" * len(CONTROL_COLUMNS)]
    for row in template.control:
        out.append(_row(row.cells()))
    out.append("")
    for section in template.sections:
        out += [f"{'#' * min(section.level, 6)} {section.number} {section.title}", ""]
        for block in section.blocks:
            out += _block_lines(block)
            out.append("")
    return "\n".join(out).rstrip() + "\n"
