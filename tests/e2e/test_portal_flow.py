"""A school user signs in, sees only its school, opens its agreement's document and downloads the PDF;
another school's agreement is "not found"."""
from __future__ import annotations

import io
import re
from decimal import Decimal

from playwright.sync_api import expect
from pypdf import PdfReader

from contracts_app.extensions import db
from contracts_app.models import KeyStakeholder
from contracts_app.services import agreements as agreement_service
from tests.agreements_fixtures import add_census, build_priced_world

L = agreement_service.LineInput


def test_school_user_opens_and_downloads_its_agreement(page, sign_in, make_user, make_school):
    build_priced_world(2025)
    agreements, schools = {}, {}
    for urn, name in ((103700, "Allesley Primary School"), (103701, "Binley Primary School")):
        school = schools[urn] = make_school(urn=urn, name=name)
        add_census(school, "2025-01", 412)
        db.session.add(KeyStakeholder(school=school, name=f"Head of {name}", role="Headteacher"))
        agreement = agreement_service.create_draft(2025, school=school, from_catalogue=False, odm_name="Priya Sharma")
        agreement_service.set_lines(agreement, [L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30)),
                                                L("DPO", "additional"), L("WEB", "excluded")])
        agreement_service.issue(agreement, "sla")
        db.session.commit()
        agreements[urn] = agreement.id
    sign_in(make_user("school", school=schools[103700]))

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Allesley Primary School")
    expect(page.locator("main")).not_to_contain_text("Binley")
    current = page.locator("#portal-agreements")
    expect(current).to_contain_text("Allesley Primary School 2025-26")
    current.get_by_role("link", name=re.compile("^View")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Allesley Primary School")
    document = page.locator("article.sla-document")
    expect(document).to_contain_text("This agreement starts on 1 April 2025 and ends on 31 March 2026.")
    expect(document.locator("#s-4-1")).to_contain_text("30 devices")
    expect(document.locator("#s-2-7")).to_contain_text("Summer term invoice")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "sla-2025-26-103700-allesley-primary-school.pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages]
    assert f"Page 1 of {len(pages)}" in pages[0] and "Allesley Primary School" in pages[0]
    assert "[" not in "\n".join(pages)

    # Another school's agreement, its document and its PDF are not found.
    for url in (f"/agreements/{agreements[103701]}", f"/agreements/{agreements[103701]}/document"):
        response = page.goto(url)
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    response = page.request.get(f"/agreements/{agreements[103701]}/document.pdf")
    assert response.status == 404


def test_school_gives_notice_dated_today_after_seeing_what_it_does(page, sign_in, make_user, make_school):
    """§2.4: a school's notice is dated the day it is given; the page shows the effective date first."""
    from datetime import date, timedelta

    from agreements.lifecycle import notice_outcome
    from contracts_app.services.census import census_for
    from pricing.sla_year import SlaYear

    year = SlaYear.containing(date.today()).start_year
    build_priced_world(year)
    school = make_school(urn=103700, name="Allesley Primary School")
    add_census(school, census_for(year, "january").label, 412)
    agreement = agreement_service.create_draft(year, school=school, from_catalogue=False)
    agreement_service.set_lines(agreement, [L("SIMS", "subscribed")])
    agreement_service.issue(agreement, "sla")
    db.session.commit()
    outcome = notice_outcome(date.today() + timedelta(days=90), agreement.term_end).text
    sign_in(make_user("school", school=school))

    page.locator("#portal-agreements").get_by_role("link", name=re.compile("^Give notice")).click()
    expect(page.get_by_label("Date the written notice was given")).to_have_count(0)
    expect(page.locator("#notice-dated")).to_contain_text(outcome)
    page.get_by_label("Reason").fill("Moving to another provider")
    page.get_by_role("button", name="Review the notice").click()
    expect(page.locator("#notice-confirm")).to_contain_text(outcome)
    page.get_by_role("button", name="Record the notice").click()
    expect(page.locator("#notice-box")).to_contain_text(outcome)
    expect(page.locator("#agreement-status")).to_have_text("Notice given")
    page.goto("/portal/")
    expect(page.locator(f"#portal-notice-{agreement.id}")).to_contain_text(outcome)
