"""The SLA team applies an academy conversion in Chromium (issue #28): from the schools list to
the register changes, the confirmation's schools, dates, amounts and new annual total, a new PO,
then the list shows it applied and the successor's agreement carries the PO."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.register import world


def test_sla_team_confirms_a_conversion(page, sign_in, make_user):
    w = world.conversion()
    sign_in(make_user("sla"))
    page.goto("/schools/")
    page.get_by_role("link", name="Register changes").click()
    row = page.locator(f"#change-{w['agreement'].id}")
    expect(row).to_contain_text("Conversion to academy")
    expect(row).to_contain_text("£1,907.88")
    row.get_by_role("link", name="Review and apply").click()

    confirmation = page.locator("#confirmation")
    expect(confirmation).to_contain_text("Ends on")
    expect(confirmation).to_contain_text("30 November 2026")
    expect(page.locator("#consequences")).to_contain_text("£1,639.90 net, £1,907.88 with VAT")
    expect(page.locator("#consequences")).to_contain_text("annual total £3,942.50")
    expect(page.locator("#consequences")).to_contain_text("Left out (no academy price): SIMS")
    page.get_by_label("The successor's new purchase-order number").fill("PO-ACADEMY-7")
    page.get_by_label("Date of the credit notes").fill("2026-12-07")
    page.get_by_role("button", name="Confirm: apply this change").click()

    expect(page.get_by_role("status")).to_contain_text("ended on 30 November 2026")
    expect(row).to_contain_text("applied")
    page.goto("/agreements/?year=2026")
    page.get_by_role("link", name="Whitley Academy", exact=True).click()
    expect(page.locator("body")).to_contain_text("PO-ACADEMY-7")
