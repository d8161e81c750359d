"""The SLA team opens a school's performance report (the chart shows); a school user
downloads its own PDF report."""
from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.app.test_reports import load_log


def test_sla_team_opens_a_schools_report(page, sign_in, make_user, make_school):
    load_log(make_school)
    sign_in(make_user("sla"))
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="SLA performance: all schools")).to_be_visible()
    page.get_by_label("From").fill("2026-03-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("#kpi-percent")).to_have_text("66.7%")
    expect(page.locator("#school-table tbody tr").first).to_contain_text("Own School")

    page.locator("#school-table").get_by_role("link", name="Own School").click()
    expect(page.get_by_role("heading", name="Service report: Own School")).to_be_visible()
    expect(page.locator("#kpi-percent")).to_have_text("60.0%")
    expect(page.locator("#kpi-P1")).to_contain_text("66.7%")
    expect(page.locator("#breached-tickets")).to_contain_text("P1-LATE")
    expect(page.locator("#all-tickets")).to_contain_text("2 h 00 min")  # P1-THIRD's time with a supplier

    chart = page.get_by_role("img", name="Chart: Own School")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    assert chart.evaluate("img => img.naturalWidth") == 860  # the SVG loaded and rendered, CSP allowing
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_school_user_downloads_its_own_report(page, sign_in, make_user, make_school):
    own, _ = load_log(make_school)
    sign_in(make_user("school", school=own))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Service reports").click()
    expect(page.get_by_role("heading", name="Service report: Own School")).to_be_visible()
    page.get_by_label("From").fill("2025-04-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("#kpi-percent")).to_have_text("60.0%")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF report").click()
    assert download.value.suggested_filename == "sla-report-111111-2025-04-01_2026-03-31.pdf"
    reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Own School (URN 111111)" in text and "1 April 2025 to 31 March 2026" in text
    assert "60.0%" in text and "P1-LATE" in text and "Other School" not in text

    page.goto("/reports/schools/222222")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
