"""§11.1 standards measured (issue #31): the call and email logs through every door (service,
page, command), and the figures in the KPI report (page, PDF, CSV, portal, command)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import DeskContact
from contracts_app.services import servicedesk as service
from contracts_app.services.servicedesk import standards
from pricing.errors import ImportRefused
from tests.app.test_frozen_levels import issue, world  # noqa: F401 - the fixture: v1.0 maintained, v3.0 academy

LONDON = ZoneInfo("Europe/London")
MARCH = service.Period(date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 4, 1, 9, tzinfo=LONDON)
ARGS = "?start=2026-03-01&end=2026-03-31"


def call_log() -> str:
    """100 calls on Monday 2 March 2026, answered after 0, 1, ..., 99 seconds, alternately the
    academy's (URN 140001: 20 s standard) and the maintained school's (103700: 60 s); two unknown callers."""
    lines = ["called_at,answered_at,abandoned,urn,reference"]
    start = datetime(2026, 3, 2, 9)
    for n in range(100):
        rang = start + timedelta(minutes=n)
        urn = 140001 if n % 2 == 0 else 103700
        lines.append(f"{rang:%Y-%m-%dT%H:%M:%S},{rang + timedelta(seconds=n):%Y-%m-%dT%H:%M:%S},,{urn},C{n}")
    lines.append("2026-03-03T09:00:00,,yes,,C-ABANDONED")
    lines.append("2026-03-03T09:05:00,2026-03-03T09:05:10,,,C-UNKNOWN")
    return "\n".join(lines) + "\n"


EMAILS = """received_at,first_response_at,urn,reference
2026-03-02T10:00,2026-03-03T09:59,140001,M1
2026-03-05T16:45,2026-03-06T16:25,140001,M2
2026-03-06T18:00,2026-03-10T09:00,103700,M3
2026-03-31T16:00,,103700,M4
"""


@pytest.fixture
def logged(world):
    maintained, academy, _ = world
    issue(maintained), issue(academy)
    now = datetime(2026, 4, 1, 8, tzinfo=LONDON)
    standards.import_calls(call_log().encode(), "calls.csv", now=now)
    standards.import_emails(EMAILS.encode(), "emails.csv", now=now)
    return maintained, academy


def count(channel: str) -> int:
    return db.session.scalar(select(func.count()).select_from(DeskContact).where(DeskContact.channel == channel))


def test_each_school_against_its_own_versions_call_standard(logged):
    maintained, academy = logged
    own = service.school_report(academy, MARCH, NOW).standards.total.calls
    assert (own.within, own.decided, own.percent, own.limits, own.met) == (11, 50, Decimal("22.0"),
                                                                           frozenset({20}), False)
    other = service.school_report(maintained, MARCH, NOW).standards.total.calls
    assert (other.within, other.decided, other.percent, other.limits) == (30, 50, Decimal("60.0"), frozenset({60}))
    whole = service.service_report(MARCH, NOW).standards
    # Unknown callers: the default version's 60 s; the abandoned call is not answered in time.
    assert (whole.total.calls.within, whole.total.calls.decided) == (11 + 30 + 1, 102)
    # The furthest below a target first: the maintained school's emails (0% of 95%) before the academy's calls.
    assert [s.urn for s in whole.schools] == [103700, 140001]


def test_emails_within_one_business_day(logged):
    maintained, academy = logged
    emails = service.school_report(academy, MARCH, NOW).standards.total.emails
    assert (emails.within, emails.decided, emails.target) == (2, 2, Decimal("95"))  # Thu 16:45 -> Fri 16:30
    late = service.school_report(maintained, MARCH, NOW).standards.total.emails
    # M3: Friday evening, due by Monday 17:00, replied Tuesday; M4 is waiting (due Wednesday 1 April 16:00).
    assert (late.within, late.late, late.waiting, late.met) == (0, 1, 1, False)


def test_imports_are_all_or_nothing_and_idempotent(logged):
    assert count("call") == 102 and count("email") == 4
    again = standards.import_calls(call_log().encode(), "calls.csv", now=NOW)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 102)
    changed = EMAILS.replace("2026-03-31T16:00,,", "2026-03-31T16:00,2026-04-01T08:30,")
    assert standards.import_emails(changed.encode(), "emails.csv", now=NOW).updated == 1
    bad = call_log().replace("C5\n", "C5\n2026-03-04T09:00:00,,,999999,C-BAD\n")
    with pytest.raises(ImportRefused) as caught:
        standards.import_calls(bad.encode(), "calls.csv", now=NOW)
    db.session.rollback()
    assert "row 8, column urn: no school with URN 999999" in caught.value.message
    assert "row 8, column answered_at: is empty" in caught.value.message and count("call") == 102
    with pytest.raises(ImportRefused, match="missing column: this is not an email log"):
        standards.import_emails(b"when,who\n2026-03-02T10:00,1\n", "x.csv", now=NOW)


def test_the_import_pages(world, client, login):
    login("sla")
    page = client.get("/reports/calls/import")
    assert page.status_code == 200 and "called_at" in page.get_data(as_text=True)
    ok = client.post("/reports/emails/import", data={"file": (io.BytesIO(EMAILS.replace(",140001,", ",,").replace(
        ",103700,", ",,").encode()), "mail.csv")}, follow_redirects=True)
    assert "Emails imported: 4 added, 0 updated, 0 unchanged." in ok.get_data(as_text=True)
    refused = client.post("/reports/calls/import", data={"file": (io.BytesIO(b"called_at\n2026-03-02T09:00\n"),
                                                                   "calls.csv")})
    assert refused.status_code == 400 and "row 2, column answered_at: is empty" in refused.get_data(as_text=True)
    assert count("call") == 0
    assert client.get("/reports/faxes/import").status_code == 404  # the other roles: tests/app/access_areas


def test_the_commands(world, app, tmp_path):
    maintained, academy, _ = world
    issue(maintained), issue(academy)
    runner = app.test_cli_runner()
    calls = tmp_path / "calls.csv"
    calls.write_text(call_log())
    result = runner.invoke(args=["calls", "import", str(calls)])
    assert result.exit_code == 0 and "Call import from calls.csv: 102 added" in result.output
    emails = tmp_path / "emails.csv"
    emails.write_text(EMAILS.replace("2026-03-02T10:00,", "2026-03-02T10:00,2026-03-01T10:00,", 1)
                      .replace("received_at,first_response_at", "received_at,first_response_at,extra", 1))
    refused = runner.invoke(args=["emails", "import", str(emails)])
    assert refused.exit_code == 1 and "row 2" in refused.output and count("email") == 0
    emails.write_text(EMAILS)
    assert runner.invoke(args=["emails", "import", str(emails)]).exit_code == 0
    out = tmp_path / "standards.csv"
    report = runner.invoke(args=["tickets", "report", "--school", "140001", "--from", "2026-03-01", "--to",
                                 "2026-03-31", "--standards-csv", str(out)])
    assert report.exit_code == 0, report.output
    assert "Total            calls answered within 20 seconds: 11 of 50 22.0% (target 80%)  not met" in report.output
    assert "emails replied to within 1 business day: 2 of 2 100.0% (target 95%)  met" in report.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows[0]["month"] == "Total" and rows[0]["measured_against"] == "20 seconds"


def test_the_report_page_pdf_and_csv(logged, client, login):
    login("sla")
    page = client.get("/reports/" + ARGS).get_data(as_text=True)
    assert 'id="standards-table"' in page and 'id="standards-schools"' in page and "20 or 60 seconds" in page
    school = client.get("/reports/schools/140001" + ARGS).get_data(as_text=True)
    assert "11 of 50" in school and "22.0%" in school and "20 seconds, 80%" in school
    pdf = client.get("/reports/schools/140001/report.pdf" + ARGS)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Calls and emails (SLA §11.1)" in text and "11 of 50" in text and "20 seconds" in text
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/standards.csv" + ARGS).get_data(as_text=True))))
    assert {(r["school_urn"], r["standard"], r["percent_within"]) for r in rows if r["month"] == "Total"} >= {
        ("140001", "calls answered", "22.0"), ("103700", "calls answered", "60.0")}


def test_a_school_sees_its_own_figures_in_the_portal(logged, client, login):
    maintained, academy = logged
    login("school", school=academy)
    page = client.get("/reports/schools/140001" + ARGS).get_data(as_text=True)
    assert "11 of 50" in page and "30 of 50" not in page
    own = client.get("/reports/schools/140001/standards.csv" + ARGS).get_data(as_text=True)
    assert "140001" in own and "103700" not in own
    assert client.get("/reports/schools/103700/standards.csv" + ARGS).status_code == 404
    assert client.get("/reports/standards.csv" + ARGS).status_code == 403
