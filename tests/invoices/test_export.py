"""The finance export renderer: exact columns, 2-place decimals, streaming CSV, XLSX."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pandas as pd

from invoices.export import EXPORT_COLUMNS, ExportRow, export_bytes, iter_csv

DESIGN_COLUMNS = ("invoice_number,kind,school_urn,school_name,customer_type,sla_year,term,period_start,period_end,"
                  "issue_date,due_date,service_code,description,quantity,unit_price,net,vat_code,vat_rate,"
                  "invoice_net,invoice_vat,invoice_gross")


def row(n: int, net: str = "532.17", kind: str = "invoice") -> ExportRow:
    return ExportRow(f"INV-2025-{n:06d}", kind, 140001, "Cardinal Academy", "academy", "2025-26", "summer",
                     date(2025, 4, 1), date(2025, 8, 31), date(2025, 4, 10), date(2025, 5, 10), "SIMS",
                     "SIMS support", Decimal(1), Decimal(net), Decimal(net), "S", Decimal("0.20"), Decimal(net),
                     Decimal(net) / 5, Decimal(net) * 6 / 5)


def test_columns_are_exactly_the_designs():
    # DESIGN §4's columns in order, then the two issue #20 added
    assert ",".join(EXPORT_COLUMNS) == (DESIGN_COLUMNS + ",po_number,credits_invoice"
                                        ",trust_code,trust_name,trust_billing,line_school_urn")


def test_csv_streams_in_chunks_with_plain_two_place_decimals():
    chunks = list(iter_csv((row(n) for n in range(12)), chunk=5))
    assert len(chunks) == 4  # header + 5 + 5 + 2
    records = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert len(records) == 12
    first = records[0]
    assert (first["quantity"], first["unit_price"], first["net"], first["vat_rate"]) == ("1.00", "532.17", "532.17", "0.20")
    assert (first["invoice_vat"], first["invoice_gross"], first["period_end"]) == ("106.43", "638.60", "2025-08-31")


def test_credit_notes_are_negative():
    records = list(csv.DictReader(io.StringIO(export_bytes([row(1, "-10.00", "credit_note")], "csv").decode())))
    assert records[0]["net"] == "-10.00" and records[0]["kind"] == "credit_note"


def test_xlsx_has_the_same_cells():
    frame = pd.read_excel(io.BytesIO(export_bytes([row(1), row(2)], "xlsx")), dtype=str)
    assert list(frame.columns) == list(EXPORT_COLUMNS)
    assert list(frame["invoice_number"]) == ["INV-2025-000001", "INV-2025-000002"]
    assert frame["net"][0] == "532.17"
