"""Messages 2-5: agreements, estimates and authorisations, notices of cancellation, overdue reminders."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, KeyStakeholder, OutboxMessage
from contracts_app.services import adhoc as adhoc_service
from contracts_app.services import agreements as agreement_service
from contracts_app.services import outbox
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.outbox import reminders
from pricing.errors import ActionRefused
from tests.agreements_fixtures import add_census, build_priced_world

L = agreement_service.LineInput
SLA_TEAM = "ictschoolreply@coventry.gov.uk"


def contact(school, email, invoices=False, agreements=False, notices=False):
    db.session.add(KeyStakeholder(school=school, name=email.split("@")[0], role="Staff", email=email,
                                  invoices=invoices, agreements=agreements, notices=notices))
    db.session.commit()


@pytest.fixture
def school(app, make_school):
    build_priced_world(2025)
    school = make_school(urn=103700, name="Allesley Primary School")
    add_census(school, "2025-01", 412)
    contact(school, "bursar@allesley.example", invoices=True)
    contact(school, "head@allesley.example", agreements=True, notices=True)
    return school


def issue(school, year=2025):
    agreement = agreement_service.create_draft(year, school=school, from_catalogue=False)
    agreement_service.set_lines(agreement, [L("SIMS", "subscribed")])
    agreement_service.issue(agreement, "sla@test")
    db.session.commit()
    return agreement


def test_an_issued_agreement_sends_its_filled_in_sla_to_the_agreement_contacts(school, smtp_server):
    agreement = issue(school)
    outbox.send_due()
    [message] = smtp_server.received
    assert message.envelope_to == ["head@allesley.example"]
    assert message.subject == "Your service level agreement Allesley Primary School 2025-26"
    assert "1 April 2025 to 31 March 2026" in message.text
    assert f"https://sla.example.gov.uk/agreements/{agreement.id}" in message.text
    [filename] = message.attachments()
    text = message.pdf_text(filename)
    assert "Allesley Primary School" in text and "Service Level Agreement" in text


def test_issuing_a_whole_year_sends_each_agreement_once(school, make_school, smtp_server):
    other = make_school(urn=103701, name="Whitley Primary")
    add_census(other, "2025-01", 200)
    contact(other, "head@whitley.example", agreements=True)
    for s in (school, other):
        draft = agreement_service.create_draft(2025, school=s, from_catalogue=False)
        agreement_service.set_lines(draft, [L("SIMS", "subscribed")])
    db.session.commit()
    report = agreement_service.issue_year(2025, "sla@test")
    assert len(report.issued_ids) == 2
    outbox.send_due()
    assert sorted(r.envelope_to[0] for r in smtp_server.received) == ["head@allesley.example", "head@whitley.example"]


def test_an_estimate_links_to_its_authorisation_and_the_authorisation_is_confirmed(school, smtp_server):
    request = adhoc_service.create_request(school, "SR42", "project", "Set up 30 Chromebooks", by="sla@test")
    adhoc_service.set_estimate(request, Decimal("2.5"), 2025, "sla@test")
    outbox.send_due()
    [estimate] = smtp_server.to("head@allesley.example")
    assert estimate.subject == "Estimate for SR42 waiting for your authorisation - Allesley Primary School"
    assert f"https://sla.example.gov.uk/adhoc/{request.id}/authorise" in estimate.text
    assert "2.5 hour(s) at £62.00 an hour" in estimate.text
    assert "SR42" in estimate.pdf_text("estimate-SR42.pdf")
    adhoc_service.authorise(request, name="Jo Head", on=date.today(), via="portal")
    outbox.send_due()
    confirmations = [r for r in smtp_server.received if r.subject.startswith("Authorisation received for SR42")]
    assert {r.envelope_to[0] for r in confirmations} == {SLA_TEAM, "head@allesley.example"}
    assert "Jo Head authorised the ad hoc work SR42" in confirmations[0].text
    assert smtp_server.to("bursar@allesley.example") == []


def test_a_notice_is_acknowledged_in_writing_to_the_school_and_the_sla_team(app, make_school, smtp_server):
    build_priced_world(2026)
    school = make_school(urn=103702, name="Earlsdon Primary")
    add_census(school, "2026-01", 300)
    contact(school, "head@earlsdon.example", notices=True)
    agreement = issue(school, 2026)
    agreement_service.give_notice(agreement, notice_date=date(2026, 9, 1), requested_date=None, given_by="school",
                                  reason="joining a trust", recorded_by="sla@test", today=date(2026, 9, 1))
    outbox.send_due()
    acknowledgements = [r for r in smtp_server.received if r.subject.startswith("Notice of cancellation received")]
    assert {r.envelope_to[0] for r in acknowledgements} == {SLA_TEAM, "head@earlsdon.example"}
    text = acknowledgements[0].text
    assert "Date of notice: 1 September 2026" in text
    assert "Effective date: 30 November 2026" in text
    assert "cancelled with effect from 30 November 2026" in text
    assert "joining a trust" in text


def test_a_refused_notice_queues_nothing(app, make_school, smtp_server):
    build_priced_world(2026)
    school = make_school(urn=103703)
    add_census(school, "2026-01", 300)
    contact(school, "head@x.example", notices=True)
    agreement = issue(school, 2026)
    with pytest.raises(ActionRefused):
        agreement_service.give_notice(agreement, notice_date=date(2026, 5, 1), requested_date=date(2026, 5, 2),
                                      given_by="school", recorded_by="t", today=date(2026, 5, 1))
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.purpose == "notice_acknowledged")) is None


# -- 5. overdue reminders --------------------------------------------------------------------------

@pytest.fixture
def overdue(school):
    issue(school)
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")  # due 10 May 2025
    outbox.send_due()
    return db.session.scalar(select(Invoice))


def _reminders(smtp_server):
    return [r for r in smtp_server.received if r.subject.startswith("Reminder")]


def test_reminders_go_on_the_configured_days_once_each_with_the_statement(overdue, smtp_server, app):
    assert overdue.due_date == date(2025, 5, 10)
    assert reminders.queue_overdue_reminders(date(2025, 5, 16)).queued == []  # 6 days: not yet
    report = reminders.queue_overdue_reminders(date(2025, 5, 17))
    assert report.queued == [(overdue.number, 7)]
    assert reminders.queue_overdue_reminders(date(2025, 5, 20)).queued == []  # day 7 has gone
    outbox.send_due()
    [first] = _reminders(smtp_server)
    assert first.envelope_to == ["bursar@allesley.example"]
    assert f"invoice {overdue.number} is 7 days overdue" in first.subject
    assert "£" in first.subject and "still has" in first.text
    [statement] = first.attachments()
    assert overdue.number in first.pdf_text(statement)
    assert reminders.queue_overdue_reminders(date(2025, 6, 9)).queued == [(overdue.number, 30)]
    assert reminders.queue_overdue_reminders(date(2025, 7, 9)).queued == []
    outbox.send_due()
    assert len(_reminders(smtp_server)) == 2


def test_a_late_pass_sends_only_the_latest_step(overdue, smtp_server):
    assert reminders.queue_overdue_reminders(date(2025, 7, 1)).queued == [(overdue.number, 30)]
    assert reminders.queue_overdue_reminders(date(2025, 7, 2)).queued == []


def test_no_reminder_once_paid_or_credited_even_if_already_queued(overdue, smtp_server, app):
    reminders.queue_overdue_reminders(date(2025, 5, 17))
    invoicing.record_payment(overdue, overdue.gross, date(2025, 5, 18), "BACS 1", "finance@test")
    report = outbox.send_due()
    assert report.failed and "paid or credited" in report.failed[0][3]
    assert _reminders(smtp_server) == []
    assert reminders.queue_overdue_reminders(date(2025, 6, 9)).queued == []


def test_a_credited_invoice_gets_no_reminder(overdue, smtp_server):
    invoicing.issue_credit_note(overdue, "Billed in error", "finance@test", date(2025, 5, 12))
    assert reminders.queue_overdue_reminders(date(2025, 6, 9)).queued == []


def test_the_reminders_command_and_a_bad_schedule(overdue, smtp_server, app):
    result = app.test_cli_runner().invoke(args=["outbox", "reminders", "--date", "2025-05-17"])
    assert result.exit_code == 0 and "1 reminder(s) queued" in result.output
    app.config["OVERDUE_REMINDER_DAYS"] = "7,thirty"
    bad = app.test_cli_runner().invoke(args=["outbox", "reminders", "--date", "2025-06-09"])
    assert bad.exit_code == 1 and "OVERDUE_REMINDER_DAYS" in bad.output
    wrong_date = app.test_cli_runner().invoke(args=["outbox", "reminders", "--date", "9/6/2025"])
    assert wrong_date.exit_code == 2 and "--date" in wrong_date.output


def test_outbox_list_shows_state_and_refuses_an_unknown_state(overdue, app):
    listing = app.test_cli_runner().invoke(args=["outbox", "list", "--state", "sent"])
    assert listing.exit_code == 0 and "invoice_issued to bursar@allesley.example" in listing.output
    assert "message(s) sent" in listing.output
    bad = app.test_cli_runner().invoke(args=["outbox", "list", "--state", "lost"])
    assert bad.exit_code == 1 and "state must be one of queued, sent, failed" in bad.output
    none = app.test_cli_runner().invoke(args=["outbox", "retry", "9999"])
    assert none.exit_code == 1 and "no outbox message 9999" in none.output


def test_never_before_the_due_date(school, smtp_server):
    issue(school)
    invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    assert reminders.queue_overdue_reminders(date(2025, 5, 10) + timedelta(days=6)).queued == []
