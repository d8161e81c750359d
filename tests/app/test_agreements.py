"""Agreements: drafting, pricing and issuing, bulk import, rollover and mid-year changes."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, AuditEvent, SchoolGroup
from contracts_app.services import agreements as service
from contracts_app.services import price_lists
from contracts_app.services.price_check import price_agreement
from pricing.errors import ActionRefused, ImportRefused
from tests.agreements_fixtures import PRICES_2026, add_census, build_priced_world

L = service.LineInput


@pytest.fixture
def world(app, make_school):
    build_priced_world(2025)
    school = make_school(urn=103700, name="Allesley Primary School")
    add_census(school, "2025-01", 412)
    add_census(school, "2024-10", 400)
    return school


def draft_with(school, lines, year=2025):
    agreement = service.create_draft(year, school=school, from_catalogue=False)
    service.set_lines(agreement, lines)
    db.session.commit()
    return agreement


def test_draft_from_catalogue_uses_default_lists(world):
    agreement = service.create_draft(2025, school=world)
    assert (agreement.term_start, agreement.term_end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert [l.service_code for l in agreement.lines_in("subscribed")] == ["ADMIN", "AV", "SIMS"]
    assert [l.service_code for l in agreement.lines_in("additional")] == ["DPO"]
    assert [l.service_code for l in agreement.lines_in("excluded")] == ["WEB"]
    # Draft total at today's prices: band 251+ 2600 + 412 x 3.10 + 1 x 4.75
    assert agreement.annual_total == Decimal("3881.95")


def test_issue_snapshots_prices_with_explanations(world):
    agreement = draft_with(world, [L("ADMIN", "subscribed"), L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30)),
                                   L("DPO", "additional"), L("WEB", "excluded")])
    service.issue(agreement, "sla@test")
    db.session.commit()
    lines = {l.service_code: l for l in agreement.lines}
    assert agreement.status == "active"
    assert lines["SIMS"].annual_price == Decimal("1277.20")
    assert lines["SIMS"].explanation == "412 pupils (January 2025 census) x £3.10 = £1,277.20"
    assert lines["ADMIN"].explanation == "412 pupils (January 2025 census): band 251+ : £2,600.00"
    assert lines["AV"].annual_price == Decimal("142.50")
    assert lines["DPO"].annual_price is None  # available at extra charge: not charged
    assert agreement.annual_total == Decimal("4019.70")
    assert (agreement.census_label, agreement.pupils) == ("2025-01", 412)
    transition = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "transition"))
    assert "draft → active" in transition.summary


def test_a_later_price_version_never_changes_an_issued_agreement(world):
    agreement = draft_with(world, [L("SIMS", "subscribed")])
    service.issue(agreement, "sla@test")
    db.session.commit()
    price_lists.new_version(2025)
    draft = price_lists.draft(2025)
    sims = next(e for e in draft.entries if e.service_code == "SIMS")
    price_lists.update_entry(sims, title="SIMS support", model="per_pupil", amount="", rate="9.99", minimum="",
                             maximum="", bands="", unit="", vat_code="S")
    price_lists.publish(2025, "test")
    db.session.refresh(agreement)
    assert agreement.lines[0].annual_price == Decimal("1277.20")
    assert agreement.price_list.version == 1


def test_issuing_twice_is_refused(world):
    agreement = draft_with(world, [L("SIMS", "subscribed")])
    service.issue(agreement, "sla@test")
    db.session.commit()
    with pytest.raises(ActionRefused, match="already active; it cannot be issued again"):
        service.issue(agreement, "sla@test")


def test_missing_census_blocks_only_that_agreement(world, make_school):
    new_school = make_school(urn=149999, name="Brand New Academy", establishment_type="Free schools")
    draft_with(world, [L("SIMS", "subscribed")])
    blocked = draft_with(new_school, [L("SIMS", "subscribed"), L("DPO", "subscribed")])
    report = service.issue_year(2025, "sla@test")
    assert [a.school.urn for a in report.issued] == [103700]
    assert len(report.refused) == 1
    agreement, reason = report.refused[0]
    assert agreement.id == blocked.id
    assert "Brand New Academy (URN 149999) has no pupil figure for the January 2025 census" in reason
    db.session.refresh(blocked)
    assert blocked.status == "draft"
    assert all(line.annual_price is None for line in blocked.lines)


def test_october_census_when_the_list_says_so(app, make_school):
    build_priced_world(2025, publish=False)
    draft = price_lists.draft(2025)
    draft.census_basis = "october"
    db.session.commit()
    price_lists.publish(2025, "test")
    school = make_school(urn=103700)
    add_census(school, "2025-01", 412)
    add_census(school, "2024-10", 400)
    agreement = draft_with(school, [L("SIMS", "subscribed")])
    service.issue(agreement, "t")
    assert agreement.lines[0].explanation == "400 pupils (October 2024 census) x £3.10 = £1,240.00"


def test_line_rules(world):
    agreement = service.create_draft(2025, school=world, from_catalogue=False)
    with pytest.raises(ActionRefused, match="quantity of 1 or more"):
        service.set_lines(agreement, [L("AV", "subscribed", Decimal(0))])
    with pytest.raises(ActionRefused, match="outside the term"):
        service.set_lines(agreement, [L("AV", "subscribed", Decimal(1), date(2026, 4, 1))])
    with pytest.raises(ActionRefused, match="no such service"):
        service.set_lines(agreement, [L("NOPE", "subscribed")])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AgreementLine)) == 0


def test_issued_lines_cannot_be_edited(world):
    agreement = draft_with(world, [L("SIMS", "subscribed")])
    service.issue(agreement, "t")
    with pytest.raises(ActionRefused, match="lines and prices are fixed"):
        service.set_lines(agreement, [L("SIMS", "subscribed", Decimal(2))])


def test_group_agreement_prices_each_member_on_its_census(app, make_school):
    build_priced_world(2025)
    a = make_school(urn=103701, name="Federated Infant School")
    b = make_school(urn=103702, name="Federated Junior School")
    add_census(a, "2025-01", 150)
    group = SchoolGroup(name="Spires Federation", schools=[a, b], lead_school=a)
    db.session.add(group)
    db.session.commit()
    agreement = service.create_draft(2025, group=group, from_catalogue=False)
    service.set_lines(agreement, [L("SIMS", "subscribed")])
    db.session.commit()
    with pytest.raises(ActionRefused, match=r"no January 2025 census figure for Federated Junior School \(URN 103702\)"):
        service.issue(agreement, "t")
    db.session.rollback()
    add_census(b, "2025-01", 200)
    service.issue(agreement, "t")
    # Issue #29: each member on its own census (each takes SIMS's £950 minimum), the prices added up.
    line = agreement.lines[0]
    assert line.annual_price == Decimal("1900.00") == agreement.annual_total
    assert line.explanation == (
        "Federated Infant School: 150 pupils (January 2025 census) x £3.10 = £465.00; minimum charge applies: "
        "£950.00 | Federated Junior School: 200 pupils (January 2025 census) x £3.10 = £620.00; minimum charge "
        "applies: £950.00 | 2 schools: £1,900.00")
    assert agreement.pupils == 350


def test_mid_year_add_is_priced_on_the_agreements_version(world):
    agreement = draft_with(world, [L("SIMS", "subscribed")])
    service.issue(agreement, "t")
    db.session.commit()
    from contracts_app.models import Service

    av = db.session.scalar(select(Service).where(Service.code == "AV"))
    line = service.add_service(agreement, av, Decimal(10), date(2025, 11, 15))
    assert (line.start_date, line.annual_price) == (date(2025, 11, 15), Decimal("47.50"))
    with pytest.raises(ActionRefused, match="outside the term"):
        service.add_service(agreement, av, Decimal(1), date(2026, 5, 1))
    sims = next(l for l in agreement.lines if l.service_code == "SIMS")
    service.remove_service(agreement, sims, date(2025, 12, 1))
    assert sims.end_date == date(2025, 12, 1) and sims.annual_price == Decimal("1277.20")
    with pytest.raises(ActionRefused, match="already removed"):
        service.remove_service(agreement, sims, date(2026, 1, 1))


def test_rollover_reprices_and_skips_cancelled_and_notice(world, make_school):
    price_lists.import_price_list(PRICES_2026.encode(), 2026, "p26.csv")
    price_lists.publish(2026, "t")
    add_census(world, "2026-01", 430)
    keep = draft_with(world, [L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(5)), L("WEB", "excluded")])
    service.issue(keep, "t")
    leaving = make_school(urn=103705, name="Leaving School")
    add_census(leaving, "2025-01", 100)
    noticed = draft_with(leaving, [L("SIMS", "subscribed")])
    service.issue(noticed, "t")
    service.give_notice(noticed, notice_date=date(2025, 6, 1), requested_date=None, given_by="school",
                        today=date(2025, 6, 1))
    db.session.commit()
    report = service.rollover(2025)
    assert [a.party_name for a in report.created] == ["Allesley Primary School"]
    assert ("Leaving School 2025-26", "notice of cancellation given") in report.skipped
    new = report.created[0]
    assert new.sla_year == 2026 and new.status == "draft"
    assert {(l.service_code, l.list_name, l.quantity) for l in new.lines} == {
        ("SIMS", "subscribed", Decimal(5) / 5), ("AV", "subscribed", Decimal(5)), ("WEB", "excluded", Decimal(1))}
    check = price_agreement(new)
    assert next(l for l in check.lines if l.service_code == "SIMS").explanation == \
        "430 pupils (January 2026 census) x £3.30 = £1,419.00"
    again = service.rollover(2025)
    assert not again.created


def test_list_page_filters_and_totals(world, client, login, make_school):
    agreement = draft_with(world, [L("SIMS", "subscribed")])
    service.issue(agreement, "t")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    add_census(academy, "2025-01", 100)
    draft_with(academy, [L("DPO", "subscribed")])
    db.session.commit()
    login("finance")

    def text(url):
        return re.sub(r"<[^>]+>", "", client.get(url).get_data(as_text=True))

    page = text("/agreements/?year=2025")
    assert "2 agreement(s), annual total £2,177.20" in page
    page = text("/agreements/?year=2025&status=active")
    assert "1 agreement(s), annual total £1,277.20" in page and "Cardinal" not in page
    page = text("/agreements/?year=2025&type=academy")
    assert "Cardinal Academy" in page and "Allesley" not in page


def test_agreement_page_shows_lines_schedule_and_history(world, client, login):
    agreement = draft_with(world, [L("SIMS", "subscribed"), L("DPO", "additional")])
    login("sla")
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "412 pupils (January 2025 census) x £3.10 = £1,277.20" in page
    assert "Summer term" in page
    client.post(f"/agreements/{agreement.id}/issue", data={"confirmed": "1"})
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Active" in page and "draft → active" in page


def test_import_creates_and_updates_drafts(world, tmp_path):
    data = ("urn,service_code,quantity,status,start_date\n103700,SIMS,1,subscribed,\n"
            "103700,AV,25,subscribed,2025-09-01\n103700,WEB,,excluded,\n")
    report = service.import_agreements(data.encode(), 2025, "agreements.csv")
    assert (report.created, report.updated, report.lines) == (1, 0, 3)
    agreement = db.session.scalar(select(Agreement))
    av = next(l for l in agreement.lines if l.service_code == "AV")
    assert (av.quantity, av.start_date) == (Decimal(25), date(2025, 9, 1))
    again = service.import_agreements(b"urn,service_code,quantity,status\n103700,AV,30,subscribed\n", 2025, "a2.csv")
    assert (again.created, again.updated) == (0, 1)
    db.session.refresh(agreement)
    assert {l.service_code: l.quantity for l in agreement.lines}["AV"] == Decimal(30)
    assert len(agreement.lines) == 3


@pytest.mark.parametrize("row, where", [
    ("999999,SIMS,1,subscribed,", ("urn", "no school with URN '999999'")),
    ("103700,NOPE,1,subscribed,", ("service_code", "no service 'NOPE'")),
    ("103700,SIMS,0,subscribed,", ("quantity", "quantity of 1 or more")),
    ("103700,SIMS,-2,subscribed,", ("quantity", "quantity of 1 or more")),
    ("103700,SIMS,1,subscribed,2026-04-01", ("start_date", "outside the 2025-26 term")),
    ("103700,SIMS,1,subscribed,01/09/2025", ("start_date", "is not a date")),
    ("103700,SIMS,1,maybe,", ("status", "not subscribed, additional or excluded")),
])
def test_import_refuses_bad_rows_whole(world, row, where):
    data = f"urn,service_code,quantity,status,start_date\n103700,AV,1,subscribed,\n{row}\n"
    with pytest.raises(ImportRefused) as info:
        service.import_agreements(data.encode(), 2025, "bad.csv")
    db.session.rollback()
    problem = info.value.problems[0]
    assert (problem.row, problem.column) == (3, where[0])
    assert where[1] in problem.reason
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_import_refuses_a_school_whose_agreement_is_issued(world):
    agreement = draft_with(world, [L("SIMS", "subscribed")])
    service.issue(agreement, "t")
    db.session.commit()
    with pytest.raises(ImportRefused, match="already active"):
        service.import_agreements(b"urn,service_code,quantity,status\n103700,AV,1,subscribed\n", 2025, "x.csv")


def test_bulk_issue_snapshots_exactly_what_one_at_a_time_does(world, make_school):
    twin = make_school(urn=103799, name="Allesley Twin School")
    add_census(twin, "2025-01", 412)
    lines = [L("ADMIN", "subscribed"), L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30)),
             L("DPO", "additional"), L("WEB", "excluded")]
    one = draft_with(world, lines)
    service.issue(one, "t")
    db.session.commit()
    bulk = draft_with(twin, lines)
    report = service.issue_year(2025, "t")
    assert report.issued_ids == [bulk.id]
    db.session.expire_all()

    def snapshot(agreement):
        return ([(l.service_code, l.list_name, l.quantity, l.annual_price, l.explanation, l.vat_code)
                 for l in agreement.lines],
                (agreement.status, agreement.annual_total, agreement.census_label, agreement.pupils,
                 agreement.price_list_id, agreement.customer_type, agreement.template_id is not None))

    assert snapshot(bulk) == snapshot(one)
