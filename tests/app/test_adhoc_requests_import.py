"""`adhoc requests import FILE` and `adhoc complete REF --date D` (issue 15 item 14; SLA §7.3, §7.4, §9.4-9.5).

Requests raised in the call-logging system come in whole: created, estimated and
authorised by the same service functions as the pages, all or nothing, re-imports
skipped by reference.
"""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest
from contracts_app.services import adhoc as service
from contracts_app.services.adhoc.requests_import import import_requests
from pricing.errors import ImportRefused
from tests.app.test_adhoc import JUNE, authorised, new_request, world  # noqa: F401 - fixture
from tests.app.test_adhoc_pages import page_text

HEADER = "urn,reference,kind,description,estimate_hours,authorised_by,authorised_on,third_party,report\n"
GOOD = HEADER + (
    "103700,sr1,project,Set up 30 Chromebooks,3,Jo Head,2025-06-02,,\n"
    "140001,SR2,rework,Put the network right,,Sam Bursar,02/06/2025,BrightSpark AV Ltd,"
    "BrightSpark re-cabled the server room without approval.\n"
    "103700,SR3,out_of_scope,Advice on the new wing,,,,,\n"
)
FINE = "103700,SR8,out_of_scope,Fine row,,,,,\n"


def requests() -> dict[str, AdHocRequest]:
    return {r.reference: r for r in db.session.scalars(select(AdHocRequest))}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(AdHocRequest))


def refused(text: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        import_requests(text.encode(), "requests.csv")
    db.session.rollback()
    return caught.value


def test_a_good_file_creates_estimates_and_authorises_through_the_page_rules(world):
    report = import_requests(GOOD.encode(), "requests.csv")
    assert (report.created, report.estimated, report.authorised, report.already_imported) == (
        ["SR1", "SR2", "SR3"], 1, 2, 0)
    assert report.summary() == "3 request(s) created (SR1, SR2, SR3), 1 estimated, 2 authorised"
    found = requests()
    project, rework, advice = found["SR1"], found["SR2"], found["SR3"]
    assert (project.status, project.estimate_hours, project.estimate_rate, project.estimate_sla_year) == (
        "authorised", Decimal("3"), Decimal("62.00"), 2025)
    assert (project.authorised_by_name, project.authorised_on, project.authorised_via) == ("Jo Head", JUNE, "written")
    assert (rework.status, rework.third_party, rework.school.urn) == ("authorised", "BrightSpark AV Ltd", 140001)
    assert rework.intervention_report == "BrightSpark re-cabled the server room without approval."
    assert (advice.status, advice.authorised_on) == ("requested", None)


def test_imported_requests_take_the_service_desks_time_log(world):
    import_requests(GOOD.encode(), "requests.csv")
    log = b"urn,reference,kind,date,minutes,description\n103700,SR1,project,2025-06-03,70,Enrolled devices\n"
    assert service.import_time_log(log, "log.csv").added == 1  # was refused: no authorised request SR1
    assert requests()["SR1"].status == "in_progress"


def test_a_spreadsheet_with_date_and_number_cells(world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(",")[:7])
    sheet.append([103700, "SR1", "Project", "Set up 30 Chromebooks", 2.5, "Jo Head", JUNE])
    data = io.BytesIO()
    book.save(data)
    report = import_requests(data.getvalue(), "requests.xlsx")
    assert (report.created, report.authorised) == (["SR1"], 1)
    assert (requests()["SR1"].estimate_hours, requests()["SR1"].authorised_on) == (Decimal("2.5"), JUNE)


def test_a_reimport_skips_the_rows_imported_before(world):
    import_requests(GOOD.encode(), "requests.csv")
    service.log_time(requests()["SR1"], JUNE, 30, "Tech")  # SR1 moved on: still skipped, not refused
    again = import_requests(GOOD.encode(), "requests.csv")
    assert (again.created, again.already_imported) == ([], 3)
    assert again.summary() == "nothing new: 3 row(s) imported before, skipped"
    longer = import_requests((GOOD + "140001,SR4,out_of_scope,Move the printers,,,,,\n").encode(), "more.csv")
    assert (longer.created, longer.already_imported) == (["SR4"], 3)
    assert count() == 4 and requests()["SR1"].status == "in_progress"


@pytest.mark.parametrize("row, where, why", [
    ("999999,SR9,project,x,3,Jo Head,2025-06-02", "row 2, column urn", "no school with URN 999999"),
    ("Allesley,SR9,project,x,3,Jo Head,2025-06-02", "row 2, column urn", "is not a whole number"),
    ("103700,SR9,consultancy,x,,,", "row 2, column kind", "kind 'consultancy' is not one of project, rework"),
    ("103700,,project,x,,,", "row 2, column reference", "give the request's reference"),
    ("103700," + "R" * 41 + ",project,x,,,", "row 2, column reference", "longer than 40 characters"),
    ("103700,SR9,project,,,,", "row 2, column description", "describe the work requested"),
    ("103700,SR9,rework,x,,Jo Head,2025-06-02,,report", "row 2, column third_party",
     "a rework request names the third party"),
    ("103700,SR9,project,x,,Jo Head,2025-06-02", "row 2, column estimate_hours",
     "needs an estimate before the school can authorise it (§7.3)"),
    ("103700,SR9,project,x,three,,", "row 2, column estimate_hours", "'three' is not a number of hours"),
    ("103700,SR9,project,x,0,Jo Head,2025-06-02", "row 2, column estimate_hours", "more than zero hours"),
    ("103700,SR9,project,x,1.005,Jo Head,2025-06-02", "row 2, column estimate_hours", "2 decimal places"),
    ("103700,SR9,project,x,3,Jo Head,2024-06-03", "row 2, column estimate_hours",
     "no published 2024-25 ad hoc rate"),
    ("103700,SR9,out_of_scope,x,,Jo Head,2030-01-01", "row 2, column authorised_on", "is in the future"),
    ("103700,SR9,out_of_scope,x,,Jo Head,2 June", "row 2, column authorised_on", "is not a date"),
    ("103700,SR9,out_of_scope,x,,Jo Head,", "row 2, column authorised_on",
     "give the date of the school's authorisation"),
    ("103700,SR9,out_of_scope,x,,,2025-06-02", "row 2, column authorised_by",
     "give the name of the person at the school who authorised the work"),
    ("103700,SR9,rework,x,,Acme AV,2025-06-02,acme av,report", "row 2, column authorised_by",
     "not from the third party acme av (§9.4)"),
    ("103700,SR9,rework,x,,Jo Head,2025-06-02," + "A" * 201 + ",report", "row 2, column third_party",
     "longer than 200 characters"),
    ("103700,SR7,project,x,,,", "row 2, column reference",
     "SR7 is already used by a request for Cardinal Academy (URN 140001)"),
    ("103700,SR8,project,x,,,", "row 3, column reference", "repeats the reference of row 2"),
])
def test_each_bad_row_is_named_by_row_and_column_and_nothing_is_written(world, row, where, why):
    new_request(world.academy, "SR7", hours=None)
    problem = refused(HEADER + row + "\n" + FINE)
    problems = [str(p) for p in problem.problems]
    assert any(p.startswith(where + ": ") and why in p for p in problems), problems
    assert len(problems) == 1  # the good row is not blamed (for a repeat, the second is)
    assert count() == 1 and "SR8" not in requests()


def test_every_problem_is_listed_and_the_file_must_be_a_requests_file(world):
    problem = refused(HEADER + "999999,SR1,project,x,,,\n103700,SR2,nope,,,,\n")
    assert [str(p) for p in problem.problems] == [
        "row 2, column urn: no school with URN 999999",
        "row 3, column kind: kind 'nope' is not one of project, rework, out_of_scope"]
    columns = refused("urn,reference,kind,date,minutes,description\n103700,SR1,project,2025-06-02,30,x\n")
    assert "row 1, column estimate_hours: missing column: this is not an ad hoc requests file" in columns.message
    assert "has no rows" in refused(HEADER).message
    assert count() == 0


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_cli_requests_import(app, world, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(GOOD, encoding="utf-8")
    first = run(app, "adhoc", "requests", "import", str(path))
    assert first.exit_code == 0, first.output
    assert "requests.csv: 3 request(s) created (SR1, SR2, SR3), 1 estimated, 2 authorised." in first.output
    again = run(app, "adhoc", "requests", "import", str(path))
    assert again.exit_code == 0 and "nothing new: 3 row(s) imported before, skipped" in again.output
    path.write_text(HEADER + "103700,SR9,project,x,,Jo Head,2025-06-02\n", encoding="utf-8")
    bad = run(app, "adhoc", "requests", "import", str(path))
    assert bad.exit_code == 1 and "import refused, nothing was changed" in bad.output
    assert "row 2, column estimate_hours: SR9: a Project service request needs an estimate" in bad.output
    assert "Traceback" not in bad.output and count() == 3
    missing = run(app, "adhoc", "requests", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_cli_complete(app, world):
    project = authorised(world.maintained, "SR1")
    rework = authorised(world.academy, "SR2", "rework", hours=None, third_party="Acme AV Ltd")
    early = run(app, "adhoc", "complete", "SR1", "--date", "2025-06-03")
    assert early.exit_code == 1 and "no time is logged against the request yet" in early.output
    service.log_time(project, date(2025, 6, 3), 90, "Tech")
    service.log_time(rework, date(2025, 6, 3), 30, "Tech")
    before = run(app, "adhoc", "complete", "sr1", "--date", "2025-06-02")
    assert before.exit_code == 1 and "is before the last work on 03 June 2025" in before.output
    report = run(app, "adhoc", "complete", "SR2", "--date", "2025-06-04")
    assert report.exit_code == 1 and "(§9.5)" in report.output and "Traceback" not in report.output
    done = run(app, "adhoc", "complete", "sr1", "--date", "2025-06-04")
    assert done.exit_code == 0, done.output
    assert "SR1 completed on 4 June 2025 (§7.4); the next invoice run invoices it." in done.output
    db.session.expire_all()
    assert (requests()["SR1"].status, requests()["SR1"].completed_on) == ("completed", date(2025, 6, 4))
    unknown = run(app, "adhoc", "complete", "SR404", "--date", "2025-06-04")
    assert unknown.exit_code == 1 and "no ad hoc request with reference SR404" in unknown.output
    bad_date = run(app, "adhoc", "complete", "SR2", "--date", "4 June")
    assert bad_date.exit_code == 2 and "is not a date" in bad_date.output


def test_the_requests_import_page(world, client, login):
    login("sla")
    assert "/adhoc/requests/import" in client.get("/adhoc/").get_data(as_text=True)
    assert "authorised_by" in page_text(client.get("/adhoc/requests/import"))
    done = client.post("/adhoc/requests/import", data={"file": (io.BytesIO(GOOD.encode()), "requests.csv")},
                       content_type="multipart/form-data")
    assert done.status_code == 200
    assert "3 request(s) created (SR1, SR2, SR3), 1 estimated, 2 authorised" in page_text(done)
    bad = HEADER + "103700,SR9,project,x,,Jo Head,2025-06-02\n"
    refused_page = client.post("/adhoc/requests/import", data={"file": (io.BytesIO(bad.encode()), "bad.csv")},
                               content_type="multipart/form-data")
    text = page_text(refused_page)
    assert refused_page.status_code == 200 and "bad.csv was refused; nothing was changed." in text
    assert "row 2, column estimate_hours" in text and "(§7.3)" in text
    assert count() == 3  # who may open the page: tests/app/access_areas/adhoc.py
