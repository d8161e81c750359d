"""Ticket life (issue #31, §6.3-6.4): waiting for the customer, no-response closures, re-opens,
and a ticket continuing another, through the import (service, page, command) and the report."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Ticket, TicketSuspension
from contracts_app.services import servicedesk as service
from pricing.errors import ImportRefused
from servicedesk.ticket_life import TicketLife, reopen_deadline
from servicedesk.ticket_report import CALENDAR

LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
MARCH = service.Period(date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 4, 1, 9, tzinfo=LONDON)
ARGS = "?start=2026-03-01&end=2026-03-31"

# Monday 2 March 2026 onwards; the comments give the desk time that counts.
LOG = """reference,urn,type,priority,logged_at,resolved_at,awaiting_customer,resolved_reason,reopened_at,linked_to
NR-OK,111111,incident,3,2026-03-02T09:00,2026-03-05T10:00,2026-03-02T10:00/2026-03-05T10:00,no_response,,
NR-EARLY,111111,incident,3,2026-03-02T09:00,2026-03-03T10:00,2026-03-02T10:00/2026-03-03T10:00,no_response,,
AGAIN,111111,incident,3,2026-03-09T09:00,2026-03-09T12:00,,fixed,,NR-OK
REOPENED,111111,incident,1,2026-03-02T09:00,2026-03-03T11:00,,fixed,2026-03-02T10:00/2026-03-03T09:00,
PLAIN,111111,incident,1,2026-03-02T09:00,2026-03-03T11:00,,,,
"""


@pytest.fixture
def school(make_school):
    school = make_school(urn=111111, name="Own School")
    service.import_tickets(LOG.encode(), "log.csv", now=NOW)
    return school


def by_ref(report) -> dict:
    return {t.reference: t for t in report.tickets}


def test_waiting_for_the_customer_stops_the_clock_and_counts_working_days(school):
    t = by_ref(service.school_report(school, MARCH, NOW))
    assert t["NR-OK"].clock.elapsed == 1 * H  # 09:00-10:00 Monday; Monday 10:00 - Thursday 10:00 waiting
    assert t["NR-OK"].awaiting_days == 3 and not t["NR-OK"].no_response_early
    assert t["NR-EARLY"].awaiting_days == 1 and t["NR-EARLY"].no_response_early  # §6.3: resolved too soon


def test_a_reopen_within_five_working_days_continues_the_ticket(school):
    t = by_ref(service.school_report(school, MARCH, NOW))
    # 1 h before the resolution, 2 h after the re-open: the night it stood resolved does not count.
    assert (t["REOPENED"].clock.elapsed, t["REOPENED"].outcome, t["REOPENED"].reopens) == (3 * H, "met", 1)
    assert (t["PLAIN"].clock.elapsed, t["PLAIN"].outcome) == (11 * H, "breached")


def test_a_continuation_is_a_new_ticket_with_its_own_clock(school):
    again = by_ref(service.school_report(school, MARCH, NOW))["AGAIN"]
    assert again.life.linked_to == "NR-OK" and again.clock.elapsed == 3 * H


def test_the_report_counts_no_response_closures_and_the_reopen_rate(school, client, login):
    report = service.school_report(school, MARCH, NOW)
    assert [t.reference for t in report.no_response] == ["NR-OK", "NR-EARLY"]
    assert [t.reference for t in report.reopened] == ["REOPENED"] and str(report.reopen_rate) == "20.0"
    login("sla")
    page = client.get("/reports/schools/111111" + ARGS).get_data(as_text=True)
    assert 'id="no-response"' in page and "Resolved too soon" in page and "1.00" in page
    assert "1 of the resolved tickets (20.0%)" in page and "continues NR-OK" in page
    assert "re-opened 1×" in page
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(client.get(
        "/reports/schools/111111/tickets.csv" + ARGS).get_data(as_text=True)))}
    assert (rows["NR-EARLY"]["awaiting_customer_days"], rows["NR-EARLY"]["no_response_early"]) == ("1.00", "yes")
    assert rows["REOPENED"]["reopens"] == "1" and rows["AGAIN"]["linked_to"] == "NR-OK"
    whole = client.get("/reports/" + ARGS).get_data(as_text=True)
    assert 'id="no-response"' in whole and 'id="reopen-rate"' in whole


def test_reimporting_the_log_changes_nothing(school):
    report = service.import_tickets(LOG.encode(), "log.csv", now=NOW)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 5)
    kinds = db.session.scalars(select(TicketSuspension.kind).order_by(TicketSuspension.kind)).all()
    assert kinds == ["customer", "customer", "reopened"]


def test_a_reopen_after_five_working_days_is_refused_naming_its_row(make_school):
    make_school(urn=111111, name="Own School")
    # Resolved Monday 2 March 10:00; five working days end Monday 9 March 10:00; re-opened Tuesday 10 March.
    assert reopen_deadline(CALENDAR, datetime(2026, 3, 2, 10, tzinfo=LONDON)) == datetime(2026, 3, 9, 10,
                                                                                           tzinfo=LONDON)
    late = LOG.replace("2026-03-02T10:00/2026-03-03T09:00", "2026-03-02T10:00/2026-03-10T10:00").replace(
        "REOPENED,111111,incident,1,2026-03-02T09:00,2026-03-03T11:00", "REOPENED,111111,incident,1,"
                                                                        "2026-03-02T09:00,2026-03-10T11:00")
    with pytest.raises(ImportRefused) as caught:
        service.import_tickets(late.encode(), "log.csv", now=NOW)
    db.session.rollback()
    assert ("row 5, column reopened_at: re-opened 2026-03-10 10:00, more than 5 working days after its "
            "resolution at 2026-03-02 10:00 (§6.4): raise a new ticket") in caught.value.message
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize("column, value, message", [
    ("resolved_reason", "gave up", "'gave up' is not one of fixed, workaround, no_response"),
    ("awaiting_customer", "2026-03-01T10:00/2026-03-02T10:00", "interval 1 starts before the ticket was logged"),
    ("awaiting_customer", "2026-03-05T10:00/2026-03-06T10:00", "interval 1 ends after the ticket was resolved"),
    ("reopened_at", "2026-03-02T10:00/", "interval 1 ends after the ticket was resolved"),
    ("linked_to", "PLAIN", "names the ticket itself"),
])
def test_bad_life_cells_are_named(make_school, column, value, message):
    make_school(urn=111111, name="Own School")
    header = "reference,urn,type,priority,logged_at,resolved_at," + column
    text = f"{header}\nPLAIN,111111,incident,1,2026-03-02T09:00,2026-03-03T11:00,{value}\n"
    with pytest.raises(ImportRefused) as caught:
        service.import_tickets(text.encode(), "log.csv", now=NOW)
    db.session.rollback()
    assert f"row 2, column {column}: {message}" in caught.value.message


def test_the_page_and_command_refuse_a_late_reopen(make_school, client, login, app, tmp_path):
    make_school(urn=111111, name="Own School")
    late = LOG.replace("2026-03-02T10:00/2026-03-03T09:00", "2026-03-02T10:00/2026-03-11T09:00").replace(
        "REOPENED,111111,incident,1,2026-03-02T09:00,2026-03-03T11:00", "REOPENED,111111,incident,1,"
                                                                        "2026-03-02T09:00,2026-03-11T11:00")
    login("sla")
    response = client.post("/reports/import", data={"file": (io.BytesIO(late.encode()), "log.csv")})
    assert response.status_code == 400 and "raise a new ticket" in response.get_data(as_text=True)
    path = tmp_path / "log.csv"
    path.write_text(late)
    result = app.test_cli_runner().invoke(args=["tickets", "import", str(path)])
    assert result.exit_code == 1 and "row 5, column reopened_at" in result.output
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_the_life_rules_are_plain_python():
    from servicedesk.clock import Suspension
    from servicedesk.ticket_life import awaiting_days, no_response_too_soon
    monday = datetime(2026, 3, 2, 10, tzinfo=LONDON)
    wait = Suspension(monday, datetime(2026, 3, 4, 16, tzinfo=LONDON))
    assert awaiting_days(CALENDAR, [wait], datetime(2026, 3, 31, tzinfo=LONDON)) == 2 + Fraction(6, 9)
    life = TicketLife((wait,), (), "no_response")
    assert no_response_too_soon(CALENDAR, life, datetime(2026, 3, 4, 16, tzinfo=LONDON))
    assert not no_response_too_soon(CALENDAR, TicketLife((wait,), (), "fixed"), datetime(2026, 3, 4, 16,
                                                                                          tzinfo=LONDON))
