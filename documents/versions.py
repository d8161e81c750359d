"""A template as the SLA team hands it in: the uploaded file decoded, checked as an import,
and the next free version number for a new draft.

Refusals are ``ImportRefused``, as for every other import, so that the pages show a
template's problems the way they show a spreadsheet's. Pure Python: no Flask, no database.
"""
from __future__ import annotations

import codecs
import re

from documents.service_levels import read_service_levels
from documents.template import TemplateCheck, TemplateRefused, read_template
from pricing.errors import ActionRefused, ImportRefused, Problem
from pricing.text import EncodingRefused, decode
from servicedesk.targets import TargetTable

__all__ = ["APPLIES_TO", "applies_to", "decode_template", "check_template", "check_service_levels", "next_version"]

#: Whose agreements a version is issued on (DESIGN "Customer type"): every school, or one type.
APPLIES_TO = {"all": "maintained schools and academies", "maintained": "maintained schools",
              "academy": "academies"}


def decode_template(data: bytes | str, source: str) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with its BOM or, as Word saves it, Windows-1252."""
    if isinstance(data, str):
        return data
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRefused(Problem(None, None, f"{source} is not a Markdown text file"), source)
    try:  # the one decoding every import uses (issue #27): UTF-16 with its mark too
        return decode(data)
    except EncodingRefused as exc:
        raise ImportRefused(Problem(None, None, f"{source}: {exc}"), source) from None


def check_template(text: str, source: str) -> TemplateCheck:
    """``read_template``, with its refusal as an ``ImportRefused`` naming every problem."""
    try:
        return read_template(text, source)
    except TemplateRefused as exc:
        raise ImportRefused([Problem(None, None, p) for p in exc.problems], source) from None


def check_service_levels(text: str, source: str, version: str) -> TargetTable:
    """§6.2, §7.2, §11.1: the service levels the version's own tables state, which its tickets are
    measured against; an ``ImportRefused`` naming the line of each figure that cannot be read."""
    try:
        return read_service_levels(text, f"SLA template v{version}", source)
    except TemplateRefused as exc:
        raise ImportRefused([Problem(None, None, p) for p in exc.problems], source) from None


def applies_to(value: str) -> str:
    """A version applies to ``all`` schools, ``maintained`` schools or ``academy`` schools only."""
    if value not in APPLIES_TO:
        raise ActionRefused(f"a template version applies to {', '.join(APPLIES_TO)}, not {value!r}")
    return value


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
