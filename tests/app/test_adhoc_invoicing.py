"""Completed ad hoc work in the invoice run: its own invoice, an ADHOC line at the right rate, never twice."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, AuditEvent, Invoice, InvoiceLine
from contracts_app.services import adhoc as service
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services import price_lists
from contracts_app.services.invoicing.documents import export, invoice_pdf
from contracts_app.services.invoicing.balances import InvoiceFilter
from tests.agreements_fixtures import PRICES_2025
from tests.app.test_adhoc import JUNE, authorised, world  # noqa: F401 - fixture

ISSUE = date(2025, 9, 10)


def completed(school, reference="SR1", kind="project", minutes=(70,), on=JUNE, **kwargs) -> AdHocRequest:
    request = authorised(school, reference, kind, on=on, **kwargs)
    for offset, booked in enumerate(minutes):
        service.log_time(request, on + timedelta(days=offset), booked, "Sam Patel", f"visit {offset + 1}")
    service.complete(request, on + timedelta(days=len(minutes) - 1))
    return request


def adhoc_invoices() -> list[Invoice]:
    return db.session.scalars(select(Invoice).where(Invoice.adhoc_request_id.is_not(None))
                              .order_by(Invoice.number)).all()


def test_each_completed_request_is_invoiced_on_its_own_invoice(world):
    first = completed(world.maintained, "SR1", minutes=(30, 45))  # 75 minutes -> 2 hours at £62
    second = completed(world.academy, "SR2", minutes=(70,))  # 2 hours at the academy rate, £72
    waiting = authorised(world.maintained, "SR3")  # not complete: not invoiced yet
    service.log_time(waiting, JUNE, 60, "Sam")
    report = invoice_run.run(2025, "autumn", ISSUE, "finance@test")
    assert report.numbers == ["INV-2025-000001", "INV-2025-000002"]
    one, two = adhoc_invoices()
    assert (one.adhoc_request_id, one.school_urn, one.agreement_id, one.customer_type) == (
        first.id, 103700, None, "maintained")
    assert (one.term, one.period_start, one.period_end) == ("autumn", JUNE, JUNE + timedelta(days=1))
    (line,) = one.lines
    assert (line.service_code, line.quantity, line.unit_price, line.net, line.vat_code, line.billing_key) == (
        "ADHOC", Decimal("2.00"), Decimal("62.0000"), Decimal("124.00"), "S", f"adhoc:{first.id}")
    assert "75 minutes booked" in line.explanation and "2025-26 ad hoc rate for maintained schools" in line.explanation
    assert (one.net, one.vat, one.gross) == (Decimal("124.00"), Decimal("24.80"), Decimal("148.80"))
    assert (two.adhoc_request_id, two.lines[0].unit_price, two.net) == (second.id, Decimal("72.0000"),
                                                                       Decimal("144.00"))
    db.session.expire_all()
    assert (first.status, second.status, waiting.status) == ("invoiced", "invoiced", "in_progress")
    assert service.invoice_of(first).number == "INV-2025-000001"
    audited = db.session.scalars(select(AuditEvent.changes).where(AuditEvent.entity_type == "AdHocRequest",
                                                                  AuditEvent.entity_id == str(first.id))).all()
    assert {"status": ["completed", "invoiced"]} in audited


def test_never_twice(world):
    request = completed(world.maintained)
    invoice_run.run(2025, "summer", ISSUE, "f")
    again = invoice_run.run(2025, "autumn", ISSUE, "f")
    assert again.invoices == [] and len(adhoc_invoices()) == 1
    # Even if the request were put back to completed, the billing key on its invoice line refuses it.
    db.session.execute(db.update(AdHocRequest).where(AdHocRequest.id == request.id).values(status="completed"))
    db.session.commit()
    third = invoice_run.run(2025, "autumn", ISSUE, "f")
    assert third.invoices == [] and third.already_billed == 1
    assert db.session.scalar(select(func.count()).select_from(InvoiceLine)
                             .where(InvoiceLine.billing_key == f"adhoc:{request.id}")) == 1


def test_dry_run_previews_and_changes_nothing(world):
    request = completed(world.maintained)
    preview = invoice_run.run(2025, "autumn", ISSUE, "f", dry_run=True)
    assert [(p.party.name, p.description, p.draft.net) for p in preview.invoices] == [
        ("Allesley Primary School", "Ad hoc work SR1: Project service request, completed 2 June 2025",
         Decimal("124.00"))]
    db.session.expire_all()
    assert request.status == "completed" and adhoc_invoices() == []


def test_work_spanning_two_sla_years_is_charged_at_each_years_rate(world):
    price_lists.import_price_list(PRICES_2025.replace("per_unit,,62,", "per_unit,,65,").encode(), 2026, "p.csv")
    price_lists.publish(2026, "test")
    request = authorised(world.maintained, on=date(2026, 3, 30))
    service.log_time(request, date(2026, 3, 30), 30, "Sam")  # 2025-26
    service.log_time(request, date(2026, 4, 2), 45, "Sam")  # 2026-27: 75 minutes in all -> 2 hours
    service.complete(request, date(2026, 4, 2))
    invoice_run.run(2026, "summer", date(2026, 4, 10), "f")
    (invoice,) = adhoc_invoices()
    assert [(l.quantity, l.unit_price, l.net, l.billing_key) for l in invoice.lines] == [
        (Decimal("1.00"), Decimal("62.0000"), Decimal("62.00"), f"adhoc:{request.id}"),
        (Decimal("1.00"), Decimal("65.0000"), Decimal("65.00"), f"adhoc:{request.id}:2026")]
    assert invoice.sla_year == 2026 and invoice.net == Decimal("127.00")


def test_a_year_whose_rate_was_withdrawn_is_skipped_with_the_reason(world):
    request = completed(world.maintained)
    # A new version of the 2025-26 list without the ADHOC row (say, published by mistake).
    price_lists.new_version(2025)
    draft = price_lists.draft(2025)
    for entry in [e for e in draft.entries if e.service_code == "ADHOC"]:
        draft.entries.remove(entry)
    db.session.commit()
    price_lists.publish(2025, "test")
    report = invoice_run.run(2025, "autumn", ISSUE, "f")
    assert report.invoices == []
    assert report.skipped[-1] == ("SR1 Allesley Primary School",
                                  "there is no published 2025-26 ad hoc rate for maintained schools (an ADHOC row in "
                                  "the published 2025-26 price list), so work in 2025-26 cannot be charged")
    db.session.expire_all()
    assert request.status == "completed"


def test_rework_invoice_pdf_carries_the_section_9_5_report(world):
    completed(world.academy, "SR7", "rework", minutes=(120, 45), hours=None, third_party="BrightSpark AV Ltd",
              report="BrightSpark replaced the core switch configuration without approval.")
    invoice_run.run(2025, "autumn", ISSUE, "f")
    (invoice,) = adhoc_invoices()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(invoice_pdf(invoice))).pages)
    assert "INV-2025-000001" in text and "ADHOC" in text and "3 x £72.00" in text
    assert "REPORT ON REWORK (SLA §9.5)" in text
    assert "BrightSpark replaced the core switch configuration without approval." in text
    assert "charged as 3 hours x £72.00 = £216.00" in text
    report = PdfReader(io.BytesIO(service.report_pdf(invoice.adhoc_request)))
    report_text = report.pages[0].extract_text()
    assert "Report on rework" in report_text and "Invoice: INV-2025-000001" in report_text


def test_other_invoices_have_no_report(world):
    completed(world.maintained)
    invoice_run.run(2025, "autumn", ISSUE, "f")
    (invoice,) = adhoc_invoices()
    text = PdfReader(io.BytesIO(invoice_pdf(invoice))).pages[0].extract_text()
    assert "REPORT ON REWORK" not in text


def test_export_has_the_adhoc_line_with_hours_as_quantity(world):
    completed(world.maintained, minutes=(125,))
    invoice_run.run(2025, "autumn", ISSUE, "f")
    rows = export(InvoiceFilter(year=2025), "csv").decode("utf-8").splitlines()
    (line,) = [r for r in rows if ",ADHOC," in r]
    assert ",ADHOC," in line and ",3.00,62.00,186.00,S," in line


@pytest.mark.parametrize("batch", [1])
def test_batches(world, monkeypatch, batch):
    monkeypatch.setattr(invoice_run, "BATCH", batch)
    for n, school in enumerate((world.maintained, world.academy)):
        completed(school, f"SR{n}")
    report = invoice_run.run(2025, "autumn", ISSUE, "f")
    assert report.numbers == ["INV-2025-000001", "INV-2025-000002"]
    assert {i.adhoc_request.reference for i in adhoc_invoices()} == {"SR0", "SR1"}


def test_a_request_claimed_by_another_run_meanwhile_is_not_invoiced(world, monkeypatch):
    request = completed(world.maintained)
    plan = invoice_run._plan_adhoc

    def plan_then_lose_the_race(ids, report, book):
        planned = plan(ids, report, book)
        # Another run (say, for another year: another number series lock) invoices it first.
        db.session.execute(db.update(AdHocRequest).where(AdHocRequest.id == request.id).values(status="invoiced"))
        return planned

    monkeypatch.setattr(invoice_run, "_plan_adhoc", plan_then_lose_the_race)
    report = invoice_run.run(2025, "autumn", ISSUE, "f")
    assert report.invoices == [] and report.numbers == [] and adhoc_invoices() == []


def test_the_report_keeps_the_invoiced_rates_when_prices_change_later(world):
    request = completed(world.maintained, "SR8", "rework", minutes=(90,), hours=None, third_party="Acme",
                        report="Acme changed the firewall.")
    invoice_run.run(2025, "autumn", ISSUE, "f")
    price_lists.new_version(2025)
    draft = price_lists.draft(2025)
    for entry in draft.entries:
        if entry.service_code == "ADHOC":
            entry.rate = Decimal("99.00")
    db.session.commit()
    price_lists.publish(2025, "test")
    report = service.rework_report(request)
    assert [(p.hours, p.rate, p.net) for p in report.parts] == [(2, Decimal("62.0000"), Decimal("124.00"))]
    assert (report.invoice_number, report.gross) == ("INV-2025-000001", Decimal("148.80"))
