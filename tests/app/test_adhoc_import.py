"""`adhoc import FILE`: the service desk's time log, all or nothing, never charged twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import TimeEntry
from contracts_app.services import adhoc as service
from pricing.errors import ImportRefused
from tests.app.test_adhoc import JUNE, authorised, new_request, world  # noqa: F401 - fixture

HEADER = "urn,reference,kind,date,minutes,description\n"
GOOD = HEADER + ("103700,SR1,project,2025-06-02,70,Unboxed and enrolled 10 devices\n"
                 "103700,SR1,project,2025-06-03,45,Enrolled the rest\n"
                 "140001,SR2,rework,03/06/2025,30,Restored the DHCP scope\n")


@pytest.fixture
def requests(world):
    return (authorised(world.maintained, "SR1"),
            authorised(world.academy, "SR2", "rework", hours=None, third_party="BrightSpark AV Ltd"))


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(TimeEntry))


def refused(text: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        service.import_time_log(text.encode(), "log.csv")
    db.session.rollback()
    return caught.value


def test_import_adds_time_and_starts_the_work(requests):
    project, rework = requests
    report = service.import_time_log(GOOD.encode(), "log.csv")
    assert (report.added, report.minutes, report.references) == (3, 145, ["SR1", "SR2"])
    assert report.started == ["SR1", "SR2"]
    assert project.status == rework.status == "in_progress"
    assert [(e.work_date, e.minutes, e.note, e.who) for e in project.entries][0] == (
        JUNE, 70, "Unboxed and enrolled 10 devices", "service desk time log")
    assert service.charge(project).hours == 2  # 70 + 45 = 115 minutes -> 2 hours


def test_the_same_log_twice_adds_nothing_and_says_so(requests):
    service.import_time_log(GOOD.encode(), "log.csv")
    problem = refused(GOOD)
    assert "all 3 row(s) of this time log were imported before; nothing was added" in problem.message
    assert entries() == 3


def test_a_longer_log_adds_only_its_new_rows(requests):
    service.import_time_log(GOOD.encode(), "log.csv")
    longer = GOOD + "103700,SR1,project,2025-06-04,15,Handover\n"
    report = service.import_time_log(longer.encode(), "log-2.csv")
    assert (report.added, report.already_imported) == (1, 3)
    assert "3 row(s) already imported before, skipped" in report.summary()
    assert entries() == 4


def test_rows_imported_before_are_skipped_even_once_the_request_is_complete(requests):
    project, _ = requests
    service.import_time_log(GOOD.encode(), "log.csv")
    service.complete(project, JUNE + timedelta(days=1))
    longer = GOOD + "140001,SR2,rework,2025-06-05,20,Tested\n"
    assert service.import_time_log(longer.encode(), "log-2.csv").added == 1


@pytest.mark.parametrize("row, where, why", [
    ("999999,SR1,project,2025-06-02,30,x", "row 2, column urn", "no school with URN 999999"),
    ("103700,SR1,consultancy,2025-06-02,30,x", "row 2, column kind", "kind 'consultancy' is not one of project"),
    ("103700,SR1,project,2025-06-02,0,x", "row 2, column minutes", "minutes must be more than zero, not 0"),
    ("103700,SR1,project,2025-06-02,-15,x", "row 2, column minutes", "minutes must be more than zero, not -15"),
    ("103700,SR1,project,2025-06-02,half an hour,x", "row 2, column minutes", "is not a whole number"),
    ("103700,SR1,project,2 June,30,x", "row 2, column date", "is not a date"),
    ("103700,SR404,project,2025-06-02,30,x", "row 2, column reference", "no ad hoc request SR404"),
    ("140001,SR1,project,2025-06-02,30,x", "row 2, column urn", "SR1 is for Allesley Primary School (URN 103700)"),
    ("103700,SR1,rework,2025-06-02,30,x", "row 2, column kind", "SR1 is a project request, not rework"),
    ("103700,SR1,project,2025-06-01,30,x", "row 2, column date", "before the school authorised the request"),
    ("103700,SR1,project,2026-04-02,30,x", "row 2, column date", "no published 2026-27 ad hoc rate"),
    ("103700,SR3,project,2025-06-02,30,x", "row 2, column reference",
     "SR3: the request is not authorised by the school yet (estimate sent): no time may be logged before "
     "authorisation (§7.3)"),
])
def test_bad_rows_are_refused_by_row_and_column_and_nothing_is_written(requests, world, row, where, why):
    new_request(world.maintained, "SR3")  # estimated, not authorised
    problem = refused(HEADER + row + "\n" + "103700,SR1,project,2025-06-03,30,fine\n")
    assert f"{where}: " in problem.message and why in problem.message, problem.message
    assert len(problem.problems) == 1  # the good row is not blamed
    assert entries() == 0


def test_a_row_repeated_in_the_file_is_refused(requests):
    problem = refused(GOOD + "103700,SR1,project,2025-06-02,70,Unboxed and enrolled 10 devices\n")
    assert "row 5: repeats row 2 exactly; the same work would be charged twice" in problem.message


def test_every_problem_is_listed(requests):
    problem = refused(HEADER + "999999,SR1,project,2025-06-02,0,x\n103700,SR1,nope,bad,30,y\n")
    assert [str(p) for p in problem.problems] == [
        "row 2, column minutes: minutes must be more than zero, not 0",
        "row 2, column urn: no school with URN 999999",
        "row 3, column date: 'bad' is not a date (use YYYY-MM-DD)",
        "row 3, column kind: kind 'nope' is not one of project, rework, out_of_scope"]


def test_not_a_time_log(requests):
    problem = refused("URN,EstablishmentName\n103700,Allesley\n")
    assert "row 1, column reference: missing column: this is not a service desk time log" in problem.message
    assert "has no rows" in refused(HEADER).message


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_cli_import_is_idempotent_and_exits_non_zero_on_bad_input(app, requests, tmp_path):
    path = tmp_path / "time-log.csv"
    path.write_text(GOOD, encoding="utf-8")
    first = run(app, "adhoc", "import", str(path))
    assert first.exit_code == 0, first.output
    assert "time-log.csv: 3 time entries added (145 minutes) to 2 request(s)" in first.output
    again = run(app, "adhoc", "import", str(path))
    assert again.exit_code == 1
    assert "import refused, nothing was changed" in again.output and "imported before" in again.output
    assert "Traceback" not in again.output
    path.write_text(HEADER + "103700,SR1,project,2025-06-05,-5,x\n", encoding="utf-8")
    bad = run(app, "adhoc", "import", str(path))
    assert bad.exit_code == 1 and "row 2, column minutes: minutes must be more than zero, not -5" in bad.output
    assert entries() == 3
    missing = run(app, "adhoc", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_cli_list_and_documents(app, requests, tmp_path):
    listing = run(app, "adhoc", "list", "--status", "authorised")
    assert listing.exit_code == 0 and "SR1\t103700\tAllesley Primary School" in listing.output
    out = tmp_path / "e.pdf"
    assert run(app, "adhoc", "estimate-pdf", "sr1", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")
    wrong = run(app, "adhoc", "report-pdf", "SR1", "-o", str(out))
    assert wrong.exit_code == 1 and "only rework has a §9.5 report" in wrong.output
    assert run(app, "adhoc", "report-pdf", "SR2", "-o", str(out)).exit_code == 0
    unknown = run(app, "adhoc", "estimate-pdf", "SR404", "-o", str(out))
    assert unknown.exit_code == 1 and "no ad hoc request with reference SR404" in unknown.output
