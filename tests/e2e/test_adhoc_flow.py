"""Issue 6, done when: staff create a Project SR with an estimate, the school user authorises it in
the portal, staff log time and complete it, and finance's next run invoices it."""
from __future__ import annotations

import io
import re
from datetime import date

from playwright.sync_api import expect
from pypdf import PdfReader

from pricing.sla_year import SlaYear
from tests.agreements_fixtures import build_priced_world


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def nav(page, name: str):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def test_project_sr_from_estimate_to_invoice(page, sign_in, make_user, make_school):
    today = date.today()
    year = SlaYear.containing(today).start_year  # the suite's clock is the real one
    build_priced_world(year)  # ad hoc: £62 an hour for maintained schools
    school = make_school(urn=103700, name="Allesley Primary School")
    sla, head, finance = make_user("sla"), make_user("school", school=school), make_user("finance")

    # The SLA team opens the Project SR and estimates it.
    sign_in(sla)
    nav(page, "Ad hoc work")
    page.get_by_role("link", name="New request").click()
    # The school picker (issue #30): part of the name brings the school up in the field's list; choosing
    # it puts its URN in the field (a native <datalist>: the browser's list, so fill stands for the choice).
    picker = page.get_by_label("School", exact=True)
    picker.press_sequentially("allesl", delay=20)
    expect(page.locator("#urn-suggestions option[value='103700']")).to_have_attribute(
        "label", "Allesley Primary School, CV1 1AA (103700)")
    picker.fill("103700")
    page.get_by_label("Reference").fill("SR104233")
    page.get_by_label("Kind of work").select_option("project")
    page.get_by_label("Work requested").fill("Set up 30 new Chromebooks and enrol them")
    page.get_by_role("button", name="Create the request").click()
    expect(page.get_by_role("heading", name="SR104233: Project service request")).to_be_visible()
    page.get_by_role("link", name="Give an estimate").click()
    page.get_by_label("Estimated hours").fill("2.5")
    page.get_by_role("button", name="Save the estimate").click()
    expect(page.locator("#request-status")).to_have_text("Estimate sent")
    expect(page.locator("#estimate")).to_contain_text("£186.00 + VAT £37.20 = £223.20")  # 3 hours x £62
    expect(page.get_by_role("link", name="Log time")).to_have_count(0)  # nothing before authorisation (§7.3)
    sign_out(page)

    # The school sees the estimate in its portal, downloads it and authorises it.
    sign_in(head)
    nav(page, "Ad hoc work")
    waiting = page.locator("#waiting")
    expect(waiting).to_contain_text("SR104233: Project service request")
    with page.expect_download() as download:
        waiting.get_by_role("link", name="Download the estimate (PDF) SR104233").click()
    estimate = PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages[0].extract_text()
    assert "SR104233" in estimate and "£223.20" in estimate
    page.get_by_role("link", name="Authorise SR104233").click()
    page.get_by_label("Your name").fill("Jo Head")
    page.get_by_role("button", name="Authorise the work").click()
    expect(page.locator("#confirm-error")).to_have_text("Tick the box to authorise the work.")
    page.get_by_label(re.compile("I authorise this work")).check()
    page.get_by_role("button", name="Authorise the work").click()
    expect(page.get_by_role("status")).to_contain_text("SR104233 is authorised")
    expect(page.locator("#waiting")).to_contain_text("Nothing is waiting for you.")
    sign_out(page)

    # The SLA team logs the time and completes the request.
    sign_in(sla)
    nav(page, "Ad hoc work")
    page.get_by_role("link", name="SR104233").click()
    expect(page.locator("#authorisation")).to_contain_text("by Jo Head")
    page.get_by_role("link", name="Log time").click()
    page.get_by_label("Date worked").fill(today.isoformat())
    page.get_by_label("Minutes").fill("0")
    page.get_by_role("button", name="Log the time").click()
    expect(page.locator("#minutes-error")).to_have_text("SR104233: minutes must be more than zero, not 0")
    for minutes in ("30", "45"):
        page.get_by_label("Minutes").fill(minutes)
        page.get_by_label("Who").fill("Sam Patel")
        page.get_by_role("button", name="Log the time").click()
        expect(page.get_by_role("status")).to_contain_text(f"{minutes} minutes on")
    expect(page.locator("#charged-hours")).to_have_text("2")  # 30 + 45 minutes: 2 hours
    expect(page.locator("#charge-net")).to_have_text("£124.00")
    page.get_by_role("link", name="Mark the request complete").click()
    page.get_by_role("button", name="Mark the request complete").click()
    expect(page.locator("#request-status")).to_have_text("Completed")
    sign_out(page)

    # Finance's next run invoices it, on its own invoice.
    sign_in(finance)
    nav(page, "Runs")
    page.get_by_label("SLA year").fill(str(year))
    page.get_by_label("Term").select_option("autumn")
    page.get_by_label("Issue date").fill(today.isoformat())
    page.get_by_role("button", name="Preview the run").click()
    expect(page.locator("#preview-invoices")).to_contain_text("Ad hoc work SR104233")
    page.get_by_role("button", name="Issue 1 invoice(s)").click()
    expect(page.get_by_role("status")).to_contain_text("1 invoice(s) issued")
    number = f"INV-{year}-000001"
    page.get_by_role("link", name=number).click()
    lines = page.locator("#invoice-lines")
    expect(lines).to_contain_text("ADHOC")
    expect(lines).to_contain_text("2 x £62.00")
    expect(page.locator("#invoice-total")).to_contain_text("£124.00 / £24.80 / £148.80")
    page.goto("/adhoc/")  # finance reads ad hoc work (the nav shows it to the SLA team)
    page.get_by_role("link", name="SR104233").click()
    expect(page.locator("#request-status")).to_have_text("Invoiced")
    expect(page.locator("#invoice-link")).to_have_text(number)
