"""The SLA team's home in Chromium (issue #30): the year's task list, each step's status and link,
the round's figures; axe-core finds no WCAG 2.2 A/AA violation at 1366 px and 390 px, and the page
does not scroll sideways on a phone."""
from __future__ import annotations

import re
from datetime import date

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from contracts_app.extensions import db
from tests.rounds.conftest import NEXT, THIS, base_world, world  # noqa: F401 - the round world

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def assert_accessible(page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def test_the_sla_home_shows_the_year_as_tasks_accessibly_at_both_widths(page, sign_in, world):  # noqa: F811
    world.own.status, world.own.closed_on = "Closed", date(THIS, 11, 30)  # a register change waiting
    db.session.commit()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        sign_in(world.users["sla"]) if width == 1366 else page.goto("/")
        tasks = page.locator("#year-tasks ol > li")
        expect(tasks).to_have_count(8)
        expect(page.locator("#task-prices-status")).to_have_text("Done")
        expect(page.locator("#task-round")).to_contain_text("Open until")
        expect(page.locator("#round-state-not_opened")).to_contain_text("2 schools")
        expect(page.locator("#task-changes-status")).to_have_text("Needs attention")
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    page.get_by_role("link", name="Run the").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/rounds/\?year={NEXT}$"))


def test_the_admin_checks_are_accessible_and_fit_a_phone(page, sign_in, world, make_user):  # noqa: F811
    make_user("school", email="averyveryverylongaddressforaschooluserwithnoschoolatall@someacademytrust.example")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(world.users["admin"])
    expect(page.locator("#users-unlinked")).to_contain_text("averyveryverylong")
    expect(page.locator("#outbox-no-mail")).to_be_visible()  # the test app has no mail server
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 844})
        for section in ("#admin-health", "#year-tasks"):
            results = Axe().run(page, context=section, options=WCAG)
            assert results.violations_count == 0, results.generate_report()
            wider = page.evaluate(f"document.querySelector('{section}').scrollWidth - window.innerWidth")
            assert wider <= 0, f"{section} is {wider}px wider than a {width}px window"
