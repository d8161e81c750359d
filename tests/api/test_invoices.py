"""GET /invoices, /invoices/{number}, its PDF, and POST /invoices/{number}/payments."""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing.documents import export
from contracts_app.services.invoicing.balances import InvoiceFilter
from invoices.export import EXPORT_COLUMNS
from tests.api.conftest import OTHER, OWN, assert_error

# The export's invoice-level columns: the API uses the same names and values.
INVOICE_COLUMNS = [c for c in EXPORT_COLUMNS if c not in (
    "service_code", "description", "quantity", "unit_price", "net", "vat_code", "vat_rate", "line_school_urn")]
LINE_COLUMNS = ["service_code", "description", "quantity", "unit_price", "net", "vat_code", "vat_rate"]


def test_the_list_carries_the_export_columns_and_values(world, api):
    response = api("GET", "/invoices?year=2025", "finance")
    assert response.status_code == 200
    body = response.get_json()
    assert {"items", "page", "per_page", "total", "pages"} <= set(body) and body["total"] == 2
    rows = list(csv.DictReader(io.StringIO(export(InvoiceFilter(year=2025), "csv").decode())))
    for item in body["items"]:
        mine = [r for r in rows if r["invoice_number"] == item["invoice_number"]]
        for column in INVOICE_COLUMNS:  # same names, same text (school_urn is a number in JSON)
            assert str(item[column] if item[column] is not None else "") == mine[0][column], column
        assert [{c: line[c] for c in LINE_COLUMNS} for line in item["lines"]] == [
            {c: r[c] for c in LINE_COLUMNS} for r in mine]
        assert item["status"] == "unpaid" and item["outstanding"] == item["invoice_gross"]
        assert item["paid"] == "0.00" and item["credited"] == "0.00"
    own = next(i for i in body["items"] if i["school_urn"] == OWN)
    assert (own["sla_year"], own["term"], own["kind"]) == ("2025-26", "summer", "invoice")
    assert (own["invoice_net"], own["invoice_vat"], own["invoice_gross"]) == ("2319.70", "283.94", "2603.64")
    assert own["lines"][0]["explanation"]


def test_filters(world, api):
    def numbers(query, who="finance"):
        return sorted(i["invoice_number"] for i in api("GET", "/invoices" + query, who).get_json()["items"])

    both = sorted(world.invoices.values())
    assert numbers("") == both and numbers("?year=2025&term=summer") == both
    assert numbers("?year=2025&term=autumn") == [] and numbers("?year=2024") == []
    assert numbers(f"?urn={OTHER}") == [world.invoices[OTHER]]
    assert numbers("?urn=999999") == []
    assert numbers("?status=unpaid") == both and numbers("?status=paid") == []
    assert numbers("?kind=credit_note") == []
    assert numbers(f"?q={world.invoices[OWN]}") == [world.invoices[OWN]]
    assert_error(api("GET", "/invoices?term=winter", "finance"), 400, mentions="term")
    assert_error(api("GET", "/invoices?status=late", "finance"), 400, mentions="status")
    assert_error(api("GET", "/invoices?urn=0", "finance"), 400, mentions="urn")


def test_a_school_sees_only_its_own_invoices(world, api):
    body = api("GET", "/invoices?year=2025", "school").get_json()
    assert [i["school_urn"] for i in body["items"]] == [OWN] and body["total"] == 1
    assert api("GET", f"/invoices?urn={OTHER}", "school").get_json()["items"] == []
    assert_error(api("GET", f"/invoices/{world.invoices[OTHER]}", "school"), 404, "not_found")
    assert_error(api("GET", f"/invoices/{world.invoices[OTHER]}/pdf", "school"), 404)


def test_one_invoice_and_its_pdf(world, api):
    number = world.invoices[OWN]
    body = api("GET", f"/invoices/{number.lower()}", "school").get_json()
    assert body["invoice_number"] == number and body["payments"] == [] and body["credit_notes"] == []
    assert body["credited_invoice_number"] is None and body["po_number"] == "PO-103700"
    sims = next(line for line in body["lines"] if line["service_code"] == "SIMS")
    assert (sims["quantity"], sims["unit_price"], sims["vat_rate"]) == ("1.00", "1277.20", "0.20")
    pdf = api("GET", f"/invoices/{number}/pdf", "school")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert_error(api("GET", "/invoices/INV-2099-000001", "admin"), 404)
    assert_error(api("GET", "/invoices/%00", "admin"), 404)
    assert_error(api("GET", "/invoices/" + "X" * 21, "admin"), 404)


def test_finance_records_payments_until_paid(world, api):
    number = world.invoices[OWN]
    url = f"/invoices/{number}/payments"
    first = api("POST", url, "finance", json={"amount": "600.00", "paid_on": "2025-05-01", "reference": "BACS 77"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json() == {"invoice_number": number, "amount": "600.00", "paid_on": "2025-05-01",
                                "reference": "BACS 77", "status": "part_paid", "paid": "600.00",
                                "outstanding": "2003.64"}
    assert_error(api("POST", url, "finance", json={"amount": "2003.65", "paid_on": "2025-05-02"}), 409,
                 "conflict", mentions="more than")
    second = api("POST", url, "admin", json={"amount": "2003.64", "paid_on": "2025-05-02"})
    assert second.status_code == 201 and second.get_json()["status"] == "paid"
    shown = api("GET", f"/invoices/{number}", "school").get_json()
    assert shown["status"] == "paid" and shown["outstanding"] == "0.00" and shown["paid"] == "2603.64"
    assert [p["amount"] for p in shown["payments"]] == ["600.00", "2003.64"]
    recorded = db.session.scalars(select(Payment)).all()
    assert {p.recorded_by for p in recorded} == {world.users["finance"].email, world.users["admin"].email}


def test_a_cancelled_invoice_or_a_credit_note_takes_no_payment(world, api):
    invoice = db.session.scalar(select(Invoice).where(Invoice.number == world.invoices[OWN]))
    note = invoicing.issue_credit_note(invoice, "Agreement cancelled", "finance@test.example", date(2025, 5, 1))
    response = api("POST", f"/invoices/{invoice.number}/payments", "finance",
                   json={"amount": "10.00", "paid_on": "2025-05-02"})
    assert_error(response, 409, "conflict", mentions="credit note")
    assert_error(api("POST", f"/invoices/{note.number}/payments", "finance",
                     json={"amount": "10.00", "paid_on": "2025-05-02"}), 409, mentions="credit note")
    shown = api("GET", f"/invoices/{invoice.number}", "finance").get_json()
    assert shown["status"] == "credited" and shown["credit_notes"] == [note.number]
    credit = api("GET", f"/invoices/{note.number}", "finance").get_json()
    assert credit["kind"] == "credit_note" and credit["invoice_gross"] == "-2603.64"
    assert credit["credited_invoice_number"] == invoice.number and credit["status"] == "credit_note"
    listed = api("GET", "/invoices?kind=credit_note", "finance").get_json()["items"]
    assert [i["invoice_number"] for i in listed] == [note.number]
    assert db.session.scalar(select(Payment.id)) is None


def test_payment_input_is_checked(world, api):
    url = f"/invoices/{world.invoices[OWN]}/payments"
    for amount in (12.5, "12.5", "-1.00", "1,000.00", "£10.00", "0.00", None):
        body = assert_error(api("POST", url, "finance", json={"amount": amount, "paid_on": "2025-05-01"}), 400,
                            "bad_request", mentions="amount")
        assert "amount" in body["fields"]
    assert_error(api("POST", url, "finance", json={"amount": "1.00"}), 400, mentions="paid_on")
    assert_error(api("POST", url, "finance", json={"amount": "1.00", "paid_on": "yesterday"}), 400,
                 mentions="paid_on")
    assert_error(api("POST", url, "finance", json={"amount": "1.00", "paid_on": "2025-05-01", "reference": "x" * 121}),
                 400, mentions="reference")
    assert_error(api("POST", url, "finance", data="amount=1.00", content_type="application/x-www-form-urlencoded"),
                 400)
    assert_error(api("POST", "/invoices/INV-2099-000001/payments", "finance",
                     json={"amount": "1.00", "paid_on": "2025-05-01"}), 404)
    assert db.session.scalar(select(Payment.id)) is None


def test_only_finance_and_admin_record_payments(world, api):
    url = f"/invoices/{world.invoices[OWN]}/payments"
    for who in ("sla", "school"):
        assert_error(api("POST", url, who, json={"amount": "1.00", "paid_on": "2025-05-01"}), 403, "forbidden")
    assert db.session.scalar(select(Payment.id)) is None
