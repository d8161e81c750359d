"""A school's statement of account (issue #20): date order, running balance, overdue and ageing, PDF."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import payments
from contracts_app.services.invoicing.statements import statement, statement_pdf
from tests.finance_fixtures import bill_two_schools


@pytest.fixture
def billed(app, make_school):
    return bill_two_schools(make_school)


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_reversed_payment_reappears_as_owed_on_the_statement(billed):
    invoice = billed[140001]
    school = invoice.school
    payment = invoicing.record_payment(invoice, invoice.gross, date(2025, 5, 1), "BACS 991", "f")
    paid = statement(school, date(2025, 5, 2))
    assert paid.balance == Decimal("0.00") and paid.overdue == 0
    payments.reverse_payment(payment, "bounced", "f", date(2025, 5, 20))
    owed = statement(school, date(2025, 7, 1))
    assert [e.item.kind for e in owed.entries] == ["invoice", "payment", "reversal"]
    assert [e.balance for e in owed.entries] == [invoice.gross, Decimal("0.00"), invoice.gross]
    assert owed.balance == invoice.gross and owed.overdue == invoice.gross and owed.overdue_count == 1
    assert owed.ageing["31-60"] == invoice.gross  # due 10 May, 52 days late on 1 July


def test_the_statement_pdf_lists_invoices_payments_credit_notes_and_the_balance(billed):
    invoice = billed[103700]
    invoicing.record_payment(invoice, Decimal("1000.00"), date(2025, 5, 1), "BACS 123", "f")
    note = invoicing.issue_credit_note(invoice, "goodwill", "f", date(2025, 5, 5), {invoice.lines[0].id:
                                                                                   Decimal("100.00")})
    left = invoice.gross - Decimal("1000.00") + note.gross
    text = _text(statement_pdf(invoice.school_id, date(2025, 6, 1)))
    for expected in ("Statement of account", "Allesley Primary School", "URN 103700", invoice.number, note.number,
                     "BACS 123", "Payment", "Credit note", f"£{left:,.2f}", "Balance owed", "1-30 days",
                     "Page 1 of 1"):
        assert expected in text, (expected, text)
    # Nothing from the other school.
    assert billed[140001].number not in text


def test_a_statement_before_anything_is_empty(billed):
    empty = statement(billed[140001].school, date(2025, 1, 1))
    assert empty.entries == () and empty.balance == 0
    assert "Nothing on the account yet" in _text(statement_pdf(billed[140001].school_id, date(2025, 1, 1)))
