"""The e-invoice's mapping rules, writer and checker without a database (issue #32)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from invoices.ubl import CBC, build_ubl, write_ubl
from invoices.ubl_rules import (
    EInvoiceRefused,
    Seller,
    UblInvoice,
    UblLine,
    UblVat,
    buyer_reference,
    line_period,
    line_quantity_price,
    seller_problems,
    unit_code,
    vat_category,
)
from invoices.vat import vat_summary

SELLER = Seller(name="Coventry City Council", street="Council House", town="Coventry", postcode="CV1 5RR",
                country="GB", vat_number="GB 123 4567 89", endpoint="", phone="024 7678 6620",
                email="ict@example.gov.uk", bank_account="12345678", bank_sort_code="12-34-56",
                bank_account_name="", buyer_scheme="0060")
D = Decimal


def invoice(lines: list[tuple[str, str]], *, kind: str = "invoice", po: str = "PO-1", contract: str = "SLA-2025-1",
            **changes) -> UblInvoice:
    """An invoice of (VAT code, net) lines with its VAT per code worked out as the product does."""
    rates = {"S": D("0.20"), "Z": D(0), "E": D(0), "O": D(0)}
    ubl_lines = tuple(UblLine(n, f"SVC{n}", f"Service {n}", "", D(1), D(net), D(net), code, rates[code], "C62")
                      for n, (code, net) in enumerate(lines, 1))
    summary = vat_summary(((code, D(net)) for code, net in lines), rates)
    net, vat = sum((b.net for b in summary), D(0)), sum((b.vat for b in summary), D(0))
    values = {"number": "INV-2025-000001", "kind": kind, "issue_date": date(2025, 4, 10), "due_date": date(2025, 5, 10),
                  "buyer_name": "Allesley Primary School", "buyer_urn": 103700, "buyer_street": "Rowland Avenue",
                  "buyer_town": "Coventry", "buyer_postcode": "CV5 9EH", "po_number": po, "contract_reference": contract,
                  "adhoc_reference": "", "period_start": date(2025, 4, 1), "period_end": date(2025, 8, 31),
                  "description": "SLA 2025-26, summer term", "lines": ubl_lines,
                  "vat": tuple(UblVat(b.code, b.rate, b.net, b.vat) for b in summary), "net": net, "vat_total": vat,
                  "gross": net + vat, "payment_terms_days": 30,
                  "credited_number": "INV-2025-000001" if kind == "credit_note" else None}
    values.update(changes)
    return UblInvoice(**values)


def test_vat_codes_map_to_en16931_categories_with_their_reasons():
    assert vat_category("S", D("0.20")) == vat_category("S", D("0.2"))
    assert (vat_category("S", D("0.20")).code, vat_category("S", D("0.20")).percent) == ("S", D("20.00"))
    assert vat_category("Z", D(0)).exemption_reason == ""
    assert vat_category("E", D(0)).exemption_reason  # BR-E-10
    assert vat_category("O", D(0)).percent is None  # BR-O-05
    with pytest.raises(EInvoiceRefused, match="VAT code 'X'"):
        vat_category("X", D(0))


def test_units_references_quantities_and_periods():
    assert (unit_code("adhoc:3"), unit_code("line:1:summer"), unit_code(None)) == ("HUR", "C62", "C62")
    assert buyer_reference("PO-1", "SLA-2025-1", "", "INV-1") == ("PO-1", "purchase order")
    assert buyer_reference("  ", "SLA-2025-1", "", "INV-1") == ("SLA-2025-1", "agreement")
    assert buyer_reference("", "", "SR7", "INV-1") == ("SR7", "ad hoc request")
    assert buyer_reference("", "", "", "INV-1") == ("INV-1", "invoice number")
    assert line_quantity_price(D(2), D("62.00"), D("124.00")) == (D(2), D("62.00"), True)
    assert line_quantity_price(D(30), D("4.75"), D("59.38")) == (D(1), D("59.38"), False)  # a term's share
    assert line_quantity_price(D(1), D("-100"), D("-100")) == (D(-1), D(100), False)  # price never negative
    summer = (date(2025, 4, 1), date(2025, 8, 31))
    assert line_period(summer, None, None) is None
    assert line_period(summer, date(2025, 6, 17), None) == (date(2025, 6, 17), date(2025, 8, 31))
    assert line_period(summer, date(2025, 1, 1), date(2025, 5, 31)) == (date(2025, 4, 1), date(2025, 5, 31))


def test_missing_council_details_are_named_not_guessed():
    from dataclasses import replace

    bare = replace(SELLER, vat_number="", street="", bank_account=" ", buyer_scheme="", country="England")
    problems = seller_problems(bare)
    assert {"COUNCIL_STREET is not set", "COUNCIL_BANK_ACCOUNT is not set", "EINVOICE_BUYER_SCHEME is not set",
            "COUNCIL_VAT_NUMBER (the council's VAT number) is not set"} <= set(problems)
    assert any("COUNCIL_COUNTRY 'England'" in p for p in problems)
    assert seller_problems(replace(SELLER, vat_number="123456789")) == [
        "COUNCIL_VAT_NUMBER '123456789' must start with its country code, e.g. GB123456789"]
    with pytest.raises(EInvoiceRefused) as refused:
        write_ubl(invoice([("S", "10.00")]), bare)
    assert "COUNCIL_BANK_ACCOUNT is not set" in refused.value.problems


def test_outside_the_scope_of_vat_is_never_mixed_with_other_codes():
    with pytest.raises(EInvoiceRefused, match=r"outside the scope of VAT \(O\) are mixed with VAT codes E, S"):
        build_ubl(invoice([("S", "10.00"), ("O", "5.00"), ("E", "1.00")]), SELLER)


def test_the_document_carries_the_peppol_identity_parties_and_references():
    root = build_ubl(invoice([("S", "1277.20"), ("E", "900.00")]), SELLER)
    text = lambda path: root.findtext(path, namespaces={"cbc": CBC, "cac": CBC.replace("Basic", "Aggregate")})
    assert text("cbc:CustomizationID").endswith("#urn:fdc:peppol.eu:2017:poacc:billing:3.0")
    assert text("cbc:ProfileID") == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert (text("cbc:BuyerReference"), text("cac:OrderReference/cbc:ID"),
            text("cac:ContractDocumentReference/cbc:ID")) == ("PO-1", "PO-1", "SLA-2025-1")
    assert text("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID") == "GB123456789"
    assert text("cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID") == "103700"
    assert text("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "12345678"
    assert text("cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID") == "123456"
    assert text("cac:TaxTotal/cbc:TaxAmount") == "255.44"
    assert text("cac:LegalMonetaryTotal/cbc:PayableAmount") == "2432.64"
    reasons = {c.findtext("{*}ID"): c.findtext("{*}TaxExemptionReason") for c in root.iterfind(".//{*}TaxCategory")}
    assert reasons == {"S": None, "E": "Exempt from VAT"}  # BR-E-10; BR-S-10 forbids one on S
