"""The SLA team builds a school's agreement from the catalogue, issues it and records a notice."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from contracts_app.extensions import db
from tests.agreements_fixtures import add_census, build_priced_world


def test_build_issue_and_cancel_an_agreement(page, sign_in, make_user, make_school, tmp_path):
    year = 2026  # the SLA year running today (the suite's clock is the real one)
    build_priced_world(year)
    school = make_school(urn=103700, name="Allesley Primary School")
    add_census(school, f"{year}-01", 412)
    db.session.commit()
    sign_in(make_user("sla"))

    page.get_by_role("link", name="Agreements", exact=True).click()
    page.get_by_role("link", name="New agreement").click()
    page.get_by_label("School (type part").fill("103700 Allesley Primary School")  # a URN with its name pasted
    page.get_by_label("SLA year").fill(str(year))
    page.get_by_role("button", name="Create draft agreement").click()

    # The catalogue's default lists are preselected; take 30 anti-virus licences and move DPO in.
    expect(page.get_by_role("heading", name=re.compile("Services of Allesley"))).to_be_visible()
    page.get_by_label("Quantity of AV").fill("0")
    page.get_by_role("button", name="Save services").click()
    expect(page.get_by_role("alert")).to_contain_text("quantity of 1 or more")
    page.get_by_label("Quantity of AV").fill("30")
    page.get_by_label("List for DPO").select_option("subscribed")
    page.get_by_role("button", name="Save services").click()

    expect(page.locator("#lines-subscribed")).to_contain_text("412 pupils (January 2026 census) x £3.10 = £1,277.20")
    expect(page.locator("#annual-total")).to_have_text("£4,919.70")
    page.get_by_role("button", name="Issue the agreement").click()
    # The confirmation step (issue #15 item 18): the annual total and the invoice schedule first.
    expect(page.locator("#consequences")).to_contain_text("Prices are fixed at £4,919.70 a year")
    expect(page.locator("#consequences")).to_contain_text("term invoice:")
    page.get_by_role("button", name="Confirm: issue at £4,919.70 a year").click()
    expect(page.locator("#agreement-status")).to_have_text("Active")
    expect(page.get_by_role("status")).to_contain_text("issued")
    page.screenshot(path=str(tmp_path / "agreement.png"), full_page=True)

    page.get_by_role("link", name="Record a cancellation notice").click()
    notice_date = date.today()
    page.get_by_label("Date the written notice was given").fill(notice_date.isoformat())
    page.get_by_label("Reason").fill("Joining a multi-academy trust")
    page.get_by_role("button", name="Review the notice").click()
    effective = notice_date + timedelta(days=90)
    # A confirmation step in the page says what will happen before anything is recorded.
    expect(page.locator("#notice-confirm")).to_contain_text(f"cancelled with effect from {effective.day} {effective:%B %Y}")
    expect(page.locator("#agreement-status")).to_have_count(0)
    page.get_by_role("button", name="Record the notice").click()
    expect(page.locator("#notice-box")).to_contain_text(f"cancelled with effect from {effective.day} {effective:%B %Y}")
    expect(page.locator("#agreement-status")).to_have_text("Notice given")
