"""A template as the SLA team hands it in: the uploaded file decoded, checked as an import,
and the next free version number for a new draft.

Refusals are ``ImportRefused``, as for every other import, so that the pages show a
template's problems the way they show a spreadsheet's. Pure Python: no Flask, no database.
"""
from __future__ import annotations

import re

from documents.template import TemplateCheck, TemplateRefused, read_template
from pricing.errors import ImportRefused, Problem

__all__ = ["decode_template", "check_template", "next_version"]


def decode_template(data: bytes | str, source: str) -> str:
    """The file's text: UTF-8 (with or without BOM) or, as Word saves it, Windows-1252."""
    if isinstance(data, str):
        return data
    if b"\x00" in data:
        raise ImportRefused(Problem(None, None, f"{source} is not a Markdown text file"), source)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(Problem(None, None, f"{source} is not UTF-8 or Windows-1252 text"), source)


def check_template(text: str, source: str) -> TemplateCheck:
    """``read_template``, with its refusal as an ``ImportRefused`` naming every problem."""
    try:
        return read_template(text, source)
    except TemplateRefused as exc:
        raise ImportRefused([Problem(None, None, p) for p in exc.problems], source) from None


def next_version(version: str, taken: set[str]) -> str:
    """``version`` if it is free, else the next one not in ``taken``: 1.1 -> 1.2, 1.0a -> 1.0a.1."""
    match = re.fullmatch(r"(.*?)(\d+)", version)
    candidate = version
    while candidate in taken:
        if match:
            candidate = f"{match.group(1)}{int(match.group(2)) + 1}"
            match = re.fullmatch(r"(.*?)(\d+)", candidate)
        else:
            candidate = f"{version}.1"
            match = re.fullmatch(r"(.*?)(\d+)", candidate)
    return candidate
