"""Ad hoc requests through the service layer: estimates, the authorisation rule, time, completion.

The helpers here (``world``, ``new_request``, ``authorised``) are shared by the other
test_adhoc_* modules.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from adhoc import lifecycle
from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, AuditEvent, TimeEntry
from contracts_app.services import adhoc as service
from pricing.errors import ActionRefused
from tests.agreements_fixtures import build_priced_world

JUNE = date(2025, 6, 2)  # in SLA year 2025-26, whose list build_priced_world publishes


@pytest.fixture
def world(app, make_school):
    build_priced_world(2025)  # ADHOC: £62 an hour for maintained schools, £72 for academies
    maintained = make_school(urn=103700, name="Allesley Primary School")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    return SimpleNamespace(maintained=maintained, academy=academy)


def new_request(school, reference="SR1", kind="project", *, hours: str | None = "3", third_party="",
                report="") -> AdHocRequest:
    request = service.create_request(school, reference, kind, "Set up 30 Chromebooks", third_party=third_party,
                                     intervention_report=report, by="sla@test")
    if hours is not None:
        service.set_estimate(request, Decimal(hours), 2025, "sla@test")
    return request


def authorised(school, reference="SR1", kind="project", *, on: date = JUNE, **kwargs) -> AdHocRequest:
    request = new_request(school, reference, kind, **kwargs)
    service.authorise(request, name="Jo Head", on=on, via="written")
    return request


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(TimeEntry))


def test_estimate_is_priced_at_the_years_ad_hoc_rate_for_the_customer_type(world):
    project = new_request(world.maintained, "sr104233", hours="2.5")
    academy = new_request(world.academy, "SR2", hours="2")
    assert project.reference == "SR104233"  # matched as the service desk writes it
    assert (project.status, project.estimate_rate, project.estimate_sla_year) == ("estimated", Decimal("62.00"), 2025)
    assert academy.estimate_rate == Decimal("72.00")
    doc = service.estimate_document(project)
    assert (doc.charged_hours, doc.net, doc.gross) == (3, Decimal("186.00"), Decimal("223.20"))  # part hour -> 3
    changes = db.session.scalars(select(AuditEvent.changes).where(AuditEvent.entity_type == "AdHocRequest",
                                                                  AuditEvent.entity_id == str(project.id))).all()
    assert any(c and c.get("status") == ["requested", "estimated"] for c in changes)


def test_estimate_for_a_year_without_a_published_rate_is_refused(world):
    request = new_request(world.maintained, hours=None)
    with pytest.raises(service.AdhocRefused) as refused:
        service.set_estimate(request, Decimal(3), 2027, "sla@test")
    assert refused.value.field == "sla_year"
    assert "no published 2027-28 ad hoc rate for maintained schools" in refused.value.message
    db.session.rollback()
    assert (request.status, request.estimate_hours) == ("requested", None)


@pytest.mark.parametrize("hours, why", [("0", "more than zero"), ("-2", "more than zero"),
                                        ("1.005", "2 decimal places"), ("20000", "check the figure")])
def test_bad_estimates_refused(world, hours, why):
    request = new_request(world.maintained, hours=None)
    with pytest.raises(service.AdhocRefused, match=why):
        service.set_estimate(request, Decimal(hours), 2025, "sla@test")


def test_new_request_rules(world):
    new_request(world.maintained, "SR1")
    with pytest.raises(service.AdhocRefused, match="already used by a request for Allesley") as refused:
        new_request(world.academy, " sr1 ")
    assert refused.value.field == "reference"
    with pytest.raises(service.AdhocRefused, match="kind 'consultancy' is not one of project, rework, out_of_scope"):
        service.create_request(world.maintained, "SR9", "consultancy", "Advice")
    with pytest.raises(service.AdhocRefused, match="names the third party") as refused:
        service.create_request(world.maintained, "SR9", "rework", "Put it right")
    assert refused.value.field == "third_party"
    assert db.session.scalar(select(func.count()).select_from(AdHocRequest)) == 1


def test_project_needs_an_estimate_before_it_is_authorised(world):
    request = new_request(world.maintained, hours=None)
    with pytest.raises(ActionRefused, match=r"needs an estimate before the school can authorise it \(§7.3\)"):
        service.authorise(request, name="Jo Head", on=JUNE, via="written")
    db.session.rollback()
    assert request.status == "requested"
    # Other kinds may be authorised in writing on the published rate alone.
    other = new_request(world.maintained, "SR2", "out_of_scope", hours=None)
    service.authorise(other, name="Jo Head", on=JUNE, via="written")
    assert (other.status, other.authorised_via, other.authorised_by_name) == ("authorised", "written", "Jo Head")


def test_third_party_request_needs_the_schools_approval_not_its_own(world):
    request = new_request(world.maintained, third_party="Acme AV Ltd")
    with pytest.raises(service.AdhocRefused, match=r"must come from the school, not from the third party Acme AV "
                                                   r"Ltd \(§9.4\)") as refused:
        service.authorise(request, name="acme av ltd", on=JUNE, via="written")
    assert refused.value.field == "name"
    db.session.rollback()
    service.authorise(request, name="Jo Head", on=JUNE, via="written")
    assert request.status == "authorised"


def test_authorisation_needs_a_name_and_a_date_not_in_the_future(world):
    request = new_request(world.maintained)
    with pytest.raises(ActionRefused, match="give the name"):
        service.authorise(request, name="  ", on=JUNE, via="written")
    with pytest.raises(ActionRefused, match="in the future"):
        service.authorise(request, name="Jo", on=date.today() + timedelta(days=1), via="written")
    with pytest.raises(ActionRefused, match="in the portal or in writing"):
        service.authorise(request, name="Jo", on=JUNE, via="phone")
    service.authorise(request, name="Jo", on=JUNE, via="written")
    with pytest.raises(ActionRefused, match="only a request awaiting the school's answer can be authorised"):
        service.authorise(request, name="Jo", on=JUNE, via="written")


def test_no_time_before_authorisation(world):
    request = new_request(world.maintained)  # estimated, not authorised
    with pytest.raises(ActionRefused, match=r"SR1: the request is not authorised by the school yet \(estimate sent\): "
                                            r"no time may be logged before authorisation \(§7.3\)"):
        service.log_time(request, JUNE, 60, "Tech")
    db.session.rollback()
    assert entry_count() == 0 and request.status == "estimated"


def test_no_time_dated_before_the_authorisation(world):
    request = authorised(world.maintained, on=JUNE)
    with pytest.raises(service.AdhocRefused, match=r"before the school authorised the request on 02 June 2025") as refused:
        service.log_time(request, JUNE - timedelta(days=1), 60, "Tech")
    assert refused.value.field == "work_date"
    db.session.rollback()
    assert entry_count() == 0 and request.status == "authorised"


@pytest.mark.parametrize("minutes, why", [(0, "more than zero, not 0"), (-30, "more than zero, not -30"),
                                          (1441, "more than a whole day")])
def test_bad_minutes_refused(world, minutes, why):
    request = authorised(world.maintained)
    with pytest.raises(service.AdhocRefused, match=why) as refused:
        service.log_time(request, JUNE, minutes, "Tech")
    assert refused.value.field == "minutes"
    db.session.rollback()
    assert entry_count() == 0


def test_date_in_a_year_with_no_published_rate_refused(world):
    request = authorised(world.maintained)
    with pytest.raises(service.AdhocRefused, match="no published 2026-27 ad hoc rate for maintained schools"):
        service.log_time(request, date(2026, 4, 1), 60, "Tech")
    with pytest.raises(service.AdhocRefused, match="in the future"):
        service.log_time(request, date.today() + timedelta(days=1), 60, "Tech")
    db.session.rollback()
    assert entry_count() == 0


def test_first_time_starts_the_work_and_completion_closes_it(world):
    request = authorised(world.maintained)
    service.log_time(request, JUNE, 30, "Sam", "On site")
    assert request.status == "in_progress"
    service.log_time(request, JUNE + timedelta(days=1), 45, "Sam")
    charge = service.charge(request)
    assert (charge.minutes, charge.hours, charge.net) == (75, 2, Decimal("124.00"))  # 30 + 45 -> 2 hours
    service.complete(request, JUNE + timedelta(days=1))
    assert (request.status, request.completed_on) == ("completed", JUNE + timedelta(days=1))
    with pytest.raises(ActionRefused, match=r"no further work is booked to it \(§7.4\)"):
        service.log_time(request, JUNE + timedelta(days=2), 30, "Sam")
    with pytest.raises(ActionRefused, match="§7.4"):
        service.delete_time(request.entries[0])


def test_completion_rules(world):
    request = authorised(world.maintained)
    with pytest.raises(ActionRefused, match="no time is logged"):
        service.complete(request, JUNE)
    service.log_time(request, JUNE + timedelta(days=3), 60, "Sam")
    with pytest.raises(service.AdhocRefused, match="before the last work on 05 June 2025") as refused:
        service.complete(request, JUNE)
    assert refused.value.field == "completed_on"
    with pytest.raises(ActionRefused, match="in the future"):
        service.complete(request, date.today() + timedelta(days=1))
    db.session.rollback()
    assert request.status == "in_progress"


def test_rework_is_completed_only_with_the_report_of_why_the_council_intervened(world):
    request = authorised(world.maintained, "SR5", "rework", hours=None, third_party="BrightSpark AV Ltd")
    service.log_time(request, JUNE, 90, "Sam")
    with pytest.raises(ActionRefused, match=r"report of why the council had to intervene.*\(§9.5\)"):
        service.complete(request, JUNE)
    db.session.rollback()
    service.update_details(request, description=request.description, third_party=request.third_party,
                           intervention_report="They re-cabled the server room without approval.")
    service.complete(request, JUNE)
    assert request.status == "completed"
    report = service.rework_report(request)
    assert (report.hours, report.net, report.vat_total) == (2, Decimal("124.00"), Decimal("24.80"))


def test_decline(world):
    request = new_request(world.maintained)
    with pytest.raises(service.AdhocRefused, match="give the reason"):
        service.decline(request, " ")
    service.decline(request, "Too dear")
    assert (request.status, request.declined_reason) == ("declined", "Too dear")
    with pytest.raises(ActionRefused, match="declined"):
        service.log_time(request, JUNE, 30, "Sam")
    with pytest.raises(ActionRefused, match="only a request awaiting the school's answer can be declined"):
        service.decline(request, "again")


def test_a_mistaken_entry_can_be_removed_while_the_work_is_open(world):
    request = authorised(world.maintained)
    entry = service.log_time(request, JUNE, 600, "Sam", "typo for 60")
    service.delete_time(entry)
    assert entry_count() == 0
    deleted = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "TimeEntry", AuditEvent.action == "delete"))
    assert deleted == 1


def test_transitions_are_closed():
    for status in lifecycle.STATUS_NAMES:
        assert status in lifecycle.TRANSITIONS
    with pytest.raises(lifecycle.AdhocRuleBroken, match="cannot become in progress"):
        lifecycle.check_transition("estimated", "in_progress")
    with pytest.raises(lifecycle.AdhocRuleBroken, match="can become: nothing"):
        lifecycle.check_transition("invoiced", "completed")


@pytest.mark.parametrize("status", ["requested", "estimated", "declined", "completed", "invoiced"])
def test_time_is_bookable_only_while_authorised_or_in_progress(status):
    with pytest.raises(lifecycle.AdhocRuleBroken):
        lifecycle.check_time(status, JUNE, JUNE, 30, JUNE)
    for ok in lifecycle.BOOKABLE:
        lifecycle.check_time(ok, JUNE, JUNE, 30, JUNE)
