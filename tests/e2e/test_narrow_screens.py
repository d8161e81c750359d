"""On a phone (390 px wide) the portal and the invoice list fit the page: wide tables scroll
inside their own box, never the page (issue 15 item 19); the box is a named region a keyboard can
focus (issue #30, static/tables.js)."""
from __future__ import annotations

from datetime import date

import pytest

from contracts_app.extensions import db
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import runs
from tests.agreements_fixtures import add_census, build_priced_world

L = agreement_service.LineInput
PHONE = {"width": 390, "height": 844}
TABLE_SCROLLS = """t => { const box = t.parentElement; return box.classList.contains('table-scroll')
  && getComputedStyle(box).overflowX === 'auto' && box.getBoundingClientRect().right <= 390
  && box.getAttribute('role') === 'region' && box.tabIndex === 0 && box.getAttribute('aria-label') !== null; }"""


@pytest.fixture
def invoiced_school(make_school):
    build_priced_world(2025)
    school = make_school(urn=103700, name="Allesley Primary School and Nursery Federation",
                         establishment_type="Community school")
    add_census(school, "2025-01", 412)
    agreement = agreement_service.create_draft(2025, school=school, from_catalogue=False)
    agreement_service.set_lines(agreement, [L("SIMS", "subscribed"), L("DPO", "subscribed"),
                                            L("AV", "subscribed", 30)])
    agreement_service.issue(agreement, "sla")
    db.session.commit()
    runs.run(2025, "summer", date(2025, 4, 10), "finance")
    db.session.commit()
    return school


def page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def test_the_portal_fits_a_phone(page, sign_in, make_user, invoiced_school):
    page.set_viewport_size(PHONE)
    sign_in(make_user("school", school=invoiced_school))
    page.goto("/portal/")
    assert page.locator("#portal-invoices").count() == 1
    scroll, client = page_width(page)
    assert scroll <= 390 and client <= 390, f"the portal is {scroll} px wide at 390 px"
    # The table is still all there: it scrolls sideways inside its own box.
    assert page.locator("#portal-invoices").evaluate(TABLE_SCROLLS)
    assert "(scrolls sideways)" in page.locator("#portal-invoices").evaluate("t => t.parentElement.ariaLabel")


def test_the_invoice_list_fits_a_phone(page, sign_in, make_user, invoiced_school):
    page.set_viewport_size(PHONE)
    sign_in(make_user("finance"))
    page.goto("/invoices/")
    assert page.locator("#invoices").count() == 1
    scroll, client = page_width(page)
    assert scroll <= 390 and client <= 390, f"the invoice list is {scroll} px wide at 390 px"
    # The columns keep their width and scroll sideways inside the table's own box.
    assert page.locator("#invoices").evaluate(TABLE_SCROLLS)
    assert page.locator("#invoices").evaluate("t => t.parentElement.scrollWidth > t.parentElement.clientWidth")


def test_an_invoices_amounts_show_on_a_phone(page, sign_in, make_user, invoiced_school):
    """Issue #30: the lines stack as cards on a phone, each amount on screen with no sideways scrolling."""
    from contracts_app.models import Invoice

    number = db.session.query(Invoice.number).filter(Invoice.school_id == invoiced_school.id).scalar()
    page.set_viewport_size(PHONE)
    sign_in(make_user("finance"))
    page.goto(f"/invoices/{number}")
    amounts = page.locator("#invoice-lines td.num").all() + [page.locator("#invoice-total")]
    assert len(amounts) >= 4
    for amount in amounts:
        box = amount.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{amount.inner_text()} is off screen"
    scroll, _ = page_width(page)
    assert scroll <= 390, f"the invoice is {scroll} px wide at 390 px"
