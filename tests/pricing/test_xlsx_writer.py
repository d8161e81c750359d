"""The one XLSX writer (issue #20): a spreadsheet that sums, sorts and reads."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from invoices.export import EXPORT_COLUMNS, ExportRow, export_bytes
from pricing.spreadsheet import DATE_FORMAT, MONEY_FORMAT, Column, write_xlsx


def _book(columns, rows):
    out = io.BytesIO()
    count = write_xlsx(out, columns, rows, "sheet")
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())).active, count


def test_numbers_are_numbers_dates_are_dates_header_frozen_and_filtered():
    columns = (Column("name"), Column("urn", "whole"), Column("net", "money"), Column("rate", "rate"),
               Column("due", "date"))
    rows = [("A school with a long name", 100001, Decimal("10.10"), Decimal("3.565"), date(2025, 5, 10)),
            ("B", 100002, Decimal("-0.10"), Decimal("0.20"), None)]
    sheet, count = _book(columns, rows)
    assert count == 2
    assert [c.value for c in sheet[1]] == ["name", "urn", "net", "rate", "due"] and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E3"
    assert (sheet["C2"].data_type, sheet["C2"].number_format) == ("n", MONEY_FORMAT)
    assert sheet["B2"].value == 100001 and sheet["B2"].number_format == "0"
    assert sheet["D2"].value == 3.565
    assert sheet["E2"].is_date and sheet["E2"].number_format == DATE_FORMAT and sheet["E3"].value is None
    assert sum(Decimal(str(sheet[f"C{r}"].value)) for r in (2, 3)) == Decimal("10.00")
    assert sheet.column_dimensions["A"].width >= len("A school with a long name")
    assert 10 <= sheet.column_dimensions["C"].width <= 20


def test_an_unknown_column_kind_is_refused():
    with pytest.raises(ValueError, match="not 'pounds'"):
        Column("x", "pounds")


def test_the_finance_export_opened_in_a_spreadsheet_sums():
    rows = [ExportRow(f"INV-2025-{n:06d}", "invoice" if n < 3 else "credit_note", 140001, "Cardinal Academy",
                      "academy", "2025-26", "summer", date(2025, 4, 1), date(2025, 8, 31), date(2025, 4, 10),
                      date(2025, 5, 10), "SIMS", "SIMS support", Decimal(1), Decimal(net), Decimal(net), "S",
                      Decimal("0.20"), Decimal(net), Decimal(net) / 5, Decimal(net) * 6 / 5, "PO-7",
                      "INV-2025-000001" if n == 3 else "")
            for n, net in ((1, "532.17"), (2, "100.00"), (3, "-32.17"))]
    sheet = openpyxl.load_workbook(io.BytesIO(export_bytes(rows, "xlsx"))).active
    header = [c.value for c in sheet[1]]
    assert header == list(EXPORT_COLUMNS) and header[-6:-4] == ["po_number", "credits_invoice"]
    assert header[-4:] == ["trust_code", "trust_name", "trust_billing", "line_school_urn"]
    col = {name: i + 1 for i, name in enumerate(header)}
    nets = [sheet.cell(row=r, column=col["net"]) for r in (2, 3, 4)]
    assert all(c.data_type == "n" and c.number_format == "0.00" for c in nets)
    assert round(sum(c.value for c in nets), 2) == 600.00
    assert sheet.cell(row=2, column=col["issue_date"]).is_date
    assert sheet.cell(row=2, column=col["issue_date"]).number_format == "DD/MM/YYYY"
    assert sheet.cell(row=2, column=col["school_urn"]).value == 140001
    assert sheet.cell(row=4, column=col["credits_invoice"]).value == "INV-2025-000001"
    assert sheet.cell(row=2, column=col["po_number"]).value == "PO-7"
    assert sheet.cell(row=2, column=col["line_school_urn"]).value == 140001  # the invoice's school: no section
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:AA4"
