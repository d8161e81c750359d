"""A trust signatory opens the trust's page from the portal, sees each academy's offer and the
trust's total, leaves one unticked and accepts the rest in one step; then accepts every offer. The
page fits a phone like the portal, every control is labelled, and axe-core finds no WCAG 2.2 A/AA
violation on it (as it stands, refused, and after an acceptance)."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer
from tests.rounds.conftest import NEXT, base_world  # noqa: F401 - the round world
from tests.trusts.test_round import academy_offers, trust_world  # noqa: F401 - the trust's world

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def assert_accessible(page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def test_trust_signatory_accepts_the_ticked_offers_then_all(page, sign_in, trust_world):  # noqa: F811
    w = trust_world
    cardinal, binley = academy_offers(w)
    sign_in(w.users["trust_signatory"])
    page.get_by_role("link", name="Spires Learning Trust: every academy's offer on one page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spires Learning Trust: your academies' offers")
    expect(page.locator(f"#trust-offer-{cardinal.id}")).to_contain_text(f"£{cardinal.total:,.2f}")
    expect(page.locator(f"#trust-offer-{binley.id}")).to_contain_text("260 pupils")
    expect(page.locator(f"#trust-total-{NEXT}")).to_have_text(f"£{cardinal.total + binley.total:,.2f}")
    expect(page.locator("main")).not_to_contain_text("Allesley")
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Accept the offer for Binley Academy").uncheck()
    page.get_by_role("button", name="Accept the ticked offers").click()
    expect(page.locator("[role=alert], .flash-error").first).to_contain_text("Type your full name.")
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Sam Chair")
    page.get_by_label("Job title").fill("Chief Financial Officer")
    page.get_by_label("I am authorised to commit this spend on behalf of the trust").check()
    page.get_by_label("Accept the offer for Binley Academy").uncheck()
    page.get_by_role("button", name="Accept the ticked offers").click()
    expect(page.locator("body")).to_contain_text("Accepted 1 offer: Cardinal Academy")
    expect(page.locator(f"#trust-offer-{cardinal.id}")).to_contain_text("Accepted")
    expect(page.locator(f"#trust-offer-{binley.id}")).not_to_contain_text("Accepted")
    assert_accessible(page)

    page.get_by_label("Your full name").fill("Sam Chair")
    page.get_by_label("Job title").fill("Chief Financial Officer")
    page.get_by_label("I am authorised to commit this spend on behalf of the trust").check()
    page.get_by_role("button", name="Accept every offer").click()
    expect(page.locator("body")).to_contain_text("Accepted 1 offer (1 accepted already): Binley Academy")
    db.session.expire_all()
    for offer in (cardinal, binley):
        fresh = db.session.get(Offer, offer.id)
        agreement = db.session.scalar(select(Agreement).where(Agreement.sla_year == NEXT,
                                                              Agreement.school_id == offer.school_id,
                                                              Agreement.status == "active"))
        assert fresh.state == "accepted" and agreement.annual_total == fresh.acceptance.total
