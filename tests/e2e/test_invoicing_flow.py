"""Finance previews and issues the summer run, opens an invoice, downloads its PDF and the export."""
from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from contracts_app.extensions import db
from contracts_app.services import agreements as agreement_service
from tests.agreements_fixtures import add_census, build_priced_world

L = agreement_service.LineInput


def test_finance_runs_summer_invoices(page, sign_in, make_user, make_school, tmp_path):
    build_priced_world(2025)
    for urn, name, kind in ((103700, "Allesley Primary School", "Community school"),
                            (140001, "Cardinal Academy", "Academy converter")):
        school = make_school(urn=urn, name=name, establishment_type=kind)
        add_census(school, "2025-01", 412)
        agreement = agreement_service.create_draft(2025, school=school, from_catalogue=False)
        agreement_service.set_lines(agreement, [L("SIMS", "subscribed"), L("DPO", "subscribed")])
        agreement_service.issue(agreement, "sla")
        db.session.commit()
    sign_in(make_user("finance"))

    page.get_by_role("link", name="Runs", exact=True).click()
    page.get_by_label("SLA year").fill("2025")
    page.get_by_label("Term").select_option("summer")
    page.get_by_label("Issue date").fill("2025-04-10")
    page.get_by_role("button", name="Preview the run").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("2 invoice(s): net £3,084.37")  # 2,177.20 + 5/12 of it (907.17)
    expect(page.locator("#preview-invoices")).to_contain_text("Cardinal Academy")
    page.get_by_role("button", name="Issue 2 invoice(s)").click()
    expect(page.get_by_role("status")).to_contain_text("2 invoice(s) issued")

    page.get_by_role("link", name="INV-2025-000002").click()
    expect(page.get_by_role("heading", name="Invoice INV-2025-000002")).to_be_visible()
    expect(page.locator("#invoice-lines")).to_contain_text("412 pupils (January 2025 census) x £3.10 = £1,277.20")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = pdf.pages[0].extract_text()
    assert "INV-2025-000002" in text and "Cardinal Academy" in text and "Page 1 of 1" in text

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invoices").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("invoice_number,kind,school_urn,school_name")
    assert len(lines) == 5  # header + 2 lines on each of the 2 invoices

    # Running it again raises nothing twice.
    page.goto("/invoices/runs?preview=1&year=2025&term=summer&issue_date=2025-04-11")
    expect(page.locator("#preview")).to_contain_text("Nothing is due")
