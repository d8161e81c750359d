"""The e-invoice's mapping rules (issue #32): what our invoice data means in UBL 2.1 under
Peppol BIS Billing 3.0 / EN 16931, as plain values the writer (invoices/ubl.py) only lays out.

Every rule here names the EN 16931 business rule (BR-...) or Peppol rule it satisfies.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CURRENCY = "GBP"
INVOICE_TYPE = "380"  # UNCL1001 commercial invoice
CREDIT_NOTE_TYPE = "381"  # UNCL1001 credit note
CREDIT_TRANSFER = "30"  # UNCL4461: BACS is a credit transfer (BR-61: needs the account, BT-84)
PENNY = Decimal("0.01")


class EInvoiceRefused(ValueError):
    """An e-invoice cannot be written: ``problems`` name each missing or wrong detail."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class VatCategory:
    """UNCL5305 VAT category of one of our VAT codes (BT-151/BT-118)."""

    code: str
    percent: Decimal | None  # None: "O" carries no rate (BR-O-05, BR-O-09)
    exemption_reason: str  # "" where EN 16931 forbids one (BR-S-10, BR-Z-10)


# Our VAT codes are named after UNCL5305's: S standard, Z zero, E exempt, O outside the scope.
_CATEGORIES = {
    "S": ("S", ""),
    "Z": ("Z", ""),
    "E": ("E", "Exempt from VAT"),  # BR-E-10: an exempt breakdown gives its reason
    "O": ("O", "Not subject to VAT"),  # BR-O-10: so does "not subject to VAT"
}


def vat_category(code: str, rate: Decimal) -> VatCategory:
    """The VAT category and percentage for one of our VAT codes at its rate (a fraction, 0.20)."""
    if code not in _CATEGORIES:
        raise EInvoiceRefused([f"VAT code {code!r} has no EN 16931 VAT category (known: S, Z, E, O)"])
    category, reason = _CATEGORIES[code]
    percent = None if category == "O" else (rate * 100).quantize(PENNY)
    return VatCategory(category, percent, reason)


def vat_mix_problems(codes: set[str]) -> list[str]:
    """BR-O-11..14: an invoice with a line outside the scope of VAT may carry no other VAT code."""
    if "O" in codes and len(codes) > 1:
        others = ", ".join(sorted(codes - {"O"}))
        return [(f"lines outside the scope of VAT (O) are mixed with VAT codes {others}; EN 16931 (BR-O-11) "
                 "needs them on an invoice of their own")]
    return []


def unit_code(billing_key: str | None) -> str:
    """UN/ECE Rec 20 unit (BT-130): ad hoc work is charged by the hour (§2.6), everything else by the unit."""
    return "HUR" if (billing_key or "").startswith("adhoc:") else "C62"


def agreement_reference(sla_year: int, agreement_id: int) -> str:
    """How an agreement is named on an e-invoice (BT-12 contract reference), e.g. ``SLA-2025-42``."""
    return f"SLA-{sla_year}-{agreement_id}"


def buyer_reference(po_number: str, agreement_ref: str, adhoc_ref: str, number: str) -> tuple[str, str]:
    """BT-10 and where it came from. Peppol (PEPPOL-EN16931-R003) needs a buyer or order reference:
    the school's purchase-order number; without one, the agreement's reference; an ad hoc invoice
    with neither, its request's reference; last, the invoice's own number."""
    for value, source in ((po_number, "purchase order"), (agreement_ref, "agreement"),
                          (adhoc_ref, "ad hoc request"), (number, "invoice number")):
        if value.strip():
            return value.strip(), source
    return number, "invoice number"


def compact_vat_number(text: str) -> str:
    """A VAT number as BT-31 holds it: no spaces, its country prefix first (BR-CO-09), e.g. GB123456789."""
    return "".join(text.split()).upper()


def vat_number_problems(text: str, key: str) -> list[str]:
    """BR-CO-09: the seller's VAT identifier starts with its country's ISO 3166 code."""
    compact = compact_vat_number(text)
    if not compact:
        return [f"{key} (the council's VAT number) is not set"]
    if not (len(compact) > 2 and compact[:2].isalpha() and compact[:2].isascii()):
        return [f"{key} {text!r} must start with its country code, e.g. GB123456789"]
    return []


def endpoint(text: str, key: str) -> tuple[tuple[str, str] | None, list[str]]:
    """An electronic address (BT-34/BT-49) written ``scheme:identifier`` with an EAS scheme code."""
    scheme, _, identifier = text.partition(":")
    if not (scheme.strip().isdigit() and len(scheme.strip()) == 4 and identifier.strip()):
        return None, [f"{key} {text!r} must be an EAS scheme and an identifier, e.g. 9932:GB123456789"]
    return (scheme.strip(), identifier.strip()), []


def line_quantity_price(quantity: Decimal, unit_price: Decimal, net: Decimal) -> tuple[Decimal, Decimal, bool]:
    """(quantity, price, kept) for a line. PEPPOL-EN16931-R120 wants net = quantity x price to the
    penny and BR-27 a price of 0 or more. A pro-rata term share is not its annual quantity x
    price, so such a line is one unit at its net (kept False: the writer notes the original)."""
    for q in (quantity, -quantity):
        if q and unit_price >= 0 and (q * unit_price).quantize(PENNY, ROUND_HALF_UP) == net:
            return q, unit_price, True
    if net < 0:
        return Decimal(-1), -net, False
    return Decimal(1), net, False


@dataclass(frozen=True)
class Seller:
    """The council as an e-invoice names it, from the configuration (services/council.py)."""

    name: str
    street: str
    town: str
    postcode: str
    country: str
    vat_number: str
    endpoint: str  # "scheme:identifier"; empty: the VAT number under EAS 9932 (UK VAT)
    phone: str
    email: str
    bank_account: str
    bank_sort_code: str
    bank_account_name: str
    buyer_scheme: str  # the EAS scheme schools' URNs are addressed under


# Seller field -> the configuration key that sets it, to name what is missing.
SELLER_KEYS = {
    "name": "COUNCIL_NAME", "street": "COUNCIL_STREET", "town": "COUNCIL_TOWN", "postcode": "COUNCIL_POSTCODE",
    "country": "COUNCIL_COUNTRY", "vat_number": "COUNCIL_VAT_NUMBER", "bank_account": "COUNCIL_BANK_ACCOUNT",
    "bank_sort_code": "COUNCIL_BANK_SORT_CODE", "buyer_scheme": "EINVOICE_BUYER_SCHEME",
}


def seller_problems(seller: Seller) -> list[str]:
    """Every council detail an e-invoice needs and the configuration lacks, by its setting's name."""
    problems = [f"{key} is not set" for field, key in SELLER_KEYS.items()
                if field != "vat_number" and not str(getattr(seller, field)).strip()]
    problems += vat_number_problems(seller.vat_number, "COUNCIL_VAT_NUMBER")
    country = seller.country.strip()
    if country and not (len(country) == 2 and country.isalpha() and country.isascii()):
        problems.append(f"COUNCIL_COUNTRY {seller.country!r} must be a two-letter ISO 3166 code such as GB")
    if seller.endpoint.strip():
        problems += endpoint(seller.endpoint, "EINVOICE_SELLER_ENDPOINT")[1]
    scheme = seller.buyer_scheme.strip()
    if scheme and not (scheme.isdigit() and len(scheme) == 4):
        problems.append(f"EINVOICE_BUYER_SCHEME {seller.buyer_scheme!r} must be a four-digit EAS scheme code")
    return problems


def seller_endpoint(seller: Seller) -> tuple[str, str]:
    """The council's electronic address: its setting, else its VAT number under EAS 9932 (UK VAT)."""
    if seller.endpoint.strip():
        found, _ = endpoint(seller.endpoint, "EINVOICE_SELLER_ENDPOINT")
        if found:
            return found
    return "9932", compact_vat_number(seller.vat_number)


@dataclass(frozen=True)
class UblLine:
    position: int
    service_code: str
    description: str
    explanation: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    vat_code: str
    vat_rate: Decimal
    unit_code: str
    period: tuple[date, date] | None = None  # set only where it differs from the invoice's


def line_period(invoice_period: tuple[date | None, date | None], service_start: date | None,
                service_end: date | None) -> tuple[date, date] | None:
    """BG-26: the part of the invoice's period a line's service covers (a service started or ended
    mid-term is billed pro rata, §2.7), or None when it is the invoice's whole period."""
    start, end = invoice_period
    if start is None or end is None:
        return None
    line_start = max(start, service_start) if service_start else start
    line_end = min(end, service_end) if service_end else end
    if (line_start, line_end) == (start, end) or line_start > line_end:
        return None
    return line_start, line_end


@dataclass(frozen=True)
class UblVat:
    code: str
    rate: Decimal
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class UblInvoice:
    """An issued invoice or credit note with what its e-invoice needs besides the PDF's facts."""

    number: str
    kind: str  # invoice | credit_note
    issue_date: date
    due_date: date
    buyer_name: str
    buyer_urn: int
    buyer_street: str
    buyer_town: str
    buyer_postcode: str
    po_number: str
    contract_reference: str  # "" when the invoice bills no agreement
    adhoc_reference: str
    period_start: date | None
    period_end: date | None
    description: str
    lines: tuple[UblLine, ...]
    vat: tuple[UblVat, ...]
    net: Decimal
    vat_total: Decimal
    gross: Decimal
    payment_terms_days: int
    credited_number: str | None = None
    credited_issue_date: date | None = None
    pdf: bytes | None = None  # embedded as an AdditionalDocumentReference when given

    @property
    def buyer_reference(self) -> tuple[str, str]:
        return buyer_reference(self.po_number, self.contract_reference, self.adhoc_reference, self.number)


def document_problems(doc: UblInvoice) -> list[str]:
    """Our own checks before writing: what EN 16931 cannot express for this invoice."""
    problems = vat_mix_problems({line.vat_code for line in doc.lines})
    if not doc.lines:
        problems.append("it has no lines (BR-16 needs at least one)")
    if doc.kind == "credit_note" and not doc.credited_number:
        problems.append("a credit note must name the invoice it corrects")
    return problems
