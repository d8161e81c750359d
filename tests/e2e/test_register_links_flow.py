"""The SLA team imports a GIAS extract in which a school converts and GIAS's links, in Chromium, and
follows the conversion from the closed school's page to its academy's (issue #28)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.register.test_gias_extract import ACADEMY, CLOSING, HEADER
from tests.register.test_school_links_page import CONVERSION_LINKS


def test_sla_team_imports_the_links_and_follows_a_conversion(page, sign_in, make_user, make_school, tmp_path):
    make_school(urn=990003, name="Vale Primary School")
    extract, links = tmp_path / "edubasealldata.csv", tmp_path / "links_edubasealldata.csv"
    extract.write_bytes((HEADER + CLOSING + ACADEMY).encode("cp1252"))
    links.write_bytes(CONVERSION_LINKS.encode("cp1252"))
    sign_in(make_user("sla"))

    page.goto("/schools/import")
    page.get_by_label("GIAS extract (CSV)").set_input_files(str(extract))
    page.get_by_role("button", name="Import schools").click()
    expect(page.get_by_role("status")).to_contain_text("1 added, 1 updated (1 closed)")

    page.goto("/schools/")
    page.get_by_role("link", name="Import GIAS links").click()
    page.get_by_label("GIAS links file (CSV)").set_input_files(str(links))
    page.get_by_role("button", name="Import links").click()
    expect(page.get_by_role("status")).to_contain_text("Links imported: 4 added, 0 removed, 0 unchanged")

    page.goto("/schools/990003")
    expect(page.locator("#school-status")).to_have_text("Closed")
    successors = page.locator("#successors")
    expect(successors).to_contain_text("Vale Academy")
    expect(successors).to_contain_text("30 November 2026")
    successors.get_by_role("link", name="150003").click()
    expect(page).to_have_url(re.compile(r"/schools/150003$"))
    predecessors = page.locator("#predecessors")
    expect(predecessors).to_contain_text("Vale Primary School")
    expect(predecessors).to_contain_text("(not in the register)")  # 990007, named only by its own row
    expect(page.locator("#upcoming-change")).to_have_count(0)
