"""Billing a trust (issue #29, DESIGN "Trusts"): who an academy's invoice is addressed to, and what
a consolidated invoice holds.

Pure Python. A trust billed ``per_academy`` (the default) gets one invoice per academy, addressed to
the trust as the buyer and naming the academy, with that academy's order number. A trust billed
``consolidated`` gets one invoice per run: a section per academy with its lines and order number,
and the VAT worked out per code over the whole invoice (EN 16931), not summed from the sections.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from invoices.building import DraftInvoice

PER_ACADEMY = "per_academy"
CONSOLIDATED = "consolidated"


@dataclass(frozen=True)
class Buyer:
    """A trust as the buyer of an academy's invoice, as it is on the day the invoice is issued."""

    trust_id: int
    code: str
    name: str
    street: str
    town: str
    postcode: str
    billing: str

    @property
    def consolidated(self) -> bool:
        return self.billing == CONSOLIDATED


@dataclass(frozen=True)
class Section:
    """One academy's part of a consolidated invoice."""

    school_id: int
    agreement_id: int | None
    urn: int
    name: str
    po_number: str

    @property
    def label(self) -> str:
        return f"{self.name} (URN {self.urn})"


def consolidate(parts: Iterable[tuple[Section, DraftInvoice]]) -> tuple[DraftInvoice, list[Section]]:
    """One draft holding every part's lines, a section per academy in name then URN order, each
    academy's periods together; with the section of each line (in the lines' order).

    The merged draft totals its own lines: VAT per code over the whole invoice, so it can differ
    from the sum of what separate invoices would have charged by rounding, never by more.
    """
    ordered = sorted(parts, key=lambda part: (part[0].name.lower(), part[0].urn, _start(part[1])))
    merged = DraftInvoice(None, None)
    sections: list[Section] = []
    for section, draft in ordered:
        merged.lines.extend(draft.lines)
        sections.extend([section] * len(draft.lines))
    return merged, sections


def _start(draft: DraftInvoice) -> date:
    return draft.period.start if draft.period is not None else date.max


def span(drafts: Sequence[DraftInvoice]) -> tuple[date, date] | None:
    """The first to the last day the drafts' periods cover (None when none has a period)."""
    periods = [d.period for d in drafts if d.period is not None]
    if not periods:
        return None
    return min(p.start for p in periods), max(p.end for p in periods)


def common_po(sections: Iterable[Section]) -> str:
    """The order number for the invoice's head: the academies' one when they share it, else none
    (each section carries its own)."""
    numbers = {s.po_number.strip() for s in sections}
    return numbers.pop() if len(numbers) == 1 else ""

