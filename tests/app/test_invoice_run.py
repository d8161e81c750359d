"""The invoice run: schedules per customer type, idempotence, mid-year lines, charges, numbering."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Invoice, InvoiceLine, Service
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import runs as invoice_run
from pricing.errors import ActionRefused
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput


def issued(school, lines, year=2025):
    return issue_agreement(lines, school=school, year=year)


@pytest.fixture
def world(app, make_school):
    build_priced_world(2025)
    maintained = make_school(urn=103700, name="Allesley Primary School")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    for s in (maintained, academy):
        add_census(s, "2025-01", 412)
    return maintained, academy


def invoices():
    return db.session.scalars(select(Invoice).order_by(Invoice.number)).all()


def test_summer_run_maintained_whole_year_academy_five_months(world):
    maintained, academy = world
    issued(maintained, [L("SIMS", "subscribed"), L("DPO", "subscribed")])
    issued(academy, [L("SIMS", "subscribed"), L("DPO", "subscribed")])
    report = invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    assert report.numbers == ["INV-2025-000001", "INV-2025-000002"]
    first, second = invoices()
    assert (first.customer_name, first.net, first.period_start, first.period_end) == (
        "Allesley Primary School", Decimal("2177.20"), date(2025, 4, 1), date(2026, 3, 31))
    # Academy summer: 5/12 of 1,277.20 = 532.1666 -> 532.17; 5/12 of 900 = 375.00
    assert (second.net, second.period_end) == (Decimal("907.17"), date(2025, 8, 31))
    assert second.vat == Decimal("106.43")  # 20% of 532.17 (S); DPO is exempt
    assert first.due_date == date(2025, 5, 10)
    autumn = invoice_run.run(2025, "autumn", date(2025, 9, 10), "finance@test")
    assert [p.party.name for p in autumn.invoices] == ["Cardinal Academy"]
    academy_total = sum(i.net for i in invoices() if i.school_urn == 140001)
    assert academy_total == Decimal("2177.20")  # the term's invoices add up to the annual prices


def test_rerunning_raises_nothing_twice(world):
    maintained, academy = world
    issued(maintained, [L("SIMS", "subscribed")])
    invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    again = invoice_run.run(2025, "summer", date(2025, 4, 11), "f")
    assert again.invoices == [] and again.numbers == []
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 1


def test_line_added_after_summer_run_is_invoiced_by_autumn_run(world):
    maintained, _ = world
    agreement = issued(maintained, [L("SIMS", "subscribed")])
    invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    av = db.session.scalar(select(Service).where(Service.code == "AV"))
    agreement_service.add_service(agreement, av, Decimal(120), date(2025, 11, 15))  # 570.00 a year
    report = invoice_run.run(2025, "autumn", date(2025, 12, 1), "f")
    assert len(report.invoices) == 1
    inv = invoices()[-1]
    assert inv.lines[0].service_code == "AV"
    # (16/30 + 4)/12 x 570.00 = 215.33
    assert inv.lines[0].net == Decimal("215.33")
    assert "15 Nov 2025 to 31 Mar 2026" in inv.lines[0].explanation


def test_cancelled_agreement_still_owes_the_term_and_its_charges(world):
    maintained, _ = world
    agreement = issued(maintained, [L("SIMS", "subscribed")])
    agreement_service.give_notice(agreement, notice_date=date(2025, 4, 2), requested_date=None,
                                  given_by="council", fundamental_breach=True, today=date(2025, 4, 2))
    agreement_service.add_charge(agreement, "SIMS licence on cancellation", Decimal("300.00"), "S", "f")
    report = invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    assert sorted(i.draft.net for i in report.invoices) == [Decimal("300.00"), Decimal("1277.20")]
    assert invoice_run.run(2025, "autumn", date(2025, 9, 10), "f").invoices == []


def test_dry_run_writes_nothing(world):
    maintained, _ = world
    issued(maintained, [L("SIMS", "subscribed")])
    report = invoice_run.run(2025, "summer", date(2025, 4, 10), "f", dry_run=True)
    assert len(report.invoices) == 1 and report.total_net == Decimal("1277.20")
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0


def test_run_refused_without_published_prices(app):
    with pytest.raises(ActionRefused, match="no published 2024-25 price list"):
        invoice_run.run(2024, "summer", date(2024, 4, 10), "f")
    with pytest.raises(ActionRefused, match="summer or autumn"):
        invoice_run.run(2024, "spring", date(2024, 4, 10), "f")


def test_billing_key_is_unique_in_the_database(world):
    maintained, _ = world
    issued(maintained, [L("SIMS", "subscribed")])
    invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    line = db.session.scalar(select(InvoiceLine))
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(InvoiceLine.__table__.insert().values(
            invoice_id=line.invoice_id, position=9, service_code="SIMS", description="x", quantity=1,
            unit_price=1, net=1, vat_code="S", vat_rate=0, billing_key=line.billing_key))
    db.session.rollback()
