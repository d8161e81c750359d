"""The e-invoice checker (issue #32): our documents pass the UBL 2.1 XSD, the EN 16931 and the Peppol
BIS 3.0 rules; the official examples pass (the checker works); broken documents fail (it can fail)."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from invoices.ubl import CBC, build_ubl, write_ubl
from invoices.ubl_check import Checker, fatal
from tests.invoices.test_ubl_rules import SELLER, invoice

RULES = Path(__file__).parents[1] / "data" / "einvoice"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(RULES)


def rules_failed(checker: Checker, xml: bytes) -> list[str]:
    return [f.rule for f in fatal(checker.check(xml))]


@pytest.mark.parametrize("lines", [
    [("S", "1277.20"), ("E", "900.00"), ("S", "142.50")],  # mixed standard and exempt
    [("Z", "300.00"), ("S", "0.05"), ("S", "0.05")],  # zero rate; VAT rounded once per code
    [("E", "900.00")],
    [("O", "75.00"), ("O", "25.00")],  # outside the scope of VAT: no VAT number (BR-O-02)
])
def test_invoices_and_credit_notes_pass_all_three_checks(checker, lines):
    assert rules_failed(checker, write_ubl(invoice(lines), SELLER)) == []
    credit = invoice([(code, f"-{net}") for code, net in lines], kind="credit_note")
    xml = write_ubl(credit, SELLER)
    assert rules_failed(checker, xml) == []
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext(f".//{{{CBC}}}PayableAmount") == f"{-credit.gross:.2f}"  # credited amounts are positive


def test_no_po_means_the_agreement_is_the_buyer_reference(checker):
    xml = write_ubl(invoice([("S", "10.00")], po=""), SELLER)
    root = etree.fromstring(xml)
    assert root.findtext(f"{{{CBC}}}BuyerReference") == "SLA-2025-1"
    assert root.find(".//{*}OrderReference") is None
    assert rules_failed(checker, xml) == []


def test_the_official_examples_pass(checker):
    assert checker.checks == ["UBL 2.1 XSD", "EN 16931", "Peppol BIS 3.0"] and checker.skipped == []
    for name in ("base-example.xml", "base-creditnote.xml"):
        assert fatal(checker.check((RULES / "examples" / name).read_bytes())) == [], name


def test_a_broken_document_fails_each_check(checker):
    root = build_ubl(invoice([("S", "10.00")], po="", contract=""), SELLER)
    root.find(f"{{{CBC}}}BuyerReference").getparent().remove(root.find(f"{{{CBC}}}BuyerReference"))
    assert "PEPPOL-EN16931-R003" in rules_failed(checker, etree.tostring(root))  # no buyer or order reference
    root.find(f".//{{{CBC}}}PayableAmount").text = "999.00"
    assert "BR-CO-16" in rules_failed(checker, etree.tostring(root))  # EN 16931: payable = total - prepaid
    root.find(f"{{{CBC}}}IssueDate").text = "10 April 2025"
    assert [f.check for f in fatal(checker.check(etree.tostring(root)))] == ["UBL 2.1 XSD"]
    assert [f.rule for f in checker.check(b"<Invoice")] == ["not-well-formed"]


def test_without_the_rules_only_the_schema_runs_and_says_so(tmp_path):
    only_xsd = Checker(None, RULES / "ubl-2.1-xsd")
    assert only_xsd.checks == ["UBL 2.1 XSD"]
    assert [s.split(" (")[0] for s in only_xsd.skipped] == ["EN 16931 rules", "Peppol BIS 3.0 rules"]
    nothing = Checker(tmp_path)
    assert nothing.checks == [] and len(nothing.skipped) == 3
    assert nothing.check(write_ubl(invoice([("S", "10.00")]), SELLER)) == []
