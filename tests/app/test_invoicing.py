"""Issued invoices: PDFs, the export, payments, credit notes, immutability, concurrency."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Invoice, InvoiceLine, Payment
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import runs as invoice_run, balances as invoicing
from pricing.errors import ActionRefused
from contracts_app.services.invoicing.documents import export, invoice_pdf
from contracts_app.services.invoicing.balances import InvoiceFilter
from invoices.export import EXPORT_COLUMNS
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def billed(app, make_school):
    """An academy and a maintained school with issued agreements and a summer run done."""
    build_priced_world(2025)
    maintained = make_school(urn=103700, name="Allesley Primary School", street="Rowland Avenue", town="Coventry")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    for school in (maintained, academy):
        add_census(school, "2025-01", 412)
        issue_agreement([L("SIMS", "subscribed"), L("DPO", "subscribed"), L("AV", "subscribed", Decimal(30))],
                        school=school, po_number=f"PO-{school.urn}")
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    return {i.school_urn: i for i in db.session.scalars(select(Invoice))}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_invoice_pdf_carries_the_figures(billed):
    invoice = billed[103700]
    text = pdf_text(invoice_pdf(invoice))
    for expected in ("Invoice", invoice.number, "Coventry City Council", "Allesley Primary School", "URN 103700",
                     "PO-103700", "412 pupils (January 2025 census) x £3.10 = £1,277.20", "£2,319.70",
                     "£283.94", "£2,603.64", "10 May 2025", "Page 1 of 1", "How to pay"):
        assert expected in text, expected
    # VAT per code (EN 16931): 20% of the S lines' 1,277.20 + 142.50; DPO is exempt.
    assert (invoice.net, invoice.vat, invoice.gross) == (Decimal("2319.70"), Decimal("283.94"), Decimal("2603.64"))


def test_export_has_the_exact_columns_and_figures(billed):
    data = export(InvoiceFilter(year=2025), "csv").decode()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert tuple(rows[0].keys()) == EXPORT_COLUMNS
    academy = [r for r in rows if r["school_urn"] == "140001"]
    assert {r["service_code"] for r in academy} == {"SIMS", "DPO", "AV"}
    sims = next(r for r in academy if r["service_code"] == "SIMS")
    assert (sims["kind"], sims["sla_year"], sims["term"], sims["period_start"], sims["period_end"]) == (
        "invoice", "2025-26", "summer", "2025-04-01", "2025-08-31")
    assert (sims["net"], sims["vat_code"], sims["vat_rate"]) == ("532.17", "S", "0.20")
    assert sum(Decimal(r["net"]) for r in academy) == Decimal(academy[0]["invoice_net"])


def test_export_xlsx_reads_back(billed):
    import pandas as pd

    frame = pd.read_excel(io.BytesIO(export(InvoiceFilter(year=2025), "xlsx")), dtype=str)
    assert list(frame.columns) == list(EXPORT_COLUMNS) and len(frame) == 6


def test_payments_part_paid_paid_and_refusals(billed):
    invoice = billed[140001]
    invoicing.record_payment(invoice, Decimal("100.00"), date(2025, 5, 1), "BACS 1", "f")
    assert invoicing.balance(invoice).status == "part_paid"
    with pytest.raises(ActionRefused, match="more than the"):
        invoicing.record_payment(invoice, invoice.gross, date(2025, 5, 2), "", "f")
    invoicing.record_payment(invoice, invoice.gross - Decimal("100.00"), date(2025, 5, 2), "BACS 2", "f")
    assert invoicing.balance(invoice).status == "paid"


def test_overdue_after_due_date(billed):
    invoice = billed[103700]
    assert not invoicing.balance(invoice, date(2025, 5, 10)).overdue
    assert invoicing.balance(invoice, date(2025, 5, 11)).overdue


def test_credit_note_whole_and_partial_never_more_than_left(billed):
    invoice = billed[103700]
    sims = next(l for l in invoice.lines if l.service_code == "SIMS")
    note = invoicing.issue_credit_note(invoice, "SIMS removed by agreement", "f", date(2025, 6, 1),
                                       {sims.id: Decimal("277.20")})
    assert note.number == "CRN-2025-000001"
    assert (note.net, note.vat, note.gross) == (Decimal("-277.20"), Decimal("-55.44"), Decimal("-332.64"))
    with pytest.raises(ActionRefused, match=r"line 3: .*only £1,000.00 left"):
        invoicing.issue_credit_note(invoice, "too much", "f", date(2025, 6, 2), {sims.id: Decimal("1000.01")})
    db.session.rollback()
    rest = invoicing.issue_credit_note(invoice, "school closed", "f", date(2025, 6, 3))
    assert rest.number == "CRN-2025-000002"
    assert invoicing.balance(invoice).outstanding == Decimal("0.00")
    assert invoicing.balance(invoice).status == "credited"
    with pytest.raises(ActionRefused, match="credited in full already"):
        invoicing.issue_credit_note(invoice, "again", "f", date(2025, 6, 4))
    with pytest.raises(ActionRefused, match="cancelled by credit note"):
        invoicing.record_payment(invoice, Decimal("1.00"), date(2025, 6, 5), "", "f")
    rows = list(csv.DictReader(io.StringIO(export(InvoiceFilter(year=2025, kind="credit_note"), "csv").decode())))
    assert all(Decimal(r["net"]) < 0 and r["kind"] == "credit_note" for r in rows)


def test_an_issued_invoice_never_changes(billed):
    invoice = billed[103700]
    invoice.net = Decimal("1.00")
    with pytest.raises(ActionRefused, match="never changes"):
        db.session.commit()
    db.session.rollback()
    line = db.session.scalar(select(InvoiceLine))
    db.session.delete(line)
    with pytest.raises(ActionRefused, match="never changes"):
        db.session.commit()
    db.session.rollback()


def test_pages_show_and_filter(billed, client, login):
    login("finance")
    page = client.get("/invoices/?year=2025&type=academy").get_data(as_text=True)
    assert billed[140001].number in page and billed[103700].number not in page
    page = client.get(f"/invoices/{billed[103700].number}").get_data(as_text=True)
    assert "Allesley Primary School" in page and "£2,603.64" in page
    response = client.get(f"/invoices/{billed[103700].number}/pdf")
    assert response.mimetype == "application/pdf" and billed[103700].number in pdf_text(response.data)
    response = client.get("/invoices/export?year=2025&format=csv")
    assert response.data.decode().splitlines()[0] == ",".join(EXPORT_COLUMNS)
    assert client.get("/invoices/export?format=pdf").status_code == 400


def test_school_user_sees_only_its_own_invoices(billed, client, login):
    from contracts_app.models import School

    school = db.session.scalar(select(School).where(School.urn == 140001))
    login("school", school=school)
    page = client.get("/invoices/").get_data(as_text=True)
    assert billed[140001].number in page and billed[103700].number not in page
    assert client.get(f"/invoices/{billed[103700].number}").status_code == 404
    assert client.get(f"/invoices/{billed[103700].number}/pdf").status_code == 404
    assert client.get(f"/invoices/{billed[140001].number}/pdf").status_code == 200


def test_payment_form_errors_change_nothing(billed, client, login):
    login("finance")
    number = billed[103700].number
    response = client.post(f"/invoices/{number}/payments", data={"amount": "abc", "paid_on": "2025-05-01"},
                           follow_redirects=True)
    assert "Payment not recorded" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_interrupted_run_completes_without_gaps_or_duplicates(app, make_school, monkeypatch):
    build_priced_world(2025)
    for n in range(5):
        school = make_school(urn=103700 + n)
        add_census(school, "2025-01", 100 + n)
        issue_agreement([L("SIMS", "subscribed")], school=school)
    monkeypatch.setattr(invoice_run, "BATCH", 2)
    calls = []

    def crash_after_first_batch(n):
        calls.append(n)
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        invoice_run.run(2025, "summer", date(2025, 4, 10), "f", progress=crash_after_first_batch)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 2
    invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    numbers = sorted(db.session.scalars(select(Invoice.number)))
    assert numbers == [f"INV-2025-{n:06d}" for n in range(1, 6)]
    assert db.session.scalar(select(func.count(func.distinct(Invoice.agreement_id)))) == 5


def test_two_processes_running_the_same_run_bill_each_once(app, make_school, database_url):
    build_priced_world(2025)
    for n in range(40):
        school = make_school(urn=110000 + n)
        add_census(school, "2025-01", 100 + n)
        issue_agreement([L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(3))], school=school)
    db.session.remove()
    env = {**os.environ, "DATABASE_URL": database_url, "CONTRACTS_ENV": "testing"}
    script = ("from contracts_app.services.invoicing import runs as invoice_run; invoice_run.BATCH = 5\n"
              "from contracts_app import create_app\n"
              "app = create_app()\n"
              "import sys\n"
              "result = app.test_cli_runner().invoke(args=['invoices', 'run', '--year', '2025', '--term', "
              "'summer', '--issue-date', '2025-04-10'])\n"
              "print(result.output, result.exception)\n"
              "sys.exit(result.exit_code)")
    procs = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    numbers = sorted(db.session.scalars(select(Invoice.number)))
    assert numbers == [f"INV-2025-{n:06d}" for n in range(1, 41)], outputs
    assert db.session.scalar(select(func.count(func.distinct(Invoice.agreement_id)))) == 40
    keys = db.session.scalars(select(InvoiceLine.billing_key)).all()
    assert len(keys) == len(set(keys)) == 80


def test_status_filters(billed):
    from contracts_app.services.invoicing.balances import list_invoices

    maintained, academy = billed[103700], billed[140001]

    def numbers(status, today=date(2025, 4, 20)):
        result, _ = list_invoices(InvoiceFilter(year=2025, status=status), 1, 50, today)
        return sorted(i.number for i in result.items)

    assert numbers("unpaid") == sorted([maintained.number, academy.number])
    invoicing.record_payment(academy, Decimal("10.00"), date(2025, 4, 20), "", "f")
    assert numbers("part_paid") == [academy.number]
    invoicing.record_payment(academy, academy.gross - Decimal("10.00"), date(2025, 4, 21), "", "f")
    assert numbers("paid") == [academy.number]
    invoicing.issue_credit_note(maintained, "closed", "f", date(2025, 4, 22))
    assert numbers("credited") == [maintained.number]
    assert numbers("unpaid") == []
    assert numbers("overdue", today=date(2025, 6, 1)) == []


def test_export_command_writes_csv_and_xlsx(billed, app, tmp_path):
    import pandas as pd

    runner = app.test_cli_runner()
    result = runner.invoke(args=["invoices", "export", "--year", "2025", "--format", "csv", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "x.csv").read_text().splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS) and len(lines) == 7
    result = runner.invoke(args=["invoices", "export", "--year", "2025", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0, result.output
    assert len(pd.read_excel(tmp_path / "x.xlsx", dtype=str)) == 6
    bad = runner.invoke(args=["invoices", "export", "--year", "2025", "--format", "pdf", "-o", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
