"""Issue 15 items 9-10: after a run the list shows that run's own invoices; the aged-debt
drill-down reaches every invoice with a balance, part-paid ones included."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.invoicing.balances import InvoiceFilter, list_invoices
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput
LINES = [L("SIMS", "subscribed"), L("DPO", "subscribed")]


@pytest.fixture
def world(app, make_school):
    build_priced_world(2025)
    maintained = make_school(urn=103700, name="Allesley Primary School")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    for school in (maintained, academy):
        add_census(school, "2025-01", 412)
        issue_agreement(LINES, school=school)
    return maintained, academy


def listed_numbers(page: str) -> list[str]:
    return sorted(set(re.findall(r"INV-\d{4}-\d+", page.split('id="invoices"')[1])))


def test_after_a_run_the_list_shows_exactly_its_own_invoices(world, client, login, make_school):
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    summer = set(db.session.scalars(select(Invoice.number)))
    late = make_school(urn=140002, name="Daventry Academy", establishment_type="Academy converter")
    add_census(late, "2025-01", 300)
    issue_agreement(LINES, school=late)  # after the summer run: the autumn run raises its summer invoice too
    login("finance")
    response = client.post("/invoices/runs", data={"year": "2025", "term": "autumn", "issue_date": "2025-09-10",
                                                   "confirmed": "1"})
    assert response.status_code == 302
    raised = set(db.session.scalars(select(Invoice.number))) - summer
    assert len(raised) == 3  # Cardinal autumn, Daventry summer and autumn
    assert {i.term for i in db.session.scalars(select(Invoice).where(Invoice.number.in_(raised)))} == \
        {"summer", "autumn"}
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert listed_numbers(page) == sorted(raised)
    assert "3 document(s)" in unescape(page).replace("<strong>", "").replace("</strong>", "")


def test_the_list_filters_by_run(world):
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    first = invoice_run.recent_runs()[0].id
    result, _ = list_invoices(InvoiceFilter(run_id=first), 1, 50)
    assert len(result.items) == 2
    assert list_invoices(InvoiceFilter(run_id=first + 1), 1, 50)[0].items == []


def test_aged_debt_links_to_every_invoice_with_a_balance(world, client, login):
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    maintained = db.session.scalar(select(Invoice).where(Invoice.school_urn == 103700))
    invoicing.record_payment(maintained, Decimal("100.00"), date(2025, 4, 20), "BACS", "f")
    login("finance")
    page = client.get("/invoices/aged-debt").get_data(as_text=True)
    link = unescape(re.search(r'href="([^"]*q=103700[^"]*)"', page).group(1))
    listed = client.get(link).get_data(as_text=True)
    assert listed_numbers(listed) == [maintained.number]  # part paid, still owed
    academy = db.session.scalar(select(Invoice).where(Invoice.school_urn == 140001))
    link = unescape(re.search(r'href="([^"]*q=140001[^"]*)"', page).group(1))
    assert listed_numbers(client.get(link).get_data(as_text=True)) == [academy.number]  # unpaid


def test_outstanding_filter_leaves_out_paid_and_credited(world):
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    maintained = db.session.scalar(select(Invoice).where(Invoice.school_urn == 103700))
    academy = db.session.scalar(select(Invoice).where(Invoice.school_urn == 140001))

    def numbers() -> list[str]:
        return sorted(i.number for i in list_invoices(InvoiceFilter(status="outstanding"), 1, 50)[0].items)

    invoicing.record_payment(maintained, Decimal("1.00"), date(2025, 4, 20), "", "f")
    assert numbers() == sorted([maintained.number, academy.number])
    invoicing.record_payment(maintained, maintained.gross - Decimal("1.00"), date(2025, 4, 21), "", "f")
    invoicing.issue_credit_note(academy, "closed", "f", date(2025, 4, 22))
    assert numbers() == []

