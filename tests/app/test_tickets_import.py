"""`tickets import`: the call logging system's log, all or nothing, updated by reference (§6.6 suspensions)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, Ticket, TicketSuspension
from pricing.errors import ImportRefused
from contracts_app.services.servicedesk import import_tickets
from servicedesk.ticket_log import parse_moment

UTC = timezone.utc
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HEADER = "reference,urn,type,priority,logged_at,resolved_at,suspensions,summary\n"
GOOD = HEADER + (
    "INC-1,111111,incident,1,2026-03-02T09:00,2026-03-02T12:00,,Network down\n"
    "INC-2,111111,Incident,P3,2026-05-04T09:00,,2026-05-04T10:00/2026-05-05T09:00;2026-05-06T11:00/,Printer\n"
    "SR-1,222222,Service Request,,2026-03-02 09:00:00+00:00,2026-03-13T09:00Z,,New starter\n"
    "PRJ-1,222222,project,,2026-03-02T09:00,,,Wi-Fi survey\n"
)


@pytest.fixture
def schools(make_school):
    return make_school(urn=111111, name="Own School"), make_school(urn=222222, name="Other School")


def _import(text: str, now: datetime = NOW):
    return import_tickets(text.encode(), "tickets.csv", now=now)


def _ticket(reference: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


def test_good_file_is_imported(schools):
    report = _import(GOOD)
    assert (report.added, report.updated, report.unchanged) == (4, 0, 0)
    inc1, inc2, sr1, prj = (_ticket(r) for r in ("INC-1", "INC-2", "SR-1", "PRJ-1"))
    assert inc1.school_id == schools[0].id and inc1.type == "incident" and inc1.priority == 1
    # Naive times are London time: 09:00 in March is GMT, in May BST.
    assert inc1.logged_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert inc2.logged_at == datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    assert inc2.priority == 3 and inc2.resolved_at is None
    assert [(s.start, s.end) for s in inc2.suspensions] == [
        (datetime(2026, 5, 4, 9, tzinfo=UTC), datetime(2026, 5, 5, 8, tzinfo=UTC)),
        (datetime(2026, 5, 6, 10, tzinfo=UTC), None)]
    assert sr1.type == "service_request" and sr1.priority is None and sr1.summary == "New starter"
    assert sr1.resolved_at == datetime(2026, 3, 13, 9, tzinfo=UTC)
    assert prj.type == "project"
    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.entity_type == "Ticket")) == \
        "ticket import from tickets.csv: 4 added, 0 updated, 0 unchanged"


def test_reimport_updates_by_reference(schools):
    _import(GOOD)
    again = GOOD.replace("2026-05-04T10:00/2026-05-05T09:00;2026-05-06T11:00/",
                         "2026-05-04T10:00/2026-05-05T09:00") \
                .replace("INC-2,111111,Incident,P3,2026-05-04T09:00,,", "INC-2,111111,Incident,P3,2026-05-04T09:00,"
                                                                     "2026-05-07T09:00,") \
                .replace("Wi-Fi survey", "Wi-Fi survey (phase 2)")
    report = _import(again + "INC-9,111111,incident,4,2026-05-11T09:00,,,New\n")
    assert (report.added, report.updated, report.unchanged) == (1, 2, 2)
    assert db.session.scalar(select(func.count(Ticket.id))) == 5
    inc2 = _ticket("INC-2")
    assert inc2.resolved_at == datetime(2026, 5, 7, 8, tzinfo=UTC)
    assert [(s.start, s.end) for s in inc2.suspensions] == [
        (datetime(2026, 5, 4, 9, tzinfo=UTC), datetime(2026, 5, 5, 8, tzinfo=UTC))]
    assert db.session.scalar(select(func.count(TicketSuspension.id))) == 1  # the replaced one is gone
    assert _ticket("PRJ-1").summary == "Wi-Fi survey (phase 2)"
    back = _import(GOOD)  # as it was: INC-2 and PRJ-1 change back
    assert (back.added, back.updated, back.unchanged) == (0, 2, 2)
    assert _import(GOOD).unchanged == 4


def test_school_urn_column_and_extra_columns(schools):
    text = "Reference,School URN,Type,Priority,Logged At,Resolved At,Assigned To\n" \
           "INC-1,111111,incident,2,2026-03-02T09:00,2026-03-02T10:00,Sam\n"
    report = _import(text)
    assert report.added == 1 and report.ignored_columns == ["assigned_to"]
    assert "columns ignored: assigned_to" in report.summary()


BAD_ROWS = [
    ("INC-1,111111,incident,1,2026-03-02T09:00,2026-03-02T12:00,,\nINC-1,111111,incident,1,2026-03-02T09:00,,,\n",
     "row 3, column reference: INC-1 appears twice (also on row 2)"),
    (",111111,incident,1,2026-03-02T09:00,,,\n", "row 2, column reference: is empty"),
    ("INC-1,999999,incident,1,2026-03-02T09:00,,,\n", "row 2, column urn: no school with URN 999999 in the register"),
    ("INC-1,abc,incident,1,2026-03-02T09:00,,,\n", "row 2, column urn: 'abc' is not a URN"),
    ("INC-1,111111,fault,1,2026-03-02T09:00,,,\n",
     "row 2, column type: 'fault' is not a ticket type (incident, service_request or project)"),
    ("INC-1,111111,incident,,2026-03-02T09:00,,,\n",
     "row 2, column priority: is empty: an incident needs a priority 1-4 (§6.2)"),
    ("INC-1,111111,incident,5,2026-03-02T09:00,,,\n", "row 2, column priority: '5' is not a priority 1-4"),
    ("INC-1,111111,incident,1,,,,\n", "row 2, column logged_at: is empty"),
    ("INC-1,111111,incident,1,02/03/2026 09:00,,,\n",
     "row 2, column logged_at: '02/03/2026 09:00' is not an ISO 8601 date and time"),
    ("INC-1,111111,incident,1,2026-03-02,,,\n", "row 2, column logged_at: '2026-03-02' has no time of day"),
    ("INC-1,111111,incident,1,2026-03-29T01:30,,,\n",
     "row 2, column logged_at: '2026-03-29T01:30' does not exist in Europe/London (the clocks went forward)"),
    ("INC-1,111111,incident,1,2026-07-01T09:00,,,\n", "row 2, column logged_at: 2026-07-01 09:00 is in the future"),
    ("INC-1,111111,incident,1,2026-03-02T09:00,2026-03-02T08:00,,\n",
     "row 2, column resolved_at: is before the ticket was logged"),
    ("INC-1,111111,incident,1,2026-03-02T09:00,2026-03-02T12:00,2026-03-02T08:00/2026-03-02T10:00,\n",
     "row 2, column suspensions: suspension 1 starts before the ticket was logged"),
    ("INC-1,111111,incident,1,2026-03-02T09:00,2026-03-02T12:00,2026-03-02T10:00/2026-03-02T13:00,\n",
     "row 2, column suspensions: suspension 1 ends after the ticket was resolved"),
    ("INC-1,111111,incident,1,2026-03-02T09:00,2026-03-02T12:00,2026-03-02T10:00/,\n",
     "row 2, column suspensions: suspension 1 has no end, but the ticket is resolved"),
    ("INC-1,111111,incident,1,2026-03-02T09:00,,2026-03-02T10:00/2026-03-02T09:30,\n",
     "row 2, column suspensions: suspension 1 ends (2026-03-02T09:30) before it starts (2026-03-02T10:00)"),
    ("INC-1,111111,incident,1,2026-03-02T09:00,,2026-03-02T10:00;2026-03-02T11:00/,\n",
     "row 2, column suspensions: suspension 1 ('2026-03-02T10:00') is not start/end"),
    ("INC-1,111111,incident,1,2026-03-02T09:00,,2026-03-02T10:00/2026-03-0X,\n",
     "row 2, column suspensions: suspension 1: '2026-03-0X' is not an ISO 8601 date and time"),
]


@pytest.mark.parametrize("rows, message", BAD_ROWS)
def test_bad_rows_are_refused_whole_and_change_nothing(schools, rows, message):
    _import(HEADER + "KEEP-1,111111,incident,2,2026-03-02T09:00,2026-03-02T10:00,,kept\n")
    # A good row before the bad one is not written either.
    text = HEADER + "NEW-1,111111,incident,2,2026-03-03T09:00,,,\n" + rows
    with pytest.raises(ImportRefused) as refused:
        _import(text)
    shifted = message.replace("row 3", "row 4").replace("row 2", "row 3")
    assert shifted in refused.value.message, refused.value.message
    assert "nothing was changed" in refused.value.message
    db.session.rollback()
    assert db.session.scalars(select(Ticket.reference)).all() == ["KEEP-1"]
    assert _ticket("KEEP-1").resolved_at == datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_every_problem_is_listed(schools):
    text = HEADER + "A,111111,fault,1,2026-03-02T09:00,,,\nB,999999,incident,9,yesterday,,,\n"
    with pytest.raises(ImportRefused) as refused:
        _import(text)
    found = [str(p) for p in refused.value.problems]
    assert found == ["row 2, column type: 'fault' is not a ticket type (incident, service_request or project)",
                     "row 3, column urn: no school with URN 999999 in the register",
                     "row 3, column priority: '9' is not a priority 1-4",
                     "row 3, column logged_at: 'yesterday' is not an ISO 8601 date and time (e.g. 2026-05-01T09:30)"]


@pytest.mark.parametrize("text, message", [
    ("reference,urn,type\nA,1,incident\n", "row 1, column priority: missing column: this is not a ticket log"),
    (HEADER, "the file has no ticket rows"),
    ("", "the file is empty"),
])
def test_files_that_are_not_ticket_logs(schools, text, message):
    with pytest.raises(ImportRefused) as refused:
        _import(text)
    assert message in refused.value.message


def test_parse_moment_offsets_and_the_autumn_hour():
    assert parse_moment("2026-10-25T01:30") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # first (BST) 01:30
    assert parse_moment("2026-10-25T01:30+00:00") == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert parse_moment("2026-06-01 09:15:30") == datetime(2026, 6, 1, 8, 15, 30, tzinfo=UTC)


# --- the command ---------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_import_command(app, schools, tmp_path: Path):
    good = tmp_path / "tickets.csv"
    good.write_text(GOOD)
    result = run(app, "tickets", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "Ticket import from tickets.csv: 4 added, 0 updated, 0 unchanged." in result.output
    assert "4 unchanged" in run(app, "tickets", "import", str(good)).output


def test_import_command_refuses_a_bad_file_without_traceback(app, schools, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "INC-1,111111,incident,7,2026-03-02T09:00,,,\n")
    result = run(app, "tickets", "import", str(bad))
    assert result.exit_code == 1
    assert "bad.csv: import refused, nothing was changed" in result.output
    assert "row 2, column priority: '7' is not a priority 1-4" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(Ticket)) is None
    missing = run(app, "tickets", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_import_command_help_documents_the_format(app):
    result = run(app, "tickets", "import", "--help")
    assert "reference,urn,type,priority,logged_at,resolved_at[,suspensions][,summary]" in result.output
    assert "2026-05-01T10:00/2026-05-02T09:00;2026-05-04T11:00/" in result.output
