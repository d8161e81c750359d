"""Payments reversed, imported from a bank file, exported (issue #20), through the services."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, Payment
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import payments
from contracts_app.services.invoicing.payments_import import import_payments
from pricing.errors import ActionRefused, ImportRefused
from tests.finance_fixtures import bill_two_schools

TODAY = date(2025, 6, 1)


@pytest.fixture
def billed(app, make_school):
    return bill_two_schools(make_school)


def _paid(invoice):
    db.session.expire_all()
    return invoicing.balance(invoicing.by_number(invoice.number))


def test_a_reversal_is_a_reversing_entry_and_the_invoice_is_owed_again(billed):
    invoice = billed[140001]
    payment = invoicing.record_payment(invoice, invoice.gross, date(2025, 5, 1), "BACS 1", "f@test")
    assert _paid(invoice).status == "paid"
    reversal = payments.reverse_payment(payment, "  paid by another school  ", "f@test", date(2025, 5, 3))
    state = _paid(invoice)
    assert (state.status, state.paid, state.outstanding) == ("unpaid", Decimal("0.00"), invoice.gross)
    assert (reversal.amount, reversal.reverses_payment_id, reversal.reason) == (-invoice.gross, payment.id,
                                                                               "paid by another school")
    assert db.session.get(Payment, payment.id) is not None  # never deleted
    audit = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "reverse")).all()
    assert any("paid by another school" in s for s in audit)
    rows = payments.list_payments(invoice.number)
    assert [(r.id, r.reversed) for r in rows] == [(reversal.id, False), (payment.id, True)]


def test_a_payment_is_reversed_once_and_a_reversal_never(billed):
    invoice = billed[140001]
    payment = invoicing.record_payment(invoice, Decimal("10.00"), date(2025, 5, 1), "", "f")
    reversal = payments.reverse_payment(payment, "wrong", "f", date(2025, 5, 1))
    with pytest.raises(ActionRefused, match="reversed already"):
        payments.reverse_payment(payment, "again", "f", date(2025, 5, 2))
    with pytest.raises(ActionRefused, match="itself a reversal"):
        payments.reverse_payment(reversal, "undo", "f", date(2025, 5, 2))
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 2


@pytest.mark.parametrize("reason, on, message", [
    ("", date(2025, 5, 2), "give the reason"), ("x" * 501, date(2025, 5, 2), "at most 500"),
    ("wrong", date(2025, 4, 30), "between the payment"), ("wrong", date(2999, 1, 1), "between the payment")])
def test_a_reversal_needs_a_reason_and_a_sane_date(billed, reason, on, message):
    payment = invoicing.record_payment(billed[140001], Decimal("10.00"), date(2025, 5, 1), "", "f")
    with pytest.raises(ActionRefused, match=message):
        payments.reverse_payment(payment, reason, "f", on)
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_a_recorded_payment_never_changes(billed):
    payment = invoicing.record_payment(billed[140001], Decimal("10.00"), date(2025, 5, 1), "", "f")
    payment.amount = Decimal("1.00")
    with pytest.raises(ActionRefused, match="never changes"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(Payment, payment.id))
    with pytest.raises(ActionRefused, match="never changes"):
        db.session.commit()
    db.session.rollback()


def _file(*rows: str, header: str = "date,amount,reference,invoice_number") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def test_a_bank_file_imported_twice_pays_once(billed):
    academy, maintained = billed[140001], billed[103700]
    data = _file(f"2025-05-02,100.00,BACS {academy.number},", f"2025-05-02,100.00,BACS {academy.number},",
                 f"2025-05-03,50.00,remittance 77,{maintained.number.lower()}")
    report = import_payments(data, "bank.csv", "f", TODAY)
    assert (report.recorded, report.total, report.already) == (3, Decimal("250.00"), 0)
    assert _paid(academy).paid == Decimal("200.00")  # the same line twice in one file is two payments
    again = import_payments(data, "bank.csv", "f", TODAY)
    assert (again.recorded, again.already) == (0, 3)
    assert _paid(academy).paid == Decimal("200.00") and _paid(maintained).paid == Decimal("50.00")
    methods = set(db.session.scalars(select(Payment.method)))
    assert methods == {"import"}


def test_a_bank_file_with_problems_changes_nothing_and_names_each(billed):
    academy = billed[140001]
    owed = academy.gross
    note = invoicing.issue_credit_note(billed[103700], "cancelled", "f", date(2025, 4, 20))
    data = _file(f"2025-05-02,{owed - 1},BACS {academy.number},",
                 f"2025-05-02,2.00,second part,{academy.number}",  # together more than is owed
                 "2025-05-02,1.00,no number here,",
                 "2025-05-02,1.00,x,INV-2025-999999",
                 f"2025-05-02,1.00,x,{note.number}",
                 f"2025-05-02,1.00,x,{billed[103700].number}",
                 f"2025-13-01,abc,x,{academy.number}",
                 f"2025-05-02,-5,x,{academy.number}")
    with pytest.raises(ImportRefused) as refused:
        import_payments(data, "bank.csv", "f", TODAY)
    text = refused.value.message
    for expected in ("row 3, column amount: £2.00 is more than the £1.00 still owed",
                     "row 4, column invoice_number: no invoice number", "row 5, column invoice_number: no invoice "
                     "numbered INV-2025-999999", f"row 6, column invoice_number: {note.number} is a credit note",
                     "row 7, column invoice_number:", "cancelled by credit note", "row 8, column date",
                     "row 8, column amount", "row 9, column amount"):
        assert expected in text, (expected, text)
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_bank_file_needs_its_columns(billed):
    with pytest.raises(ImportRefused, match="row 1, column amount: missing column"):
        import_payments(b"date,reference\n2025-05-01,x\n", "bank.csv", "f", TODAY)


def test_the_payments_export_sums_in_a_spreadsheet(billed):
    academy = billed[140001]
    payment = invoicing.record_payment(academy, Decimal("100.50"), date(2025, 5, 1), "=HYPERLINK(\"x\")", "f")
    payments.reverse_payment(payment, "wrong school", "f", date(2025, 5, 2))
    invoicing.record_payment(academy, Decimal("20.25"), date(2025, 5, 3), "BACS", "f")
    book = openpyxl.load_workbook(io.BytesIO(payments.export_payments("xlsx")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:9] == ["id", "date", "amount", "invoice", "school_urn", "school", "reference", "method",
                          "reversed"]
    amounts = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "n" and c.number_format == "0.00" for c in amounts)
    assert sum(Decimal(str(c.value)) for c in amounts) == Decimal("20.25")
    assert sheet["B2"].is_date and sheet["B2"].number_format == "DD/MM/YYYY"
    assert sheet["G2"].value == "'=HYPERLINK(\"x\")" and sheet["G2"].data_type == "s"
    assert [sheet.cell(row=r, column=9).value for r in (2, 3, 4)] == ["yes", "no", "no"]
    records = list(csv.DictReader(io.StringIO(payments.export_payments("csv").decode())))
    assert [r["amount"] for r in records] == ["100.50", "-100.50", "20.25"]
    assert records[0]["reference"].startswith("'=") and records[1]["method"] == "reversal"


def test_a_line_imported_then_reversed_is_not_paid_again_but_said(billed):
    academy = billed[140001]
    data = _file(f"2025-05-02,10.00,BACS {academy.number},")
    import_payments(data, "bank.csv", "f", TODAY)
    payment = db.session.scalar(select(Payment))
    payments.reverse_payment(payment, "matched to the wrong invoice", "f", date(2025, 5, 3))
    again = import_payments(data, "bank.csv", "f", TODAY)
    assert again.recorded == 0 and again.reversed_rows == [2]
    assert "row(s) 2 was imported before and reversed since" in again.summary()


def test_a_bank_file_in_xlsx_with_date_cells(billed):
    academy = billed[140001]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "amount", "reference"])
    sheet.append([date(2025, 5, 2), 12.5, f"BACS {academy.number}"])
    out = io.BytesIO()
    book.save(out)
    report = import_payments(out.getvalue(), "bank.xlsx", "f", TODAY)
    assert (report.recorded, report.total) == (1, Decimal("12.50"))
    assert db.session.scalar(select(Payment.paid_on)) == date(2025, 5, 2)
