"""Cancellation notices (§2.4-2.5): effective dates, refusals, settling, charges, the command."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import AgreementCharge, CancellationNotice
from contracts_app.services import agreements as service
from pricing.errors import ActionRefused
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
])
def test_cancel_command_refusals(active, app, args, message):
    result = run(app, "agreements", "cancel", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert active.status == "active"


def test_school_user_gives_notice_in_the_portal(active, client, login):
    login("school", school=active.school)
    page = client.get(f"/agreements/{active.id}")
    assert page.status_code == 200
    response = client.post(f"/agreements/{active.id}/notice", data={
        "notice_date": "2026-09-01", "requested_date": "", "reason": "moving to a trust",
        "given_by": "council", "fundamental_breach": "y"})  # a school cannot claim to be the council
    assert response.status_code == 302
    notice = db.session.scalar(select(CancellationNotice))
    assert (notice.given_by, notice.fundamental_breach, notice.effective_date) == ("school", False, date(2026, 11, 30))
