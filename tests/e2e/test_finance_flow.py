"""Finance reverses a payment recorded against the wrong invoice: the invoice page asks for a
reason, the confirmation says what follows, and the school's statement shows it owed again."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
from playwright.sync_api import expect
from pypdf import PdfReader

from contracts_app.services.invoicing import balances as invoicing
from tests.finance_fixtures import bill_two_schools


def test_finance_reverses_a_payment_and_the_statement_shows_it_owed(page, sign_in, make_user, make_school):
    billed = bill_two_schools(make_school)
    invoice = billed[140001]
    payment = invoicing.record_payment(invoice, invoice.gross, date(2025, 5, 1), "BACS 4471", "finance@test")
    number, gross = invoice.number, f"£{invoice.gross:,.2f}"
    sign_in(make_user("finance"))

    expect(page.locator("#finance-home")).to_contain_text("Last invoice runs")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Payments").click()
    expect(page.locator("#payments")).to_contain_text("BACS 4471")
    page.get_by_role("link", name=number).click()
    expect(page.locator("#invoice-status")).to_have_text("Paid")

    page.get_by_text(f"Reverse payment {payment.id}").click()
    page.get_by_label("Why it is reversed").fill("Paid by another school by mistake")
    page.get_by_role("button", name="Reverse payment").click()
    expect(page.locator("#confirmation")).to_contain_text(f"{gross} received on 1 May 2025 (BACS 4471) is owed again")
    page.get_by_role("button", name=f"Confirm: reverse {gross}").click()
    expect(page.get_by_role("status")).to_contain_text(f"is owed again on {number}")
    expect(page.locator("#invoice-status")).to_have_text("Overdue")
    expect(page.locator("#invoice-payments")).to_contain_text("Paid by another school by mistake")

    with page.expect_download() as download:
        page.goto("/invoices/payments")
        page.get_by_role("link", name="Excel").click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    amounts = [sheet.cell(row=r, column=3).value for r in range(2, sheet.max_row + 1)]
    assert round(sum(amounts), 2) == 0 and sheet.cell(row=2, column=3).number_format == "0.00"

    page.goto(f"/invoices/{number}")
    page.get_by_role("link", name="Statement of account").click()
    expect(page.locator("#statement")).to_contain_text("Payment reversed")
    expect(page.locator("#statement-summary")).to_contain_text(f"{gross} owed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    assert number in text and "BACS 4471" in text and f"Balance owed: {gross}" in text
    assert Decimal(invoicing.balance(invoicing.by_number(number)).outstanding) == invoice.gross
