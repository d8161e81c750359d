"""Cancellation notices (§2.4-2.5): effective dates, refusals, settling, charges, the command."""
from __future__ import annotations

from datetime import date, timedelta
from html import unescape
from decimal import Decimal

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import AgreementCharge, CancellationNotice
from agreements.lifecycle import notice_outcome
from contracts_app.services import agreements as service
from contracts_app.services.census import census_for
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear
from tests.agreements_fixtures import add_census, build_priced_world

L = service.LineInput


@pytest.fixture
def active(app, make_school):
    build_priced_world(2026)
    school = make_school(urn=103700, name="Allesley Primary School")
    add_census(school, "2026-01", 412)
    agreement = service.create_draft(2026, school=school, from_catalogue=False)
    service.set_lines(agreement, [L("SIMS", "subscribed")])
    service.issue(agreement, "t")
    db.session.commit()
    return agreement


@pytest.fixture
def current(app, make_school):
    """An active agreement for the SLA year running today, so that a school can give notice on it."""
    year = SlaYear.containing(date.today()).start_year
    build_priced_world(year)
    school = make_school(urn=103701, name="Whitley Primary School")
    add_census(school, census_for(year, "january").label, 412)
    agreement = service.create_draft(year, school=school, from_catalogue=False)
    service.set_lines(agreement, [L("SIMS", "subscribed")])
    service.issue(agreement, "t")
    db.session.commit()
    return agreement


def test_notice_sets_effective_date_and_cancels_on_it(active):
    notice = service.give_notice(active, notice_date=date(2026, 9, 1), requested_date=None, given_by="school",
                                 reason="joining a trust", recorded_by="sla@test", today=date(2026, 9, 1))
    assert notice.effective_date == date(2026, 11, 30)
    assert active.status == "notice_given"
    assert service.settle(date(2026, 11, 29)) == 0
    assert service.settle(date(2026, 11, 30)) == 1
    assert active.status == "cancelled"
    # The moneys for the term stay owed: the issued prices are untouched (§2.5 d).
    assert active.annual_total == Decimal("1277.20")


def test_notice_on_a_cancelled_or_ended_agreement_is_refused(active):
    service.give_notice(active, notice_date=date(2026, 4, 2), requested_date=None, given_by="council",
                        fundamental_breach=True, today=date(2026, 4, 2))
    assert active.status == "cancelled"  # breach: effective at once
    with pytest.raises(ActionRefused, match="is cancelled; notice can only be given on an active agreement"):
        service.give_notice(active, notice_date=date(2026, 5, 1), requested_date=None, given_by="school",
                            today=date(2026, 5, 1))


def test_notice_with_too_early_a_date_changes_nothing(active):
    with pytest.raises(ActionRefused, match="earlier than 90 days"):
        service.give_notice(active, notice_date=date(2026, 9, 1), requested_date=date(2026, 10, 1),
                            given_by="school", today=date(2026, 9, 1))
    db.session.rollback()
    assert active.status == "active"
    assert db.session.scalar(select(CancellationNotice)) is None


def test_term_end_ends_the_agreement(active):
    assert service.settle(date(2027, 4, 1)) == 1
    assert active.status == "ended"


def test_cancellation_charge_added(active):
    charge = service.add_charge(active, "SIMS and FMS licence costs on cancellation (§2.5 e)", Decimal("350.00"),
                                "S", "finance@test")
    assert charge.amount == Decimal("350.00")
    with pytest.raises(ActionRefused, match="positive pounds and pence"):
        service.add_charge(active, "x", Decimal("1.005"), "S", "f")
    db.session.rollback()
    assert len(db.session.scalars(select(AgreementCharge)).all()) == 1


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_cancel_command_prints_the_effective_date(active, app):
    result = run(app, "agreements", "cancel", "103700", "--year", "2026", "--notice-date", "2026-09-01",
                 "--effective-date", "2027-01-31", "--by", "school", "--reason", "closing")
    assert result.exit_code == 0, result.output
    assert "cancelled with effect from 2027-01-31 (31 January 2027)" in result.output


@pytest.mark.parametrize("args, message", [
    (["999999", "--year", "2026", "--notice-date", "2026-09-01"], "no school with URN 999999"),
    (["103700", "--year", "2026", "--notice-date", "1 Sept"], "is not a date"),
    (["103700", "--year", "2026", "--notice-date", "2026-09-01", "--effective-date", "2026-10-01"],
     "earlier than 90 days"),
    (["103700", "--year", "2025", "--notice-date", "2026-09-01"], "has no 2025-26 agreement"),
    # §2.4 a: a notice recorded by staff is dated within the term and never in the future
    (["103700", "--year", "2026", "--notice-date", "2025-06-01"], "is not within the agreement's term"),
    (["103700", "--year", "2026", "--notice-date", "2030-01-01"], "is in the future"),
])
def test_cancel_command_refusals(active, app, args, message):
    result = run(app, "agreements", "cancel", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert active.status == "active"


def test_school_user_gives_notice_in_the_portal(current, client, login):
    login("school", school=current.school)
    page = client.get(f"/agreements/{current.id}")
    assert page.status_code == 200
    response = client.post(f"/agreements/{current.id}/notice", data={
        "notice_date": "2026-09-01", "requested_date": "", "reason": "moving to a trust", "confirmed": "yes",
        "given_by": "council", "fundamental_breach": "y"})  # a school cannot claim to be the council
    assert response.status_code == 302
    notice = db.session.scalar(select(CancellationNotice))
    today = date.today()
    assert (notice.given_by, notice.fundamental_breach, notice.notice_date, notice.effective_date) == \
        ("school", False, today, today + timedelta(days=90))  # dated the day it is given, not back-dated


def uk(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _notices():
    return db.session.scalars(select(CancellationNotice)).all()


def test_a_school_sees_the_effective_date_and_confirms_before_its_notice_is_recorded(current, client, login):
    """§2.4 a-b: no notice-date field for a school; the page shows what happens and asks first."""
    login("school", school=current.school)
    url = f"/agreements/{current.id}/notice"
    form = client.get(url).get_data(as_text=True)
    assert "Date the written notice was given" not in form
    today = date.today()
    expected = notice_outcome(today + timedelta(days=90), current.term_end).text
    data = {"notice_date": "2026-06-01", "requested_date": "", "reason": "moving to a trust"}
    review = client.post(url, data=data)
    page = review.get_data(as_text=True)
    assert review.status_code == 200 and 'id="notice-confirm"' in page
    assert f"dated today, {uk(today)}" in page
    assert expected in page
    assert _notices() == [] and current.status == "active"  # nothing recorded before confirming
    early = client.post(url, data={**data, "requested_date": (today + timedelta(days=10)).isoformat()})
    assert "earlier than 90 days" in early.get_data(as_text=True) and _notices() == []
    done = client.post(url, data={**data, "confirmed": "yes"}, follow_redirects=True)
    assert expected in done.get_data(as_text=True)  # the flash and the agreement page
    assert [n.notice_date for n in _notices()] == [today]
    # Both the school (portal) and the SLA team (agreement page) see the recorded notice.
    portal = client.get("/portal/").get_data(as_text=True)
    assert f"Notice given by the school on {uk(today)}" in portal
    assert expected in portal
    login("sla")
    staff_page = client.get(f"/agreements/{current.id}").get_data(as_text=True)
    assert 'id="notice-box"' in staff_page and expected in staff_page


def test_staff_confirm_a_notice_and_its_date_is_checked(active, client, login):
    login("sla")
    url = f"/agreements/{active.id}/notice"
    data = {"given_by": "school", "notice_date": "2026-09-01", "requested_date": "2027-06-30", "reason": ""}
    review = client.post(url, data=data).get_data(as_text=True)
    assert 'id="notice-confirm"' in review
    assert ("the notice takes effect on 30 June 2027, after the term: the agreement ends at its term end on "
            "31 March 2027 and is not renewed") in review
    assert _notices() == []
    future = client.post(url, data={**data, "notice_date": "2030-01-01", "confirmed": "yes"}).get_data(as_text=True)
    assert "is in the future" in future and _notices() == []
    before = unescape(client.post(url, data={**data, "notice_date": "2026-03-01", "confirmed": "yes"}).get_data(as_text=True))
    assert "is not within the agreement's term" in before and _notices() == []
    assert client.post(url, data={**data, "confirmed": "yes"}).status_code == 302
    assert [(n.notice_date, n.effective_date) for n in _notices()] == [(date(2026, 9, 1), date(2027, 6, 30))]


def test_a_paper_notice_is_entered_after_the_term_is_over(active):
    """§2.4: staff enter a notice received during the term once the term has ended."""
    assert service.settle(date(2027, 6, 1)) == 1 and active.status == "ended"
    with pytest.raises(ActionRefused, match="not within the agreement's term"):
        service.give_notice(active, notice_date=date(2027, 5, 1), requested_date=None, given_by="school",
                            today=date(2027, 6, 1))
    db.session.rollback()
    notice = service.give_notice(active, notice_date=date(2026, 12, 1), requested_date=None, given_by="school",
                                 today=date(2027, 6, 1))
    assert notice.effective_date == date(2027, 3, 1)
    assert active.status == "cancelled"  # it took effect within the term


def test_a_late_paper_notice_effective_after_the_term_leaves_it_ended_and_unrenewed(active):
    service.settle(date(2027, 6, 1))
    notice = service.give_notice(active, notice_date=date(2027, 2, 1), requested_date=None, given_by="school",
                                 today=date(2027, 6, 1))
    assert notice.effective_date == date(2027, 5, 2) and active.status == "ended"
    with pytest.raises(ActionRefused, match="notice can only be given on an active agreement"):
        service.give_notice(active, notice_date=date(2027, 2, 1), requested_date=None, given_by="school",
                            today=date(2027, 6, 1))  # one notice per agreement


def test_a_school_cannot_back_date_its_own_notice(current):
    with pytest.raises(ActionRefused, match="dated the day it is given") as refused:
        service.give_notice(current, notice_date=date.today() - timedelta(days=1), requested_date=None,
                            given_by="school", entered_by="school")
    assert refused.value.field == "notice_date"
    db.session.rollback()
    assert current.status == "active" and _notices() == []


def test_an_effective_date_after_the_term_ends_it_at_its_term_end_in_command_and_settle(active, app):
    result = run(app, "agreements", "cancel", "103700", "--year", "2026", "--notice-date", "2026-12-01",
                 "--effective-date", "2027-06-30", "--by", "school")
    assert result.exit_code == 0, result.output
    assert ("the notice takes effect on 30 June 2027, after the term: the agreement ends at its term end on "
            "31 March 2027 and is not renewed") in result.output
    settled = run(app, "agreements", "settle", "--date", "2027-07-01")  # first run after the effective date
    assert settled.exit_code == 0, settled.output
    assert "Allesley Primary School 2026-27: ended at its term end on 31 March 2027, not renewed" in settled.output
    assert active.status == "ended"
    report = service.rollover(2026)
    assert ("Allesley Primary School 2026-27", "notice of cancellation given") in report.skipped


def test_charge_command_adds_a_cancellation_charge(active, app):
    result = run(app, "agreements", "charge", "103700", "--year", "2026", "--amount", "350.00", "--vat-code", "S",
                 "--description", "SIMS and FMS licence costs on cancellation (§2.5 e)")
    assert result.exit_code == 0, result.output
    assert "£350.00" in result.output and "next invoice run" in result.output
    charge = db.session.scalar(select(AgreementCharge))
    assert (charge.amount, charge.vat_code, charge.agreement_id) == (Decimal("350.00"), "S", active.id)


@pytest.mark.parametrize("args, message", [
    (["--amount", "1.005", "--vat-code", "S", "--description", "x"], "positive pounds and pence"),
    (["--amount", "-5.00", "--vat-code", "S", "--description", "x"], "positive pounds and pence"),
    (["--amount", "lots", "--vat-code", "S", "--description", "x"], "is not an amount"),
    (["--amount", "10.00", "--vat-code", "X", "--description", "x"], "unknown VAT code"),
    (["--amount", "10.00", "--vat-code", "S", "--description", "  "], "describe the charge"),
    (["--amount", "10.00", "--vat-code", "S", "--description", "x" * 501], "500 characters"),
])
def test_charge_command_refusals(active, app, args, message):
    result = run(app, "agreements", "charge", "103700", "--year", "2026", *args)
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(AgreementCharge)) is None
