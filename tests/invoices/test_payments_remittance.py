"""A bank file's rows (issue #20), pure: cells checked, invoice numbers found, keys, balances."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, strategies as st

from invoices.remittance import InvoiceState, RemittanceRow, check_rows, find_invoice_number, import_key, read_rows
from invoices.statement import Item, build_statement

TODAY = date(2025, 6, 1)
OPEN = InvoiceState("invoice", Decimal("100.00"), False, date(2025, 4, 10))


def test_the_invoice_number_is_taken_from_its_cell_or_found_in_the_reference():
    rows, problems = read_rows([{"date": "2025-05-01", "amount": "£1,200.50", "reference": "BACS inv-2025-000042 ta"},
                                {"date": "2025-05-01", "amount": "3", "reference": "x", "invoice_number": "inv-2025-000007"}])
    assert problems == []
    assert [(r.invoice_number, r.amount) for r in rows] == [("INV-2025-000042", Decimal("1200.50")),
                                                            ("INV-2025-000007", Decimal("3.00"))]
    assert find_invoice_number("nothing here") is None


def test_bad_cells_are_named_by_row_and_column():
    _, problems = read_rows([{"date": "2025-02-30", "amount": "NaN", "reference": "INV-2025-000001"},
                             {"date": "2999-01-01", "amount": "1.001", "reference": "r" * 121},
                             {"date": "2025-05-01", "amount": "Infinity", "reference": "x"}])
    assert [(p.row, p.column) for p in problems] == [
        (2, "date"), (2, "amount"), (3, "amount"), (3, "reference"), (3, "invoice_number"), (4, "amount"),
        (4, "invoice_number")]


def test_the_same_words_twice_are_two_rows_with_two_keys_and_the_same_keys_next_time():
    record = {"date": "2025-05-01", "amount": "5", "reference": "INV-2025-000001"}
    first, _ = read_rows([record, record])
    again, _ = read_rows([record, record])
    assert first[0].key != first[1].key and [r.key for r in first] == [r.key for r in again]
    assert len(first[0].key) == 64


def _rows(amounts: list[Decimal]) -> list[RemittanceRow]:
    return [RemittanceRow(n + 2, date(2025, 5, 1), a, "r", "INV-2025-000001",
                          import_key(date(2025, 5, 1), a, "r", "INV-2025-000001", n)) for n, a in enumerate(amounts)]


@given(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("80"), places=2), min_size=1, max_size=8))
def test_rows_for_one_invoice_are_added_up_and_never_pay_more_than_is_owed(amounts):
    problems = check_rows(_rows(amounts), {"INV-2025-000001": OPEN}, TODAY)
    running, expected = Decimal(0), []
    for n, amount in enumerate(amounts):
        running += amount
        if running > OPEN.outstanding:
            expected.append(n + 2)
    assert [p.row for p in problems] == expected
    assert all(p.column == "amount" for p in problems)


def test_credit_notes_cancelled_unknown_and_early_payments_are_refused():
    states = {"INV-2025-000001": InvoiceState("credit_note", Decimal(0), False, date(2025, 4, 1))}
    assert "credit note" in check_rows(_rows([Decimal(1)]), states, TODAY)[0].reason
    states = {"INV-2025-000001": InvoiceState("invoice", Decimal(0), True, date(2025, 4, 1))}
    assert "cancelled" in check_rows(_rows([Decimal(1)]), states, TODAY)[0].reason
    assert "no invoice numbered" in check_rows(_rows([Decimal(1)]), {}, TODAY)[0].reason
    states = {"INV-2025-000001": InvoiceState("invoice", Decimal(9), False, date(2025, 9, 1))}
    assert check_rows(_rows([Decimal(1)]), states, TODAY)[0].column == "date"


@given(st.lists(st.tuples(st.sampled_from(("invoice", "payment", "reversal", "credit_note")),
                          st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=2),
                          st.integers(min_value=0, max_value=60)), max_size=12))
def test_the_running_balance_is_the_sum_of_what_came_before(events):
    items = [Item(date(2025, 4, 1 + day % 30), kind, f"R{n}", "INV-1",
                  amount if kind in ("invoice", "reversal") else -amount, date(2025, 5, 1) if kind == "invoice" else None)
             for n, (kind, amount, day) in enumerate(events)]
    statement = build_statement(items, date(2025, 6, 30), "S", 1)
    total = Decimal(0)
    for entry in statement.entries:
        total += entry.item.amount
        assert entry.balance == total
        assert entry.debit - entry.credit == entry.item.amount
    assert statement.balance == sum((i.amount for i in items), Decimal(0))
    dates = [e.item.on for e in statement.entries]
    assert dates == sorted(dates)


def test_dates_as_bank_statements_and_spreadsheets_write_them():
    rows, problems = read_rows([{"date": d, "amount": "1", "reference": "INV-2025-000001"}
                                for d in ("02/05/2025", "2025-05-02 00:00:00", "2025-05-02")])
    assert problems == [] and {r.paid_on for r in rows} == {date(2025, 5, 2)}
    _, problems = read_rows([{"date": d, "amount": "1", "reference": "INV-2025-000001"}
                             for d in ("31/02/2025", "5/2/25", "")])
    assert [p.column for p in problems] == ["date"] * 3
