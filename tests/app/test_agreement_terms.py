"""Issue 15 items 5-7: an academy term within one SLA year (§2.7), the bulk issue's reasons
naming the right school, and the agreement page's annual price beside what the term charges."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracts_app.extensions import db
from contracts_app.services import agreements as service
from contracts_app.services.agreements.changes import add_service_by_code
from contracts_app.services.agreements.drafts import save_details
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.invoicing import runs as invoice_run
from invoices.schedule import ScheduleError, check_term
from pricing.errors import ActionRefused
from tests.agreements_fixtures import add_census, build_priced_world

L = service.LineInput


@pytest.fixture
def world(app, make_school):
    build_priced_world(2025)
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    maintained = make_school(urn=103700, name="Allesley Primary School")
    for school in (academy, maintained):
        add_census(school, "2025-01", 412)
    return academy, maintained


def draft(school, lines=(L("SIMS", "subscribed"),)):
    agreement = service.create_draft(2025, school=school, from_catalogue=False)
    service.set_lines(agreement, list(lines))
    db.session.commit()
    return agreement


def details(agreement, start, end):
    return dict(term_start=start, term_end=end, odm_name="", odm_email="", po_number="", notes="")


# -- item 5: an academy term that crosses 31 March is refused where it is entered ----------------

def test_the_schedule_rule_is_one_function():
    check_term("academy", date(2025, 9, 1), date(2026, 3, 31))
    check_term("maintained", date(2025, 9, 1), date(2026, 6, 30))  # one invoice for the whole term
    with pytest.raises(ScheduleError, match="31 March 2026"):
        check_term("academy", date(2025, 9, 1), date(2026, 6, 30))


def test_service_refuses_an_academy_term_crossing_31_march(world):
    academy, _ = world
    agreement = draft(academy)
    with pytest.raises(InputRefused, match="one SLA year") as refused:
        save_details(agreement, **details(agreement, date(2025, 9, 1), date(2026, 6, 30)))
    assert refused.value.field == "term_end"
    db.session.refresh(agreement)
    assert agreement.term_end == date(2026, 3, 31)


def test_a_maintained_term_may_cross_31_march(world):
    _, maintained = world
    agreement = draft(maintained)
    save_details(agreement, **details(agreement, date(2025, 9, 1), date(2026, 6, 30)))
    assert agreement.term_end == date(2026, 6, 30)


def test_details_page_refuses_it_with_the_reason(world, client, login):
    academy, _ = world
    agreement = draft(academy)
    login("sla")
    response = client.post(f"/agreements/{agreement.id}/details",
                           data={"term_start": "2025-09-01", "term_end": "2026-06-30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "one SLA year" in page and "31 March 2026" in page
    db.session.expire_all()
    assert db.session.get(type(agreement), agreement.id).term_end == date(2026, 3, 31)


def test_an_agreement_already_crossing_is_not_issued_and_says_why(world):
    """A term entered before the rule (or a school that became an academy since) is stopped at issue,
    one at a time and in bulk, rather than issued and then skipped by every invoice run."""
    academy, _ = world
    one = draft(academy)
    one.term_start, one.term_end = date(2025, 9, 1), date(2026, 6, 30)
    db.session.commit()
    with pytest.raises(ActionRefused, match="one SLA year"):
        service.issue(one, "t")
    db.session.rollback()
    report = service.issue_year(2025, "t")
    assert report.issued_ids == []
    assert [(a.id, "one SLA year" in reason) for a, reason in report.refused] == [(one.id, True)]


# -- item 6: the bulk issue names each school in its own reason ---------------------------------

def test_bulk_reasons_name_each_school_lacking_census(world, make_school):
    harnall = make_school(urn=990001, name="Harnall School")
    willenhall = make_school(urn=990009, name="Willenhall Primary School")
    for school in (harnall, willenhall):
        draft(school)
    report = service.issue_year(2025, "t")
    reasons = {a.school.urn: reason for a, reason in report.refused}
    assert "Harnall School (URN 990001) has no pupil figure" in reasons[990001]
    assert "Willenhall Primary School (URN 990009) has no pupil figure" in reasons[990009]
    assert "Harnall" not in reasons[990009] and "Willenhall" not in reasons[990001]


# -- item 7: the page shows the annual price and what the term charges --------------------------

def test_page_shows_annual_price_and_term_charge(world, client, login):
    _, maintained = world
    agreement = draft(maintained)
    service.issue(agreement, "t")
    db.session.commit()
    add_service_by_code(agreement, "DPO", Decimal(1), date(2026, 1, 15))
    invoice_run.run(2025, "autumn", date(2026, 2, 1), "finance@test")
    from contracts_app.models import InvoiceLine
    from sqlalchemy import select
    dpo_billed = sum(db.session.scalars(select(InvoiceLine.net).where(InvoiceLine.service_code == "DPO")))
    # DPO £900 a year from 15 January: (17/31 + 2) months of 12 = £191.13
    assert dpo_billed == Decimal("191.13")
    login("sla")
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "£900.00" in page and "£191.13" in page
    assert "Charged for the term" in page
    # SIMS £1,277.20 for the whole year, plus DPO's part: annual £2,177.20, term £1,468.33
    assert "£2,177.20" in page and "£1,468.33" in page


def test_draft_page_shows_term_charge_for_a_short_term(world, client, login):
    _, maintained = world
    agreement = draft(maintained)
    save_details(agreement, **details(agreement, date(2025, 10, 1), date(2026, 3, 31)))
    login("sla")
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    # SIMS £1,277.20 a year, six months of twelve: £638.60
    assert "£1,277.20" in page and "£638.60" in page
