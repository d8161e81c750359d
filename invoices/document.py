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

    @property
    def title(self) -> str:
        """What the document is called at its head."""
        return "Credit note" if self.kind == "credit_note" else "Invoice"
