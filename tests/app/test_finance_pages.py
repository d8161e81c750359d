"""Issue #20 through the pages: reversing a payment (with its confirmation), the bank-file
upload, the exports, statements of account (staff and portal) and the finance home page."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Payment
from contracts_app.services.invoicing import balances as invoicing
from tests.finance_fixtures import bill_two_schools


@pytest.fixture
def billed(app, make_school):
    return bill_two_schools(make_school)


def _payment(invoice, amount="100.00"):
    return invoicing.record_payment(invoice, Decimal(amount), date(2025, 5, 1), "BACS 77", "f@test")


def test_reversing_a_payment_asks_first_then_makes_it_owed_again(billed, client, login):
    login("finance")
    invoice = billed[140001]
    payment = _payment(invoice)
    page = client.get(f"/invoices/{invoice.number}").get_data(as_text=True)
    assert f"Reverse payment {payment.id}" in page
    data = {"reason": "paid by the wrong school", "reversed_on": "2025-05-02"}
    asked = client.post(f"/invoices/payments/{payment.id}/reverse", data=data).get_data(as_text=True)
    assert "Reverse payment" in asked and "is owed again" in asked and 'name="confirmed"' in asked
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1  # nothing yet
    done = client.post(f"/invoices/payments/{payment.id}/reverse", data={**data, "confirmed": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "is owed again on" in done and "reversing entry" in done
    db.session.expire_all()
    assert invoicing.balance(invoicing.by_number(invoice.number)).paid == 0
    again = client.post(f"/invoices/payments/{payment.id}/reverse", data={**data, "confirmed": "1"},
                        follow_redirects=True).get_data(as_text=True)
    assert "reversed already" in again
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 2


def test_a_reversal_without_a_reason_is_refused_by_the_page(billed, client, login):
    login("finance")
    payment = _payment(billed[140001])
    page = client.post(f"/invoices/payments/{payment.id}/reverse", data={"reason": "", "reversed_on": "2025-05-02",
                                                                         "confirmed": "1"}, follow_redirects=True)
    assert "Payment not reversed: Why it is reversed" in page.get_data(as_text=True)
    assert client.post("/invoices/payments/999999/reverse", data={"reason": "x"}).status_code == 404


def test_the_bank_file_upload_pays_once_and_names_problems(billed, client, login):
    login("finance")
    academy = billed[140001]
    data = f"date,amount,reference\n2025-05-02,10.00,BACS {academy.number}\n".encode()
    for _ in range(2):
        page = client.post("/invoices/payments/import", data={"file": (io.BytesIO(data), "bank.csv")},
                           content_type="multipart/form-data").get_data(as_text=True)
    assert "0 payment(s) recorded" in page and "1 row(s) already imported" in page
    assert db.session.scalar(select(func.sum(Payment.amount))) == Decimal("10.00")
    bad = b"date,amount,reference\n2025-05-02,10.00,no number\n"
    page = client.post("/invoices/payments/import", data={"file": (io.BytesIO(bad), "bad.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "bad.csv was refused" in page and "row 2, column invoice_number" in page


def test_the_payments_list_and_exports(billed, client, login):
    login("finance")
    _payment(billed[140001], "12.34")
    page = client.get(f"/invoices/payments?invoice={billed[140001].number}").get_data(as_text=True)
    assert "£12.34" in page and "BACS 77" in page
    csv_text = client.get("/invoices/payments/export?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].split(",")[2] == "12.34"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/invoices/payments/export?format=xlsx").data)).active
    assert sheet["C2"].value == 12.34 and sheet["C2"].number_format == "0.00"
    assert client.get("/invoices/payments/export?format=pdf").status_code == 400


def test_aged_debt_exports_and_chart(billed, client, login):
    login("finance")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/invoices/aged-debt/export?format=xlsx").data)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["urn", "name", "customer_type"] and header[-1] == "total"
    totals = [sheet.cell(row=r, column=len(header)).value for r in range(2, sheet.max_row + 1)]
    assert round(sum(totals), 2) == float(sum(i.gross for i in billed.values()))
    lines = client.get("/invoices/aged-debt/export?format=csv").get_data(as_text=True).splitlines()
    assert len(lines) == 3
    chart = client.get("/invoices/aged-debt/chart.svg")
    assert chart.mimetype == "image/svg+xml" and b"<svg" in chart.data
    assert chart.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_the_statement_page_and_pdf_for_finance(billed, client, login):
    login("finance")
    invoice = billed[103700]
    _payment(invoice)
    page = client.get("/schools/103700/statement?as_of=2025-06-01").get_data(as_text=True)
    assert invoice.number in page and "BACS 77" in page and f"{invoice.gross - 100:,.2f}" in page
    pdf = client.get("/schools/103700/statement.pdf?as_of=2025-06-01")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Statement of account" in text and invoice.number in text and "BACS 77" in text
    assert client.get("/schools/103700/statement?as_of=yesterday").status_code == 400


def test_a_school_sees_its_own_statement_from_the_portal(billed, client, login):
    school = billed[140001].school
    login("school", school=school)
    portal = client.get("/portal/").get_data(as_text=True)
    assert "/schools/140001/statement" in portal
    assert billed[140001].number in client.get("/schools/140001/statement").get_data(as_text=True)
    assert client.get("/schools/103700/statement").status_code == 404
    assert client.get("/schools/103700/statement.pdf").status_code == 404


def test_the_finance_home_page_shows_what_finance_watches(billed, client, login):
    login("finance")
    academy = billed[140001]
    _payment(academy, "50.00")
    page = client.get("/").get_data(as_text=True)
    assert 'id="finance-home"' in page and "aged-debt-chart" in page and "Last invoice runs" in page
    assert "summer 2025, 2 invoice(s)" in page
    login_sla = client.post("/logout")
    assert login_sla.status_code == 302
    login("sla")
    assert 'id="finance-home"' not in client.get("/").get_data(as_text=True)


def test_the_finance_figures(billed):
    from contracts_app.services.invoicing import payments
    from contracts_app.services.invoicing.overview import overview

    academy, maintained = billed[140001], billed[103700]
    gross = academy.gross + maintained.gross
    payment = _payment(academy, "50.00")
    _payment(maintained, "25.00")
    payments.reverse_payment(payment, "wrong", "f", date(2025, 5, 2))
    figures = overview(date(2025, 6, 1))  # both invoices were due on 10 May 2025
    assert figures.year.label == "2025-26" and figures.invoiced_by_term == {"Summer term": gross}
    assert figures.collected == Decimal("25.00")
    assert (figures.outstanding, figures.overdue_count, figures.overdue_value) == (gross - 25, 2, gross - 25)
    assert figures.aged["1-30"] == gross - 25 and [r.term for r in figures.runs] == ["summer"]
    early = overview(date(2025, 5, 1))
    assert early.overdue_count == 0 and early.aged["current"] == gross - 25


def test_a_credit_note_confirmation_previews_each_line(billed, client, login):
    login("finance")
    invoice = billed[103700]
    first = invoice.lines[0]
    asked = client.post(f"/invoices/{invoice.number}/credit", data={
        "reason": "goodwill", "issue_date": date.today().isoformat(), "scope": "lines",
        f"line-{first.id}": "10.00"}).get_data(as_text=True)
    assert f"Line 1 {first.service_code}: £10.00 net credited" in asked
    assert f"£{first.net - 10:,.2f} left on the line" in asked
    whole = client.post(f"/invoices/{invoice.number}/credit", data={
        "reason": "cancelled", "issue_date": date.today().isoformat(), "scope": "all"}).get_data(as_text=True)
    assert all(f"Line {line.position} {line.service_code}: £{line.net:,.2f} net credited" in whole
               for line in invoice.lines)


@pytest.mark.parametrize("today", [date(2025, 5, 10), date(2025, 5, 11), date(2025, 6, 9), date(2025, 6, 10),
                                   date(2025, 8, 8), date(2025, 8, 9), date(2025, 8, 10), date(2026, 1, 1)])
def test_the_home_page_ageing_agrees_with_the_aged_debt_report(billed, today):
    from contracts_app.services.invoicing.aged_debt import aged_debt_report
    from contracts_app.services.invoicing.overview import aged_debt_totals

    _payment(billed[140001], "10.00")
    _, report = aged_debt_report(today)
    assert aged_debt_totals(today) == {b: v for b, v in report.items() if b != "total"}
