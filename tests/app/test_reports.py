"""SLA performance reports on a made-up log: the clock per ticket (§5.3, §6.2, §6.6, §7.2)
and the figures against the 95% KPI (§11.1), on the pages, chart, CSV, PDF and command."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, SchoolGroup, SlaTemplate, Ticket
from servicedesk.export import EXPORT_COLUMNS
from contracts_app.services import servicedesk as service
from servicedesk import ACADEMY_2018_19, SLA_2022_23, Tally

LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
MARCH = service.Period(date(2026, 3, 1), date(2026, 3, 31))
# Wednesday 1 April 2026, 09:00: "now" for the open ticket.
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=LONDON)

# Monday 2 March 2026 onwards (GMT), London times. Comments give the desk time taken.
OWN_LOG = """reference,urn,type,priority,logged_at,resolved_at,suspensions,summary
P1-MET,111111,incident,1,2026-03-02T09:00,2026-03-02T12:00,,3 h of 4
P1-LATE,111111,incident,1,2026-03-02T14:00,2026-03-03T10:00,,3 h Monday + 2 h Tuesday = 5 h of 4
P1-THIRD,111111,incident,1,2026-03-02T15:00,2026-03-03T11:00,2026-03-02T16:00/2026-03-03T09:00,3 h; 2 h with a supplier
P2-EVENING,111111,incident,2,2026-03-06T18:00,2026-03-09T14:30,,logged Friday evening: clock from Monday 08:00
P3-ON-TIME,111111,incident,3,2026-03-02T10:00,2026-03-05T10:00,,exactly 3 working days
P3-LATE,111111,incident,3,2026-03-02T10:00,2026-03-05T11:00,,an hour over
P4-MET,111111,incident,4,2026-03-03T09:00,2026-03-09T09:00,,4 working days of 5
SR-MET,111111,service_request,,2026-03-02T09:00,2026-03-13T09:00,,9 desk days of 10
SR-LATE,111111,service_request,2,2026-03-02T09:00,2026-03-17T09:00,,11 desk days of 10
PRJ-1,111111,project,,2026-03-02T09:00,2026-03-31T12:00,,agreed with the school
P4-OPEN,111111,incident,4,2026-03-30T09:00,,,open over Easter
"""
OTHER_LOG = """reference,urn,type,priority,logged_at,resolved_at
OTHER-1,222222,incident,3,2026-03-10T09:00,2026-03-10T12:00
OTHER-2,222222,incident,3,2026-03-11T09:00,2026-03-12T09:00
OUTSIDE,222222,incident,3,2026-04-01T08:30,2026-04-01T08:45
"""


def load_log(make_school) -> tuple:
    """The made-up log: Own School (URN 111111) and Other School (URN 222222)."""
    own = make_school(urn=111111, name="Own School")
    other = make_school(urn=222222, name="Other School")
    now = datetime(2026, 4, 1, 12, tzinfo=LONDON)
    service.import_tickets(OWN_LOG.encode(), "own.csv", now=now)
    service.import_tickets(OTHER_LOG.encode(), "other.csv", now=now)
    return own, other


@pytest.fixture
def log(make_school):
    return load_log(make_school)


def _by_ref(report) -> dict:
    return {t.reference: t for t in report.tickets}


# --- the clock per ticket -------------------------------------------------------------


def test_each_ticket_against_its_target(log):
    t = _by_ref(service.school_report(log[0], MARCH, NOW))
    outcomes = {ref: m.outcome for ref, m in t.items()}
    assert outcomes == {"P1-MET": "met", "P1-LATE": "breached", "P1-THIRD": "met", "P2-EVENING": "met",
                        "P3-ON-TIME": "met", "P3-LATE": "breached", "P4-MET": "met", "SR-MET": "met",
                        "SR-LATE": "breached", "PRJ-1": "agreed", "P4-OPEN": "open"}
    assert t["P1-MET"].clock.elapsed == 3 * H and t["P1-LATE"].clock.elapsed == 5 * H
    assert t["SR-LATE"].priority == 2 and t["SR-LATE"].clock.target.label == "10 service desk days"


def test_priorities_have_their_own_targets(log):
    t = _by_ref(service.school_report(log[0], MARCH, NOW))
    assert [t[r].clock.target.label for r in ("P1-MET", "P2-EVENING", "P3-LATE", "P4-MET")] == [
        "0-4 service desk hours", "0-7 service desk hours", "0-3 working days", "0-5 working days"]
    assert t["P1-MET"].clock.allowance == 4 * H and t["P2-EVENING"].clock.allowance == 7 * H
    assert t["P3-ON-TIME"].clock.allowance == 27 * H  # Monday 10:00 to Thursday 10:00


def test_third_party_time_is_excluded(log):
    third = _by_ref(service.school_report(log[0], MARCH, NOW))["P1-THIRD"].clock
    assert third.suspended == 2 * H  # Monday 16:00-17:00 and Tuesday 08:00-09:00
    assert third.elapsed == 3 * H and third.met is True
    assert third.deadline == datetime(2026, 3, 3, 12, tzinfo=LONDON)  # Tuesday 10:00 pushed two desk hours later


def test_logged_out_of_hours_starts_at_the_next_opening(log):
    evening = _by_ref(service.school_report(log[0], MARCH, NOW))["P2-EVENING"]
    assert evening.clock.started_at == datetime(2026, 3, 9, 8, tzinfo=LONDON)
    assert evening.clock.elapsed == timedelta(hours=6, minutes=30) and evening.clock.met


def test_open_ticket_has_time_left_past_the_easter_closure(log):
    open_ticket = _by_ref(service.school_report(log[0], MARCH, NOW))["P4-OPEN"].clock
    # 5 working days from Monday 30 March skip Good Friday and Easter Monday.
    assert open_ticket.deadline == datetime(2026, 4, 8, 9, tzinfo=LONDON)
    assert open_ticket.elapsed == 18 * H and open_ticket.remaining == 27 * H
    later = _by_ref(service.school_report(log[0], MARCH, datetime(2026, 4, 8, 10, tzinfo=LONDON)))["P4-OPEN"]
    assert later.outcome == "breached" and later.clock.remaining == -H


# --- report figures ---------------------------------------------------------------------


def test_school_report_figures(log):
    report = service.school_report(log[0], MARCH, NOW)
    assert report.sla.by_priority == {1: Tally(3, 3, 2, 1), 2: Tally(1, 1, 1, 0), 3: Tally(2, 2, 1, 1),
                                      4: Tally(2, 1, 1, 0)}
    assert [(line.key, line.tally.percent_met) for line in report.lines] == [
        ("P1", Decimal("66.7")), ("P2", Decimal("100.0")), ("P3", Decimal("50.0")), ("P4", Decimal("100.0")),
        ("incident", Decimal("71.4")), ("service_request", Decimal("50.0")), ("kpi", Decimal("66.7"))]
    assert report.kpi == Tally(count=10, resolved=9, met=6, breached=3) and report.kpi.kpi_met is False
    assert report.projects == Tally(count=1, resolved=1)
    assert [t.reference for t in report.breached] == ["SR-LATE", "P3-LATE", "P1-LATE"]  # in logged order
    assert [t.reference for t in report.open_tickets] == ["P4-OPEN"]
    assert report.months == ((date(2026, 3, 1), Tally(10, 9, 6, 3)),)
    assert report.targets_used == ["SLA 2022/23"]


def test_whole_service_report_figures(log):
    report = service.service_report(MARCH, NOW)
    assert report.kpi == Tally(count=12, resolved=11, met=8, breached=3)
    assert report.kpi.percent_met == Decimal("72.7")
    assert "OUTSIDE" not in _by_ref(report)  # logged on 1 April, after the period
    assert [(s.urn, s.tally.percent_met) for s in report.schools] == [(111111, Decimal("66.7")),
                                                                      (222222, Decimal("100.0"))]


def test_period_boundaries_are_london_days(log):
    # 1 April 08:30 BST is 07:30 UTC on 1 April: in April, not March, whatever the server's zone.
    april_first = service.Period(date(2026, 4, 1), date(2026, 4, 1))
    assert [t.reference for t in service.service_report(april_first, NOW + 3 * H).tickets] == ["OUTSIDE"]
    with pytest.raises(service.ActionRefused, match="ends .* before it starts"):
        service.Period(date(2026, 4, 2), date(2026, 4, 1))


# --- whose targets ----------------------------------------------------------------------


def _template(version: str, targets) -> SlaTemplate:
    template = SlaTemplate(version=version, markdown="# SLA", status="published", targets=targets)
    db.session.add(template)
    db.session.commit()
    return template


def _agreement(school=None, group=None, template=None, status="active", year=2025) -> Agreement:
    agreement = Agreement(sla_year=year, school=school, group=group, status=status, term_start=date(year, 4, 1),
                          term_end=date(year + 1, 3, 31), customer_type="academy", template=template)
    db.session.add(agreement)
    db.session.commit()
    return agreement


def test_targets_come_from_the_agreements_template_version(log):
    own, other = log
    _agreement(own, template=_template("2018.1", ACADEMY_2018_19.to_dict()))
    _agreement(other, template=_template("2022.1", None))  # a template without targets: the default
    t = _by_ref(service.school_report(own, MARCH, NOW))
    assert t["P1-MET"].targets == "Academy 2018/19"
    assert t["P1-MET"].clock.target.label == "0-2 service desk hours" and t["P1-MET"].outcome == "breached"
    assert _by_ref(service.school_report(other, MARCH, NOW))["OTHER-1"].targets == "SLA 2022/23"
    report = service.service_report(MARCH, NOW)
    assert report.targets_used == ["Academy 2018/19", "SLA 2022/23"]


def test_group_agreement_and_drafts(log):
    own, other = log
    group = SchoolGroup(name="Federation", schools=[own])
    db.session.add(group)
    db.session.commit()
    _agreement(group=group, template=_template("2018.1", ACADEMY_2018_19.to_dict()))
    _agreement(other, template=_template("2018.2", ACADEMY_2018_19.to_dict()), status="draft")
    assert _by_ref(service.school_report(own, MARCH, NOW))["P1-MET"].targets == "Academy 2018/19"
    assert _by_ref(service.school_report(other, MARCH, NOW))["OTHER-1"].targets == "SLA 2022/23"


def test_an_academys_ticket_is_measured_against_its_imported_academy_version(log, client, login):
    """Issue #15 item 15: the academy SLA (seed 002) promises P1 0-2 h; a 3-hour P1 breaches it."""
    from contracts_app.services import documents
    from tests.documents.samples import academy_markdown
    own, other = log
    documents.ensure_default()
    academy = documents.import_template(academy_markdown().encode(), "academy.md", "sla@test", "academy").template
    documents.publish(academy, "sla@test")
    _agreement(own, template=academy)
    _agreement(other, template=documents.current("maintained"))
    t = _by_ref(service.school_report(own, MARCH, NOW))
    assert t["P1-MET"].targets == "SLA template v3.0"
    assert t["P1-MET"].clock.target.label == "0-2 service desk hours" and t["P1-MET"].outcome == "breached"
    assert t["P2-EVENING"].clock.target.label == "0-6 service desk hours"
    assert t["P4-MET"].clock.target.label == "5 service desk days"
    measured = _by_ref(service.school_report(other, MARCH, NOW))["OTHER-1"]
    assert (measured.targets, measured.clock.target.label) == ("SLA 2022/23", "0-3 working days")
    login("sla")
    page = client.get("/reports/schools/111111" + ARGS).get_data(as_text=True)
    assert "Targets: SLA template v3.0." in page


def test_the_kpi_verdict_uses_the_share_the_agreements_version_promises(log, client, login):
    """Issue #15 item 15: §11.1's share is the version's own: 60% within SLA meets a 60% promise."""
    targets = SLA_2022_23.to_dict()
    targets["kpi"]["resolved_percent"] = "60"
    _agreement(log[0], template=_template("2.0", targets))
    report = service.school_report(log[0], MARCH, NOW)
    assert report.kpi_percent == Decimal("60") and report.kpi.kpi_met is True
    assert service.school_report(log[1], MARCH, NOW).kpi_percent == Decimal("95")
    login("school", school=log[0])
    html = client.get("/reports/schools/111111" + ARGS).get_data(as_text=True)
    assert 'id="kpi-percent">60.0%' in html and "KPI 60%: Met" in html


def test_unreadable_template_targets_are_reported_not_fatal(log):
    _agreement(log[0], template=_template("9.9", {"name": "Broken", "incident": {"1": {"kind": "desk_hours"}}}))
    report = service.school_report(log[0], MARCH, NOW)
    assert report.targets_used == ["SLA 2022/23"]
    assert len(report.warnings) == 1 and report.warnings[0].startswith("SLA template v9.9 has targets that cannot")


def test_report_queries_do_not_grow_with_tickets(app, log):
    from sqlalchemy import event

    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        service.service_report(MARCH, NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    # Tickets, their pauses, the agreements (and group members), the §11.1 calls and emails, the §6.5 MIRs.
    assert len(statements) <= 6, statements


# --- pages ---------------------------------------------------------------------------------

ARGS = "?start=2026-03-01&end=2026-03-31"


def test_staff_see_the_whole_service(client, login, log):
    login("finance")
    page = client.get("/reports/" + ARGS)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Seen now, the open P4 ticket is long past its target (8 April 2026): 8 of 12 within SLA.
    assert 'id="kpi-percent">66.7%' in html
    assert 'src="/reports/chart.svg?start=2026-03-01&amp;end=2026-03-31"' in html
    assert html.index("Own School") < html.index("Other School")  # furthest below target first
    breached = html.split('id="breached-tickets"')[1]
    assert "SR-LATE" in breached and "P4-OPEN" in breached and "Open, overdue by" in breached
    export = client.get("/reports/tickets.csv" + ARGS)
    assert export.headers["Content-Disposition"] == \
        "attachment; filename=sla-tickets-all-schools-2026-03-01_2026-03-31.csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert len(rows) == 13 and {r["school_urn"] for r in rows} == {"111111", "222222"}


def test_school_report_page(client, login, log):
    login("school", school=log[0])
    html = client.get("/reports/schools/111111" + ARGS).get_data(as_text=True)
    assert "Service report: Own School" in html
    assert 'id="kpi-percent">60.0%' in html and "KPI 95%: Not met" in html  # P4-OPEN is overdue now
    assert 'href="/reports/schools/111111/report.pdf?start=2026-03-01&amp;end=2026-03-31"' in html
    assert "Other School" not in html
    assert client.get("/reports/schools/222222" + ARGS).status_code == 404


def test_portal_takes_a_school_user_to_its_report(client, login, log, make_user):
    login("school", school=log[0])
    response = client.get("/reports/mine")
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/schools/111111")


def test_portal_lets_a_group_user_choose(client, login, log, make_user):
    group = SchoolGroup(name="Federation", schools=list(log))
    db.session.add(group)
    db.session.commit()
    login(make_user("school", email="trust@test.example", group=group))
    html = client.get("/reports/mine").get_data(as_text=True)
    assert "/reports/schools/111111" in html and "/reports/schools/222222" in html


@pytest.mark.parametrize("query, message", [
    ("?start=2026-13-01", "&#39;2026-13-01&#39; is not a date: give it as YYYY-MM-DD"),
    ("?start=2026-04-01&end=2026-03-01", "The period ends (1 March 2026) before it starts (1 April 2026)."),
    ("?start=1066-10-14", "outside the years 2000-2100"),
    ("?start=2000-01-01&end=2026-03-01", "longer than 10 years"),
])
def test_bad_periods_are_named(client, login, log, query, message):
    login("sla")
    for url in ("/reports/", "/reports/schools/111111"):
        response = client.get(url + query)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True), url
    for url in ("/reports/chart.svg", "/reports/schools/111111/report.pdf", "/reports/tickets.csv"):
        response = client.get(url + query)
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and "The report period is not valid" in text and message in text


def test_chart_is_an_svg_with_its_own_policy(client, login, log):
    login("sla")
    response = client.get("/reports/schools/111111/chart.svg" + ARGS)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    svg = response.get_data(as_text=True)
    assert svg.startswith("<?xml") and "<svg" in svg and "60.0%" in svg and "KPI: 95%" in svg
    assert "kozea.github.io" not in svg  # no script from a CDN
    page = client.get("/reports/schools/111111" + ARGS)
    assert "style-src 'self'" in page.headers["Content-Security-Policy"]  # pages keep the strict policy


def test_csv_export(client, login, log):
    login("school", school=log[0])
    response = client.get("/reports/schools/111111/tickets.csv" + ARGS)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=sla-tickets-111111-2026-03-01_2026-03-31.csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    third = next(r for r in rows if r["reference"] == "P1-THIRD")
    assert third == {**third, "school_urn": "111111", "type": "incident", "priority": "1",
                     "logged_at": "2026-03-02T15:00+00:00", "resolved_at": "2026-03-03T11:00+00:00",
                     "target": "0-4 service desk hours", "target_table": "SLA 2022/23", "target_hours": "4.00",
                     "elapsed_hours": "3.00", "third_party_hours": "2.00", "deadline": "2026-03-03T12:00+00:00",
                     "outcome": "met", "time_left_hours": ""}
    evening = next(r for r in rows if r["reference"] == "P2-EVENING")
    assert evening["clock_started_at"] == "2026-03-09T08:00+00:00" and evening["elapsed_hours"] == "6.50"
    assert len(rows) == 11


def test_csv_export_keeps_formulas_as_text(app, make_school):
    make_school(urn=111111)
    service.import_tickets(b"reference,urn,type,priority,logged_at,resolved_at,summary\n"
                           b"X-1,111111,incident,3,2026-03-02T09:00,,=HYPERLINK(\"http://x\")\n", "x.csv")
    from servicedesk.export import export_csv

    report = service.service_report(MARCH)
    assert "'=HYPERLINK" in export_csv(report.tickets).decode()


def test_pdf_report(client, login, log):
    login("school", school=log[0])
    response = client.get("/reports/schools/111111/report.pdf" + ARGS)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=sla-report-111111-2026-03-01_2026-03-31.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "SLA performance report" in text and "Own School (URN 111111)" in text
    assert "1 March 2026 to 31 March 2026" in text
    assert "6 of 10 incidents and service requests decided in the period were completed within SLA: 60.0%" in text
    assert "Breached tickets (4)" in text and "SR-LATE" in text and "P1-LATE" in text
    assert "Open tickets (1)" in text and "P4-OPEN" in text
    assert "All tickets in the period (11)" in text and "P2-EVENING" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert "Other School" not in text


# --- the import page ----------------------------------------------------------------------


def test_import_page(client, login, make_school):
    make_school(urn=111111)
    login("sla")
    assert "reference" in client.get("/reports/import").get_data(as_text=True)
    good = client.post("/reports/import", data={"file": (io.BytesIO(
        b"reference,urn,type,priority,logged_at,resolved_at\nA-1,111111,incident,2,2026-03-02T09:00,\n"),
        "log.csv")}, content_type="multipart/form-data")
    assert good.status_code == 302
    assert "1 added" in client.get("/reports/import").get_data(as_text=True)
    bad = client.post("/reports/import", data={"file": (io.BytesIO(
        b"reference,urn,type,priority,logged_at,resolved_at\nA-2,111111,incident,9,2026-03-02T09:00,\n"),
        "log.csv")}, content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "row 2, column priority: &#39;9&#39; is not a priority 1-4" in bad.get_data(as_text=True)
    assert db.session.scalars(select(Ticket.reference)).all() == ["A-1"]
    empty = client.post("/reports/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Choose the CSV file to import." in empty.get_data(as_text=True)


# --- the command ---------------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_report_command(app, log, tmp_path):
    result = run(app, "tickets", "report", "--school", "111111", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--csv", str(tmp_path / "t.csv"), "--pdf", str(tmp_path / "r.pdf"))
    assert result.exit_code == 0, result.output
    assert "SLA performance: Own School (URN 111111), tickets logged from 1 March 2026 to 31 March 2026" \
        in result.output
    assert "Incidents and service requests" in result.output and "60.0%  KPI not met" in result.output
    assert "Breached tickets: 4" in result.output and "SR-LATE" in result.output
    assert (tmp_path / "t.csv").read_text().startswith(",".join(EXPORT_COLUMNS))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    whole = run(app, "tickets", "report", "--from", "2026-03-01", "--to", "2026-03-31")
    assert whole.exit_code == 0 and "All schools" in whole.output and "66.7%" in whole.output


@pytest.mark.parametrize("args, message", [
    (["--school", "999999"], "no school with URN 999999"),
    (["--from", "2026-31-01"], "'2026-31-01' is not a date (use YYYY-MM-DD)"),
    (["--from", "2026-04-01", "--to", "2026-03-01"], "the period ends (1 March 2026) before it starts"),
    (["--pdf", "x.pdf"], "--pdf needs --school"),
])
def test_report_command_refusals(app, log, args, message):
    result = run(app, "tickets", "report", *args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
