"""The e-invoice writer (issue #32): a UBL 2.1 Invoice or CreditNote under Peppol BIS Billing 3.0,
built with lxml from ``UblInvoice`` and the council as ``Seller``. What each value means is decided
in invoices/ubl_rules.py; this module only lays the elements out in the schema's order."""
from __future__ import annotations

import base64
import copy
from functools import lru_cache
from decimal import Decimal

from lxml import etree

from invoices.ubl_rules import (
    CREDIT_NOTE_TYPE,
    CREDIT_TRANSFER,
    CURRENCY,
    CUSTOMIZATION_ID,
    INVOICE_TYPE,
    PROFILE_ID,
    EInvoiceRefused,
    Seller,
    UblInvoice,
    UblLine,
    compact_vat_number,
    document_problems,
    line_quantity_price,
    seller_endpoint,
    seller_problems,
    vat_category,
)

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOT_NS = {"invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
           "credit_note": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"}
_CAC, _CBC = f"{{{CAC}}}", f"{{{CBC}}}"
_NSMAP = {"cac": CAC, "cbc": CBC}


def _money(value: Decimal) -> str:
    return f"{value:.2f}" if value else "0.00"  # never "-0.00" (a credit note's zero VAT negated)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


class _Builder:
    """Appends cbc/cac children; ``None`` values are left out (optional business terms)."""

    @staticmethod
    def cbc(parent: etree._Element, tag: str, text: object, **attrs: str) -> etree._Element | None:
        if text is None or text == "":
            return None
        element = etree.SubElement(parent, _CBC + tag, attrs)
        element.text = str(text)
        return element

    @staticmethod
    def cac(parent: etree._Element, tag: str) -> etree._Element:
        return etree.SubElement(parent, _CAC + tag)

    def amount(self, parent: etree._Element, tag: str, value: Decimal) -> None:
        self.cbc(parent, tag, _money(value), currencyID=CURRENCY)


_b = _Builder()


def write_ubl(doc: UblInvoice, seller: Seller) -> bytes:
    """The e-invoice as UTF-8 XML bytes; refused (naming every problem) when it cannot be valid."""
    return etree.tostring(build_ubl(doc, seller), xml_declaration=True, encoding="UTF-8")


def build_ubl(doc: UblInvoice, seller: Seller) -> etree._Element:
    """The e-invoice's element tree (``write_ubl`` serialises it)."""
    problems = seller_problems(seller) + document_problems(doc)
    if problems:
        raise EInvoiceRefused(problems)
    credit = doc.kind == "credit_note"
    sign = Decimal(-1) if credit else Decimal(1)  # a CreditNote states credited amounts as positive
    root_name = "CreditNote" if credit else "Invoice"
    root = etree.Element(f"{{{ROOT_NS[doc.kind]}}}{root_name}", nsmap={None: ROOT_NS[doc.kind], **_NSMAP})
    _head(root, doc, credit)
    _parties(root, doc, seller)
    if not credit:
        _payment(root, doc, seller)
    _totals(root, doc, sign)
    for line in doc.lines:
        _line(root, line, sign, credit)
    return root


def _head(root: etree._Element, doc: UblInvoice, credit: bool) -> None:
    """Identity, dates, references (BT-1..BT-25) in the schema's order."""
    _b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _b.cbc(root, "ProfileID", PROFILE_ID)
    _b.cbc(root, "ID", doc.number)
    _b.cbc(root, "IssueDate", doc.issue_date.isoformat())
    if not credit:
        _b.cbc(root, "DueDate", doc.due_date.isoformat())
    _b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", CREDIT_NOTE_TYPE if credit else INVOICE_TYPE)
    _b.cbc(root, "Note", doc.description.strip() or None)
    _b.cbc(root, "DocumentCurrencyCode", CURRENCY)
    _b.cbc(root, "BuyerReference", doc.buyer_reference[0])
    if doc.period_start or doc.period_end:
        period = _b.cac(root, "InvoicePeriod")
        _b.cbc(period, "StartDate", doc.period_start.isoformat() if doc.period_start else None)
        _b.cbc(period, "EndDate", doc.period_end.isoformat() if doc.period_end else None)
    if doc.po_number.strip():
        _b.cbc(_b.cac(root, "OrderReference"), "ID", doc.po_number.strip())
    if credit:
        invoice_ref = _b.cac(_b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        _b.cbc(invoice_ref, "ID", doc.credited_number)
        _b.cbc(invoice_ref, "IssueDate", doc.credited_issue_date.isoformat() if doc.credited_issue_date else None)
    if doc.contract_reference:
        _b.cbc(_b.cac(root, "ContractDocumentReference"), "ID", doc.contract_reference)
    if doc.pdf is not None:
        reference = _b.cac(root, "AdditionalDocumentReference")
        _b.cbc(reference, "ID", doc.number)
        _b.cbc(reference, "DocumentDescription", "The invoice as a PDF" if not credit else "The credit note as a PDF")
        attachment = _b.cac(reference, "Attachment")
        _b.cbc(attachment, "EmbeddedDocumentBinaryObject", base64.b64encode(doc.pdf).decode("ascii"),
               mimeCode="application/pdf", filename=f"{doc.number}.pdf")


def _address(parent: etree._Element, street: str, town: str, postcode: str, country: str) -> None:
    address = _b.cac(parent, "PostalAddress")
    _b.cbc(address, "StreetName", street.strip() or None)
    _b.cbc(address, "CityName", town.strip() or None)
    _b.cbc(address, "PostalZone", postcode.strip() or None)
    _b.cbc(_b.cac(address, "Country"), "IdentificationCode", country.strip().upper())


@lru_cache(maxsize=16)
def _supplier(seller: Seller, with_vat_number: bool) -> etree._Element:
    """The seller's party (BG-4), the same on every e-invoice of a run: built once, copied into each
    (writing a run's 25,000 e-invoices element by element was most of its time)."""
    holder = etree.Element(_CAC + "AccountingSupplierParty", nsmap=_NSMAP)
    party = _b.cac(holder, "Party")
    scheme, identifier = seller_endpoint(seller)
    _b.cbc(party, "EndpointID", identifier, schemeID=scheme)
    _b.cbc(_b.cac(party, "PartyIdentification"), "ID", identifier)  # BT-29: BR-CO-26 even without BT-31
    _b.cbc(_b.cac(party, "PartyName"), "Name", seller.name)
    _address(party, seller.street, seller.town, seller.postcode, seller.country)
    if with_vat_number:
        tax = _b.cac(party, "PartyTaxScheme")
        _b.cbc(tax, "CompanyID", compact_vat_number(seller.vat_number))
        _b.cbc(_b.cac(tax, "TaxScheme"), "ID", "VAT")
    _b.cbc(_b.cac(party, "PartyLegalEntity"), "RegistrationName", seller.name)
    if seller.phone.strip() or seller.email.strip():
        contact = _b.cac(party, "Contact")
        _b.cbc(contact, "Telephone", seller.phone.strip() or None)
        _b.cbc(contact, "ElectronicMail", seller.email.strip() or None)
    return holder


def _parties(root: etree._Element, doc: UblInvoice, seller: Seller) -> None:
    """The council as seller (BG-4) and the school as buyer (BG-7), its URN as its identifier (BT-46)."""
    # BR-O-02: no VAT number on a supply outside VAT.
    root.append(copy.deepcopy(_supplier(seller, any(line.vat_code != "O" for line in doc.lines))))
    buyer = _b.cac(_b.cac(root, "AccountingCustomerParty"), "Party")
    _b.cbc(buyer, "EndpointID", str(doc.buyer_urn), schemeID=seller.buyer_scheme.strip())
    _b.cbc(_b.cac(buyer, "PartyIdentification"), "ID", str(doc.buyer_urn))
    _b.cbc(_b.cac(buyer, "PartyName"), "Name", doc.buyer_name)
    _address(buyer, doc.buyer_street, doc.buyer_town, doc.buyer_postcode, "GB")  # schools are in England
    _b.cbc(_b.cac(buyer, "PartyLegalEntity"), "RegistrationName", doc.buyer_name)


def _payment(root: etree._Element, doc: UblInvoice, seller: Seller) -> None:
    """Credit transfer to the council's account (BG-16/BG-17), quoting the invoice number; the terms (BT-20)."""
    means = _b.cac(root, "PaymentMeans")
    _b.cbc(means, "PaymentMeansCode", CREDIT_TRANSFER, name="Credit transfer")
    _b.cbc(means, "PaymentID", doc.number)
    account = _b.cac(means, "PayeeFinancialAccount")
    _b.cbc(account, "ID", "".join(seller.bank_account.split()))
    _b.cbc(account, "Name", seller.bank_account_name.strip() or seller.name)
    sort_code = "".join(ch for ch in seller.bank_sort_code if ch.isalnum())
    _b.cbc(_b.cac(account, "FinancialInstitutionBranch"), "ID", sort_code or None)
    _b.cbc(_b.cac(root, "PaymentTerms"), "Note",
           f"Payment within {doc.payment_terms_days} days, by {doc.due_date.isoformat()}")


def _category(parent: etree._Element, name: str, code: str, rate: Decimal, with_reason: bool) -> None:
    parent.append(copy.deepcopy(_category_element(name, code, rate, with_reason)))


@lru_cache(maxsize=64)
def _category_element(name: str, code: str, rate: Decimal, with_reason: bool) -> etree._Element:
    """A VAT category (BG-23's or a line's), built once per code and rate and copied where used."""
    category = vat_category(code, rate)
    element = etree.Element(_CAC + name, nsmap=_NSMAP)
    _b.cbc(element, "ID", category.code)
    _b.cbc(element, "Percent", None if category.percent is None else _number(category.percent))
    if with_reason:
        _b.cbc(element, "TaxExemptionReason", category.exemption_reason or None)
    _b.cbc(_b.cac(element, "TaxScheme"), "ID", "VAT")
    return element


def _totals(root: etree._Element, doc: UblInvoice, sign: Decimal) -> None:
    """VAT per category as we compute it (BG-23, EN 16931 rounding) and the document totals (BG-22)."""
    tax = _b.cac(root, "TaxTotal")
    _b.amount(tax, "TaxAmount", doc.vat_total * sign)
    for breakdown in doc.vat:
        subtotal = _b.cac(tax, "TaxSubtotal")
        _b.amount(subtotal, "TaxableAmount", breakdown.net * sign)
        _b.amount(subtotal, "TaxAmount", breakdown.vat * sign)
        _category(subtotal, "TaxCategory", breakdown.code, breakdown.rate, with_reason=True)
    totals = _b.cac(root, "LegalMonetaryTotal")
    _b.amount(totals, "LineExtensionAmount", doc.net * sign)
    _b.amount(totals, "TaxExclusiveAmount", doc.net * sign)
    _b.amount(totals, "TaxInclusiveAmount", doc.gross * sign)
    _b.amount(totals, "PayableAmount", doc.gross * sign)


@lru_cache(maxsize=4096)
def _item(explanation: str, description: str, service_code: str, vat_code: str, vat_rate: Decimal) -> etree._Element:
    """A line's item (BG-31): the same for a service on many e-invoices of a run, so built once and copied."""
    item = etree.Element(_CAC + "Item", nsmap=_NSMAP)
    _b.cbc(item, "Description", explanation.strip() or None)
    _b.cbc(item, "Name", description.strip() or service_code)
    if service_code:
        _b.cbc(_b.cac(item, "SellersItemIdentification"), "ID", service_code)
    _category(item, "ClassifiedTaxCategory", vat_code, vat_rate, with_reason=False)
    return item


def _line(root: etree._Element, line: UblLine, sign: Decimal, credit: bool) -> None:
    """One line (BG-25): quantity and price when they make its net, else one unit at its net."""
    net = line.net * sign
    quantity, price, kept = line_quantity_price(line.quantity, line.unit_price, net)
    element = _b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    _b.cbc(element, "ID", line.position)
    if not kept and (abs(line.quantity) != 1 or abs(line.unit_price) != abs(line.net)):
        _b.cbc(element, "Note", f"{_number(line.quantity)} x {_money(line.unit_price)} {CURRENCY}"
                                f"{' a year' if line.unit_code == 'C62' else ''}; this line is its share")
    _b.cbc(element, "CreditedQuantity" if credit else "InvoicedQuantity", _number(quantity),
           unitCode=line.unit_code)
    _b.amount(element, "LineExtensionAmount", net)
    if line.period is not None:  # BG-26: only where the line covers less than the invoice's period
        period = _b.cac(element, "InvoicePeriod")
        _b.cbc(period, "StartDate", line.period[0].isoformat())
        _b.cbc(period, "EndDate", line.period[1].isoformat())
    element.append(copy.deepcopy(_item(line.explanation, line.description, line.service_code, line.vat_code,
                                       line.vat_rate)))
    price_element = _b.cac(element, "Price")
    _b.cbc(price_element, "PriceAmount", _number(price) if price else "0", currencyID=CURRENCY)
