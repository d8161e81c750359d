"""Issue #30: a school signatory opens its offer and accepts it with the keyboard alone (Tab, typing,
Space and Enter; no mouse), every control it reaches showing where the focus is; and on a phone the
basket's amounts and choices read without sideways scrolling."""
from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement
from tests.rounds.conftest import NEXT, base_world, world  # noqa: F401 - the round world

FOCUSED_IS = "(element) => element === document.activeElement"
# A focused control shows it: an outline (style.css's focus ring) or the browser's own.
FOCUS_SHOWN = "(element) => getComputedStyle(element).outlineStyle !== 'none'"


def tab_to(page, locator, limit: int = 150) -> None:
    """Press Tab until ``locator`` has the focus; its focus must be visible."""
    element = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if element.evaluate(FOCUSED_IS):
            assert element.evaluate(FOCUS_SHOWN), "the focus is not shown"
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_a_school_accepts_its_offer_with_the_keyboard_alone(page, sign_in, world):  # noqa: F811
    sign_in(world.users["signatory"])
    page.goto("/portal/")
    tab_to(page, page.get_by_role("button", name="Open the offer"))
    page.keyboard.press("Enter")
    expect(page.locator("#offer-total")).to_have_text("£1,502.10")
    tab_to(page, page.get_by_label("Your full name"))
    page.keyboard.type("Pat Head")
    tab_to(page, page.get_by_label("Job title"))
    page.keyboard.type("Headteacher")
    tab_to(page, page.get_by_label("I am authorised to commit this spend on behalf of the school"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Accept the agreement"))
    page.keyboard.press("Enter")
    expect(page.locator("#offer-state")).to_have_text("Accepted")
    db.session.expire_all()
    agreement = db.session.scalar(select(Agreement).where(Agreement.sla_year == NEXT,
                                                          Agreement.school_id == world.own.id))
    assert agreement.status == "active" and agreement.annual_total == Decimal("1502.10")


# The widest option's text, measured in the select's own font, against the select's inner width.
CHOICE_FITS = """(select) => {
  const probe = document.createElement('span');
  probe.style.font = getComputedStyle(select).font; probe.style.whiteSpace = 'pre';
  document.body.appendChild(probe);
  const widest = Math.max(...[...select.options].map(o => { probe.textContent = o.text; return probe.offsetWidth; }));
  probe.remove();
  return widest <= select.clientWidth;
}"""
SEEN = "(e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= innerWidth; }"


def test_the_basket_reads_at_every_width(page, sign_in, world):  # noqa: F811
    sign_in(world.users["signatory"])
    page.goto(f"/rounds/offers/{world.offer(world.own).id}")
    for width in (1366, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for select_box in page.locator("#offer-lines select").all():
            assert select_box.evaluate(CHOICE_FITS), f"a basket choice is clipped at {width} px"
        for amount in page.locator("#offer-lines td.num").all() + [page.locator("#offer-total")]:
            if amount.inner_text().strip():
                assert amount.evaluate(SEEN), f"{amount.inner_text()} is off screen at {width} px"
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), width
