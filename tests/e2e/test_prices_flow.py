"""The SLA team opens the year's price list, edits a draft band table and publishes it."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from contracts_app.services import price_lists
from contracts_app.services.audit import acting_as

PRICES_2025 = Path(__file__).resolve().parent.parent / "data" / "prices_2025.csv"


def test_sla_team_edits_a_draft_band_and_publishes(page, sign_in, make_user):
    with acting_as("test"):
        price_lists.import_price_list(PRICES_2025, 2025, "prices_2025.csv")
    sign_in(make_user("sla"))

    page.get_by_role("link", name="Prices", exact=True).click()
    expect(page).to_have_url(re.compile(r"/prices/2025$"))
    expect(page.get_by_role("heading", name="Price list 2025-26")).to_be_visible()
    expect(page.locator("#list-status")).to_have_text("draft")
    admin_row = page.locator("#prices tr", has=page.locator("code", has_text="ADMIN-SUPPORT"))
    expect(admin_row).to_contain_text("251-500: £2,520.00")  # maintained
    expect(admin_row).to_contain_text("251-500: £2,920.00")  # academy, side by side

    page.get_by_role("link", name="Edit ADMIN-SUPPORT maintained").click()
    expect(page.get_by_role("heading", name="ADMIN-SUPPORT · maintained")).to_be_visible()
    bands = page.get_by_label("Bands")
    expect(bands).to_have_value("0-100:1250;101-250:1890;251-500:2520;501-:3380")

    bands.fill("0-100:1250;101-250:1890;260-:2650")
    page.get_by_role("button", name="Save price").click()
    expect(page.locator("#bands-error")).to_have_text("gap between 250 and 260")  # beside the field
    expect(page.get_by_label("Bands")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Bands").fill("0-100:1250;101-250:1890;251-:2650")
    page.get_by_role("button", name="Save price").click()
    expect(page.get_by_role("status")).to_contain_text(
        "ADMIN-SUPPORT (maintained) saved: 0-100: £1,250.00; 101-250: £1,890.00; 251+: £2,650.00")
    expect(admin_row).to_contain_text("251+: £2,650.00")
    expect(admin_row).to_contain_text("251-500: £2,920.00")  # the academy price is untouched

    page.get_by_role("button", name="Publish version 1").click()
    # The confirmation step (issue #15 item 18): how many rows, which year.
    expect(page.locator("#consequences")).to_contain_text("price row(s) of 2025-26 price list v1 are frozen")
    page.get_by_role("button", name=re.compile(r"^Confirm: publish \d+ rows for 2025-26$")).click()
    expect(page.get_by_role("status")).to_contain_text("2025-26 price list v1 is published and frozen.")
    expect(page.locator("#list-status")).to_have_text("published")
    expect(page.get_by_role("link", name=re.compile(r"^Edit "))).to_have_count(0)
    expect(page.get_by_role("button", name="Start version 2")).to_be_visible()
