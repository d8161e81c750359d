"""What an invoice or credit note document shows: plain data for the renderers."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Issuer:
    council: str
    service: str
    address: str
    phone: str
    email: str
    vat_number: str
    payment_details: str


@dataclass(frozen=True)
class DocumentLine:
    position: int
    service_code: str
    description: str
    explanation: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    vat_code: str
    vat_rate: Decimal
    section: str = ""  # a consolidated trust invoice's academy (issue #29)
    section_po: str = ""


@dataclass(frozen=True)
class DocumentVat:
    code: str
    rate: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    kind: str  # invoice | credit_note
    issue_date: date
    due_date: date
    customer_name: str
    customer_urn: int
    customer_address: str
    customer_type: str
    po_number: str
    sla_year_label: str
    term: str | None
    period_start: date | None
    period_end: date | None
    description: str
    lines: tuple[DocumentLine, ...]
    vat: tuple[DocumentVat, ...]
    net: Decimal
    vat_total: Decimal
    gross: Decimal
    credited_number: str | None = None
    paid: Decimal = Decimal("0.00")
    outstanding: Decimal = Decimal("0.00")
    attachments: tuple[str, ...] = field(default_factory=tuple)
    # Issue #29: addressed to a trust (its code), naming the academy it is for (per academy billing).
    trust_code: str = ""
    billed_for: str = ""

    def sections(self) -> list[tuple[str, str, tuple[DocumentLine, ...], Decimal]]:
        """A consolidated invoice's lines by academy: (academy, order number, lines, net); [] otherwise."""
        grouped: list[tuple[str, str, list[DocumentLine]]] = []
        for line in self.lines:
            if not line.section:
                return []
            if not grouped or grouped[-1][0] != line.section:
                grouped.append((line.section, line.section_po, []))
            grouped[-1][2].append(line)
        return [(name, po, tuple(lines), sum((l.net for l in lines), Decimal("0.00"))) for name, po, lines in grouped]

    @property
    def title(self) -> str:
        """What the document is called at its head."""
        return "Credit note" if self.kind == "credit_note" else "Invoice"
