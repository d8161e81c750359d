"""The SLA team signs in, searches the school list, opens a school and adds a key stakeholder."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_sla_team_finds_a_school_and_adds_a_stakeholder(page, sign_in, make_user, make_school):
    make_school(urn=103700, name="Allesley Primary School", postcode="CV5 9FY")
    make_school(urn=103701, name="St Mary’s Catholic Primary School", establishment_type="Voluntary aided school")
    make_school(urn=140001, name="Cardinal Newman Academy", establishment_type="Academy converter")
    sign_in(make_user("sla"))

    page.get_by_role("link", name="Schools", exact=True).click()
    expect(page.get_by_role("heading", name="Schools")).to_be_visible()
    page.get_by_label("Name, URN or postcode").fill("st mary")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("St Mary’s Catholic Primary School")

    page.get_by_role("link", name="St Mary’s Catholic Primary School").click()
    expect(page).to_have_url(re.compile(r"/schools/103701$"))
    expect(page.get_by_text("No key stakeholders yet.")).to_be_visible()

    page.get_by_role("link", name="Add a key stakeholder").click()
    page.get_by_label("Name").fill("Jane Smith")
    page.get_by_label("Role").fill("School Business Manager")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator("#email-error")).to_be_visible()  # the error sits beside the field

    page.get_by_label("Email").fill("jane.smith@stmarys.example")
    page.get_by_label("Phone").fill("024 7612 3456")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("status")).to_contain_text("Jane Smith added as a key stakeholder")
    table = page.locator("#stakeholders")
    expect(table).to_contain_text("School Business Manager")
    expect(table).to_contain_text("jane.smith@stmarys.example")


def test_school_user_cannot_open_the_school_list(page, sign_in, make_user, make_school):
    own = make_school(urn=103700, name="Allesley Primary School")
    make_school(urn=103701, name="Other School")
    sign_in(make_user("school", school=own))
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    expect(page.get_by_role("link", name="Schools", exact=True)).to_have_count(0)
    response = page.goto("/schools/103701")
    assert response.status == 404
    response = page.goto("/schools/")
    assert response.status == 403
