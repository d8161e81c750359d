"""Re-issuing an agreement under a newer SLA template version (issue #31). Pure Python.

An agreement keeps the template version it was issued under: its document prints that
version's text and service levels, and the service desk report measures its school's tickets
against them. Re-issuing moves a live agreement to the newest published version for its
customer type; its prices, services and term stay as issued.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from agreements.lifecycle import STATUS_NAMES

#: Only a live agreement is re-issued: a draft is not issued yet, an ended or cancelled one is over.
REISSUABLE = ("active", "notice_given")


@dataclass(frozen=True)
class ReissueFacts:
    """What the rule needs to know about the agreement and the versions."""

    name: str
    status: str
    term_end: date
    version: str | None           # the version it was issued under (None: none recorded)
    newest: str                   # the newest published version for its customer type
    on_newest: bool               # its version is that one, or was published after it
    accepted_on: date | None      # made from a school's signed acceptance in the buying round


def reissue_refusal(facts: ReissueFacts, today: date) -> str | None:
    """Why the agreement cannot be re-issued under the newest version, or None when it can."""
    if facts.status == "draft":
        return f"{facts.name} is a draft: it is not issued yet, and issuing it uses the newest version"
    if facts.status not in REISSUABLE:
        return (f"{facts.name} is {STATUS_NAMES.get(facts.status, facts.status).lower()}: only an active agreement, "
                "or one under notice, is re-issued")
    if facts.term_end < today:
        return f"{facts.name}'s term ended on {facts.term_end.day} {facts.term_end:%B %Y}: it is not re-issued"
    if facts.on_newest:
        return f"{facts.name} is already on the newest SLA template version for it (v{facts.version})"
    if facts.accepted_on is not None:
        # DESIGN "An acceptance stands": the PDF the school signed is the agreement's document.
        return (f"{facts.name} was accepted by the school on {facts.accepted_on.day} {facts.accepted_on:%B %Y}: "
                "the PDF it signed is the agreement's document, so it is not re-issued under another version")
    return None
