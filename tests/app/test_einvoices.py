"""E-invoices of every kind the product issues pass the official rules, with the PDF's totals (issue #32)."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from contracts_app.services.invoicing.documents import document, invoice_pdf
from contracts_app.services.invoicing.ubl import EInvoiceRefused, invoice_ubl
from contracts_app.services.invoicing.ubl_check import check_invoice, check_run, checker
from tests.einvoice_fixtures import EINVOICE_CONFIG, bill_every_kind

KINDS = {"maintained summer 103700", "maintained summer 103701", "academy summer 140001", "academy autumn 140001",
         "one-off charge", "ad hoc", "credit note"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, **EINVOICE_CONFIG}


@pytest.fixture
def every_kind(app, make_school):
    return bill_every_kind(make_school)


def _amount(root: etree._Element, name: str) -> Decimal:
    return Decimal(root.findtext(f".//{{*}}LegalMonetaryTotal/{{*}}{name}"))


def test_every_kind_passes_all_three_checks_with_the_pdfs_totals(every_kind):
    assert set(every_kind) == KINDS
    assert checker().checks == ["UBL 2.1 XSD", "EN 16931", "Peppol BIS 3.0"]
    for kind, invoice in every_kind.items():
        assert [(f.rule, f.message) for f in check_invoice(invoice) if f.fatal] == [], kind
        root = etree.fromstring(invoice_ubl(invoice))
        shown = document(invoice)  # what the PDF prints
        sign = -1 if invoice.is_credit_note else 1  # a CreditNote states what it credits as positive
        assert (_amount(root, "TaxExclusiveAmount"), _amount(root, "PayableAmount")) == (
            shown.net * sign, shown.gross * sign), kind
        assert Decimal(root.findtext("{*}TaxTotal/{*}TaxAmount")) == shown.vat_total * sign, kind
        taxes = {c.findtext("{*}TaxCategory/{*}ID"): Decimal(c.findtext("{*}TaxAmount"))
                 for c in root.iterfind("{*}TaxTotal/{*}TaxSubtotal")}
        assert taxes == {b.code: b.vat * sign for b in shown.vat}, kind
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf(invoice))).pages)
        assert f"£{shown.gross:,.2f}".replace("£-", "-£") in text, kind


def test_references_say_where_the_buyer_reference_comes_from(every_kind):
    def head(invoice) -> tuple:
        root = etree.fromstring(invoice_ubl(invoice))
        return (root.findtext("{*}BuyerReference"), root.findtext("{*}OrderReference/{*}ID"),
                root.findtext("{*}ContractDocumentReference/{*}ID"))

    summer, academy = every_kind["maintained summer 103700"], every_kind["academy summer 140001"]
    assert head(summer) == ("PO-103700", "PO-103700", f"SLA-2025-{summer.agreement_id}")
    # No PO: the agreement is the buyer reference (Peppol R003 needs one), and no order reference is made up.
    assert head(academy) == (f"SLA-2025-{academy.agreement_id}", None, f"SLA-2025-{academy.agreement_id}")
    assert head(every_kind["ad hoc"]) == ("SR77", None, None)
    note = etree.fromstring(invoice_ubl(every_kind["credit note"]))
    assert note.findtext("{*}BillingReference/{*}InvoiceDocumentReference/{*}ID") == summer.number
    adhoc = etree.fromstring(invoice_ubl(every_kind["ad hoc"]))
    assert adhoc.find(".//{*}InvoicedQuantity").attrib == {"unitCode": "HUR"}
    late = etree.fromstring(invoice_ubl(every_kind["maintained summer 103701"]))
    assert late.findtext(".//{*}InvoiceLine/{*}InvoicePeriod/{*}StartDate") == "2025-06-17"  # pro rata


def test_the_pdf_can_travel_inside(every_kind):
    root = etree.fromstring(invoice_ubl(every_kind["ad hoc"], with_pdf=True))
    embedded = root.find("{*}AdditionalDocumentReference/{*}Attachment/{*}EmbeddedDocumentBinaryObject")
    assert embedded.get("mimeCode") == "application/pdf"
    assert check_invoice(every_kind["ad hoc"]) == []


def test_missing_council_details_are_named(every_kind, app):
    app.config.update(COUNCIL_VAT_NUMBER="", COUNCIL_POSTCODE="", EINVOICE_BUYER_SCHEME="")
    with pytest.raises(EInvoiceRefused) as refused:
        invoice_ubl(every_kind["ad hoc"])
    assert set(refused.value.problems) == {"COUNCIL_VAT_NUMBER (the council's VAT number) is not set",
                                          "COUNCIL_POSTCODE is not set", "EINVOICE_BUYER_SCHEME is not set"}
    failures = check_invoice(every_kind["ad hoc"])
    assert {(f.check, f.fatal) for f in failures} == {("our checks", True)} and len(failures) == 3


def test_a_run_is_checked_whole(every_kind, app):
    summer = every_kind["maintained summer 103700"]
    result = check_run(summer.run_id)
    # The summer run's three invoices and the credit note against one of them.
    assert (result.checked, result.failures, result.skipped) == (4, {}, [])
    app.config.update(COUNCIL_BANK_ACCOUNT="", EINVOICE_RULES_DIR="")
    result = check_run(summer.run_id)
    assert result.checks == ["our checks"] and len(result.skipped) == 3  # nothing to run but our own
    assert sorted(result.failures) == ["CRN-2025-000001", "INV-2025-000001", "INV-2025-000002", "INV-2025-000003"]
    assert result.failures[summer.number][0].message == "COUNCIL_BANK_ACCOUNT is not set"
    with pytest.raises(EInvoiceRefused, match="there is no invoice run 999"):
        check_run(999)


def test_a_run_is_checked_in_batches_with_the_same_result(every_kind, monkeypatch):
    from contracts_app.services.invoicing import ubl_check

    run_id = every_kind["maintained summer 103700"].run_id
    whole = check_run(run_id)
    monkeypatch.setattr(ubl_check, "BATCH", 1)  # the credit note's invoice left the session a batch before
    monkeypatch.setattr(ubl_check.run_batches, "__defaults__", (1,))
    one_by_one = check_run(run_id)
    assert (one_by_one.checked, one_by_one.failures) == (whole.checked, whole.failures) == (4, {})


def _same_both_ways() -> set[str]:
    """Every invoice and credit note written from the model and from the run writer's plain rows: the bytes agree."""
    from sqlalchemy import select

    from contracts_app.extensions import db
    from contracts_app.models import Invoice
    from contracts_app.services.invoicing.ubl_rows import invoice_batches

    ids = list(db.session.scalars(select(Invoice.id).order_by(Invoice.id)))
    written: list[str] = []
    for size in (len(ids), 2):  # one batch, and batches that split a credit note from its invoice
        for batch, periods in invoice_batches(ids, size):
            for row in batch:
                model = db.session.get(Invoice, row.id)
                assert invoice_ubl(row, periods=periods) == invoice_ubl(model), row.number
                written.append(row.number)
    assert len(written) == 2 * len(ids) == 2 * len(set(written))
    return set(written)


def test_the_run_writers_rows_write_the_same_bytes_as_the_model(every_kind):
    assert {i.number for i in every_kind.values()} <= _same_both_ways()  # every kind, the credit note too
