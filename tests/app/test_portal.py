"""The school portal: only its own school (or group), its agreements and their documents."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracts_app.extensions import db
from contracts_app.models import Invoice, InvoiceLine, SchoolGroup
from contracts_app.services import agreements as agreement_service
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput


def issued(school=None, group=None, year=2025):
    return issue_agreement([L("SIMS", "subscribed"), L("DPO", "additional")], school=school, group=group,
                           year=year, by="sla@test")


def invoice(school, number: str, gross: str) -> Invoice:
    net = (Decimal(gross) / Decimal("1.2")).quantize(Decimal("0.01"))
    row = Invoice(number=number, kind="invoice", sla_year=2025, term="summer", school=school, customer_name=school.name,
                  school_urn=school.urn, customer_type="maintained", issue_date=date(2025, 4, 10),
                  due_date=date(2025, 5, 10), net=net, vat=Decimal(gross) - net, gross=Decimal(gross),
                  lines=[InvoiceLine(position=1, service_code="SIMS", description="SIMS support", quantity=Decimal(1),
                                     unit_price=net, net=net, vat_code="S", vat_rate=Decimal("0.20"))])
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def two_schools(app, make_school):
    build_priced_world(2025)
    own = make_school(urn=103700, name="Allesley Primary School")
    other = make_school(urn=103701, name="Binley Primary School")
    for school in (own, other):
        add_census(school, "2025-01", 300)
    return own, other


def test_portal_shows_only_the_users_school_and_its_documents(two_schools, client, login):
    own, other = two_schools
    mine, theirs = issued(own), issued(other)
    withdrawn = agreement_service.create_draft(2026, school=own, from_catalogue=False)
    agreement_service.withdraw_draft(withdrawn)  # "cancelled", but never issued: the council's own copy
    login("school", school=own)
    page = client.get("/portal/").get_data(as_text=True)
    assert "<h1>Welcome, Allesley Primary School</h1>" in page
    assert "Binley" not in page and f"/agreements/{theirs.id}" not in page
    assert f'href="/agreements/{mine.id}/document"' in page
    assert f'href="/agreements/{mine.id}/document.pdf"' in page
    assert f'href="/agreements/{mine.id}/notice"' in page  # written notice (§2.4)
    assert 'href="/schools/103700"' in page  # key stakeholders, kept up to date by the school
    assert f"/agreements/{withdrawn.id}" not in page
    assert client.get(f"/agreements/{withdrawn.id}/document").status_code == 404


def test_past_agreements_are_listed_apart(two_schools, client, login):
    own, _ = two_schools
    agreement = issued(own)
    agreement.status = "ended"
    db.session.commit()
    login("school", school=own)
    page = client.get("/portal/").get_data(as_text=True)
    past = page.split('id="portal-past"')[1]
    assert agreement.name in past and f"/agreements/{agreement.id}/document.pdf" in past
    assert "No agreement in force." in page


def test_another_schools_document_is_not_found(two_schools, client, login):
    own, other = two_schools
    theirs = issued(other)
    draft = agreement_service.create_draft(2025, school=own, from_catalogue=False)
    db.session.commit()
    login("school", school=own)
    for url in (f"/agreements/{theirs.id}/document", f"/agreements/{theirs.id}/document.pdf",
                f"/agreements/{draft.id}/document", f"/agreements/{draft.id}/document.pdf",
                "/agreements/2147483648/document"):
        assert client.get(url).status_code == 404, url


def test_a_school_user_downloads_its_own_document(two_schools, client, login):
    own, _ = two_schools
    mine = issued(own)
    login("school", school=own)
    response = client.get(f"/agreements/{mine.id}/document.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    page = client.get(f"/agreements/{mine.id}/document").get_data(as_text=True)
    assert "Allesley Primary School" in page and "Download PDF" in page
    assert 'id="document-fallbacks"' not in page  # the council's to-do list is for staff


def test_a_group_user_sees_the_groups_agreement(two_schools, client, make_user):
    own, other = two_schools
    group = SchoolGroup(name="Spires Federation", schools=[own, other], lead_school=own)
    db.session.add(group)
    db.session.commit()
    agreement = issued(group=group)
    user = make_user("school", group=group, email="federation@test.example")
    from tests.conftest import PASSWORD

    client.post("/login", data={"email": user.email, "password": PASSWORD})
    page = client.get("/portal/").get_data(as_text=True)
    assert "<h1>Welcome, Spires Federation</h1>" in page
    assert "Allesley Primary School" in page and "Binley Primary School" in page
    assert f"/agreements/{agreement.id}/document.pdf" in page
    assert client.get(f"/agreements/{agreement.id}/document.pdf").status_code == 200


def test_what_the_school_owes_counts_every_invoice(two_schools, client, login, app):
    own, other = two_schools
    for n in range(1, 24):  # more than the portal lists
        invoice(own, f"INV-2025-{n:06d}", "120.00")
    invoice(other, "INV-2025-000999", "999.00")
    login("school", school=own)
    page = client.get("/portal/").get_data(as_text=True)
    assert 'id="owed-total">£2,760.00<' in page
    assert "All 23 invoices and credit notes" in page
