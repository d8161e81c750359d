"""A school signatory opens next year's offer, changes a quantity (the prices update as it does),
and accepts: next year's agreement is made with that quantity."""
from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement
from tests.rounds.conftest import NEXT, base_world, world  # noqa: F401 - the round world


def test_school_changes_a_quantity_and_accepts(page, sign_in, world):  # noqa: F811 - the fixture
    sign_in(world.users["signatory"])
    page.goto("/portal/")
    page.get_by_role("button", name="Open the offer").click()
    expect(page.locator("#price-AV")).to_have_text("£142.50")
    page.locator("#quantity-AV").fill("40")
    page.locator("#quantity-AV").dispatch_event("change")
    expect(page.locator("#price-AV")).to_have_text("£190.00")  # by the page's script, no reload
    expect(page.locator("#offer-total")).to_have_text("£1,549.60")
    expect(page.locator("#accept-offer")).to_be_disabled()  # the preview is not saved: save, then accept
    page.get_by_role("button", name="Save the basket").click()
    page.get_by_label("Your full name").fill("Pat Head")
    page.get_by_label("Job title").fill("Headteacher")
    page.get_by_label("I am authorised to commit this spend on behalf of the school").check()
    page.get_by_role("button", name="Accept the agreement").click()
    expect(page.locator("body")).to_contain_text("Accepted:")
    expect(page.locator("#offer-state")).to_have_text("Accepted")
    db.session.expire_all()
    agreement = db.session.scalar(select(Agreement).where(Agreement.sla_year == NEXT,
                                                          Agreement.school_id == world.own.id))
    assert agreement.status == "active" and agreement.annual_total == Decimal("1549.60")
    assert next(line for line in agreement.lines if line.service_code == "AV").quantity == 40


def test_a_change_after_acceptance_waits_beside_it(page, sign_in, world):  # noqa: F811 - the fixture
    """Issue #26: changing a choice on an accepted offer previews prices and saves nothing; saving
    makes a pending change shown beside the acceptance, which stands."""
    from contracts_app.models import Offer
    from contracts_app.services.rounds import acceptance as accepting

    offer_id = world.offer(world.own).id
    made, _ = accepting.accept(offer_id, world.users["signatory"],
                               accepting.AcceptanceRequest("Pat Head", "Headteacher", True))
    sign_in(world.users["signatory"])
    page.goto(f"/rounds/offers/{offer_id}")
    page.locator("#list-DPO").select_option("available")
    page.locator("#quantity-AV").fill("45")
    page.locator("#quantity-AV").dispatch_event("change")
    expect(page.locator("#price-AV")).to_have_text("£213.75")  # previewed, not saved
    page.reload()
    expect(page.locator("#offer-state")).to_have_text("Accepted")
    expect(page.locator("#quantity-AV")).to_have_value("30")
    page.locator("#quantity-AV").fill("45")
    page.get_by_role("button", name="Save the basket").click()
    expect(page.locator("#pending-changes")).to_be_visible()
    expect(page.locator("#offer-state")).to_have_text("Accepted")
    expect(page.get_by_role("button", name="Accept these changes")).to_be_visible()
    page.get_by_role("button", name="Discard changes").click()
    expect(page.locator("#quantity-AV")).to_have_value("30")
    db.session.expire_all()
    offer = db.session.get(Offer, offer_id)
    assert offer.state == "accepted" and not offer.pending_changes and offer.total == made.total
