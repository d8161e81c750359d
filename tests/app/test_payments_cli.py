"""Issue #20 at the command line: payments list/reverse/import/export, aged debt, statements."""
from __future__ import annotations

import io
import re
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


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_list_then_reverse_by_id(app, billed):
    invoice = billed[140001]
    payment = invoicing.record_payment(invoice, Decimal("40.00"), date(2025, 5, 1), "BACS 5", "f")
    listed = cli(app, "invoices", "payments", "list", "--invoice", invoice.number.lower())
    assert listed.exit_code == 0 and re.search(rf"^\s*{payment.id}\s+2025-05-01\s+{invoice.number}", listed.output, re.M)
    result = cli(app, "invoices", "payments", "reverse", str(payment.id), "--reason", "wrong school")
    assert result.exit_code == 0, result.output
    assert "is owed again" in result.output and f"£{invoice.gross:,.2f} outstanding" in result.output
    again = cli(app, "invoices", "payments", "reverse", str(payment.id), "--reason", "again")
    assert again.exit_code == 1 and "reversed already" in again.output
    assert "reversed by" in cli(app, "invoices", "payments", "list").output


def test_reverse_refusals_are_messages(app, billed):
    assert "no payment with id 99" in cli(app, "invoices", "payments", "reverse", "99", "--reason", "x").output
    payment = invoicing.record_payment(billed[140001], Decimal("1.00"), date(2025, 5, 1), "", "f")
    blank = cli(app, "invoices", "payments", "reverse", str(payment.id), "--reason", " ")
    assert blank.exit_code == 1 and "give the reason" in blank.output
    bad = cli(app, "invoices", "payments", "reverse", str(payment.id), "--reason", "x", "--date", "soon")
    assert bad.exit_code == 2 and "--date" in bad.output
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_a_bank_file_imported_twice_pays_once(app, billed, tmp_path):
    academy = billed[140001]
    path = tmp_path / "bank.csv"
    path.write_text(f"date,amount,reference,invoice_number\n2025-05-02,99.99,remit 1,{academy.number}\n")
    first = cli(app, "invoices", "payments", "import", str(path))
    assert first.exit_code == 0 and "1 payment(s) recorded, £99.99" in first.output
    second = cli(app, "invoices", "payments", "import", str(path))
    assert "0 payment(s) recorded" in second.output and "1 row(s) already imported" in second.output
    assert db.session.scalar(select(func.sum(Payment.amount))) == Decimal("99.99")
    path.write_text(f"date,amount,reference,invoice_number\n2025-05-02,{academy.gross},x,{academy.number}\n")
    over = cli(app, "invoices", "payments", "import", str(path))
    assert over.exit_code == 1 and "row 2, column amount" in over.output and "still owed" in over.output


def test_exports_and_the_statement(app, billed, tmp_path):
    invoicing.record_payment(billed[103700], Decimal("10.00"), date(2025, 5, 1), "BACS 9", "f")
    out = tmp_path / "p.xlsx"
    assert cli(app, "invoices", "payments", "export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    assert openpyxl.load_workbook(out).active["C2"].value == 10
    aged = tmp_path / "aged.csv"
    assert cli(app, "invoices", "aged-debt", "-o", str(aged)).exit_code == 0
    assert aged.read_text().startswith("urn,name,customer_type,trust_code,trust_name,current,")
    pdf = tmp_path / "s.pdf"
    result = cli(app, "schools", "statement", "103700", "-o", str(pdf), "--as-of", "2025-06-01")
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert billed[103700].number in text and "BACS 9" in text and "Balance owed" in text
    assert "no school with URN 1" in cli(app, "schools", "statement", "1", "-o", str(pdf)).output
