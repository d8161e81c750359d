"""What an SLA template may say: its placeholders, its sections and its document control.

The catalogue is shared by reading (a placeholder is checked against it), completing
(a block placeholder left out goes to its home section) and the template pages, which
list it for the SLA team. Pure Python: no Flask, no database.
"""
from __future__ import annotations

import difflib
import re

from documents.model import Slot, Template

__all__ = ["INLINE_PLACEHOLDERS", "BLOCK_PLACEHOLDERS", "CONTROL_COLUMNS", "REQUIRED_SECTIONS", "DEFAULT_TITLE",
           "FIELD_LIMITS", "BRACKETED", "catalogue_name", "closest_name", "placeholders_in"]

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
FIELD_LIMITS = {"version": 20, "change notice": 200, "pages affected": 100, "title": 200}

#: A [placeholder] as written in a template's text.
BRACKETED = re.compile(r"\[([^\[\]\n]*)\]")
_BY_KEY = {name.lower(): name for name in (*INLINE_PLACEHOLDERS, *BLOCK_PLACEHOLDERS)}


def catalogue_name(written: str) -> str | None:
    """The placeholder as the catalogue spells it, whatever its case; None when unknown."""
    return _BY_KEY.get(written.lower())


def closest_name(written: str) -> str | None:
    """The catalogue's placeholder a mistyped one most likely meant, if any is close."""
    close = difflib.get_close_matches(written.lower(), list(_BY_KEY), n=1, cutoff=0.75)
    return _BY_KEY[close[0]] if close else None


def placeholders_in(template: Template) -> list[str]:
    """The placeholders the template uses, inline and block, in catalogue order."""
    used: set[str] = set()
    for section in template.sections:
        for text in section.texts():
            used.update(m.group(1) for m in BRACKETED.finditer(text))
        used.update(b.name for b in section.blocks if isinstance(b, Slot))
    return [name for name in (*INLINE_PLACEHOLDERS, *BLOCK_PLACEHOLDERS) if name in used]
