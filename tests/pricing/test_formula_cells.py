"""No formula from data (issue #16 item 2): the one rule every CSV and XLSX writer shares."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, strategies as st

from invoices.export import ExportRow, export_bytes
from pricing.cells import FORMULA_START, safe_text
from pricing.spreadsheet import Column, csv_bytes, write_xlsx
from servicedesk.export import export_csv

ATTACK = '=HYPERLINK("http://127.0.0.1:9/","pay here")'


@pytest.mark.parametrize("start", FORMULA_START)
def test_every_formula_start_is_neutralised(start):
    assert safe_text(f"{start}1+1") == f"'{start}1+1"


@given(st.text())
def test_safe_text_never_starts_a_formula_and_keeps_the_text(value):
    made = safe_text(value)
    assert not made.startswith(FORMULA_START)
    assert made in (value, "'" + value)


def _row(description: str, school: str, net: str = "10.00") -> ExportRow:
    return ExportRow("INV-2025-000001", "invoice", 140001, school, "academy", "2025-26", "summer",
                     date(2025, 4, 1), date(2025, 8, 31), date(2025, 4, 10), date(2025, 5, 10), "ONEOFF",
                     description, Decimal(1), Decimal(net), Decimal(net), "S", Decimal("0.20"), Decimal(net),
                     Decimal("2.00"), Decimal("12.00"), "@PO-1", "")


def test_the_finance_csv_escapes_text_but_not_negative_amounts():
    data = export_bytes([_row(ATTACK, "+Evil School", "-10.00")], "csv").decode()
    record = next(csv.DictReader(io.StringIO(data)))
    assert record["description"] == "'" + ATTACK and record["school_name"] == "'+Evil School"
    assert record["po_number"] == "'@PO-1"
    assert record["net"] == "-10.00" and record["unit_price"] == "-10.00"  # numbers stay numbers


def test_the_finance_xlsx_never_holds_a_formula():
    book = openpyxl.load_workbook(io.BytesIO(export_bytes([_row(ATTACK, "-Evil School", "-10.00")], "xlsx")))
    sheet = book.active
    cells = {sheet.cell(row=1, column=c).value: sheet.cell(row=2, column=c) for c in range(1, sheet.max_column + 1)}
    assert all(c.data_type != "f" for c in cells.values())
    assert cells["description"].value == "'" + ATTACK and cells["description"].data_type == "s"
    assert cells["school_name"].value == "'-Evil School"
    assert cells["net"].value == -10 and cells["net"].data_type == "n"


def test_the_ticket_csv_uses_the_same_rule():
    from servicedesk import export as ticket_export

    assert ticket_export._text is safe_text
    assert export_csv([]).decode().startswith("reference,")


def test_the_shared_writers_escape_text_cells_only():
    columns = (Column("text"), Column("amount", "money"), Column("day", "date"))
    rows = [("=1+2", Decimal("-3.50"), date(2025, 1, 2)), ("\tx", Decimal("1"), datetime(2025, 1, 3, tzinfo=timezone.utc))]
    assert csv_bytes(columns, rows).decode().splitlines() == ["text,amount,day", "'=1+2,-3.50,2025-01-02",
                                                             "'\tx,1.00,2025-01-03"]
    out = io.BytesIO()
    write_xlsx(out, columns, rows, "t")
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A2"].value == "'=1+2" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -3.5 and sheet["B2"].data_type == "n"
