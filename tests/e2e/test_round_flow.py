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
