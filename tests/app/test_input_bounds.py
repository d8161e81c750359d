"""Issue #16 items 7, 8 and 9 on the pages and the commands: search terms in other scripts'
digits, ids and URNs past the database's integers, imported values the schema cannot hold,
and uploads past MAX_CONTENT_LENGTH. Every one is a clear answer (404, 400, a refusal naming
row and column, 413), never a 500, on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select, text

from contracts_app.extensions import db
from contracts_app.models import Agreement, PriceListEntry, School
from contracts_app.services import census, price_lists, schools
from contracts_app.services.agreements.importing import import_agreements
from contracts_app.services.bounds import MAX_INT, ascii_number, column_problems, records_problems, search_number
from contracts_app.services.imports import parse_whole_number
from contracts_app.services.servicedesk import import_tickets
from pricing.errors import ImportRefused

BIG, OVER = "99999999999", str(2**31)
GIAS = "URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name),NumberOfPupils,Postcode\n"


# -- item 7: a search term is a number only in ASCII digits -------------------------------------

def test_search_numbers_are_ascii_digits_within_the_integer_columns():
    assert search_number("103700") == 103700 and search_number(" 42 ") == 42
    assert search_number(str(MAX_INT)) == MAX_INT
    for term in ("²", "١٢٣", "12²", "", "-1", "1.5", BIG, OVER):
        assert search_number(term) is None, term
    assert ascii_number("١٢٣") is None and ascii_number(BIG) == int(BIG)


@pytest.mark.parametrize("term", ["²", "١٢٣", "-", "--5"])
def test_whole_number_cells_refuse_other_scripts_digits(term):
    problems = []
    assert parse_whole_number(term, 2, "urn", problems) is None
    assert problems[0].row == 2 and problems[0].column == "urn" and "not a whole number" in problems[0].reason


def test_whole_number_cells_refuse_numbers_past_the_integer_columns():
    problems = []
    assert parse_whole_number("1" * 25, 3, "urn", problems) is None
    assert "more than 2,147,483,647" in problems[0].reason
    assert parse_whole_number("-7", 3, "minutes", [], minimum=-10) == -7


@pytest.mark.parametrize("path", ["/schools/", "/invoices/", "/agreements/", "/adhoc/"])
@pytest.mark.parametrize("term", ["²", "١٢٣", BIG])
def test_list_pages_search_such_terms_as_text(client, login, make_school, path, term):
    make_school(urn=103700, name=f"Year {term} School")
    login("admin")
    response = client.get(path, query_string={"q": term})
    assert response.status_code == 200
    if path == "/schools/":
        assert f"Year {term} School" in response.get_data(as_text=True)


def test_invoice_export_searches_unicode_digits_as_a_name(client, login, make_school):
    from contracts_app.services.agreements import LineInput as L
    from contracts_app.services.invoicing import runs as invoice_run
    from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

    build_priced_world(2025)
    school = make_school(urn=103700, name="Year ² Primary")
    add_census(school, "2025-01", 412)
    issue_agreement([L("SIMS", "subscribed")], school=school, by="sla@test.example")
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test.example")
    login("finance")
    response = client.get("/invoices/export", query_string={"q": "²"})
    assert response.status_code == 200
    lines = response.get_data(as_text=True).strip().splitlines()
    assert len(lines) > 1 and "Year ² Primary" in lines[1]


# -- item 8: ids and URNs past the integer columns -------------------------------------------

def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if type(conv).__name__ == "BoundedInt"]
        if ints and not rule.rule.startswith("/api/"):
            yield rule, ints


def _url(rule, ints, number: str) -> str:
    url = rule.rule
    for name in ints:
        url = re.sub(rf"<int(\([^)]*\))?:{name}>", number, url)
    return re.sub(r"<[^>]+>", "x", url)


def test_every_page_with_an_id_is_bounded(app):
    rules = list(_int_rules(app))
    assert len(rules) > 30  # the sweep below covers every such route, present and future
    for rule, ints in rules:
        assert rule._converters[ints[0]].max is not None, rule.rule


@pytest.mark.parametrize("number", [BIG, OVER])
def test_every_id_past_the_integer_columns_is_404(app, client, login, make_school, number):
    make_school(urn=103700)
    login("admin")
    answers = {}
    for rule, ints in _int_rules(app):
        url = _url(rule, ints, number)
        for method in sorted(rule.methods & {"GET", "POST"}):
            answers[f"{method} {url}"] = client.open(url, method=method).status_code
    assert answers and {k: v for k, v in answers.items() if v != 404} == {}


def test_the_largest_id_is_simply_not_found(app, client, login):
    login("admin")
    for url in (f"/schools/{MAX_INT}", f"/agreements/{MAX_INT}", f"/admin/users/{MAX_INT}", f"/adhoc/{MAX_INT}"):
        assert client.get(url).status_code == 404, url
    answers = {}
    for rule, ints in _int_rules(app):  # in range: nothing there (or a year out of bounds), never a 500
        url = _url(rule, ints, str(MAX_INT))
        for method in sorted(rule.methods & {"GET", "POST"}):
            answers[f"{method} {url}"] = client.open(url, method=method).status_code
    assert {k: v for k, v in answers.items() if v not in (400, 404)} == {}


@pytest.mark.parametrize("value", [BIG, "²", "abc"])
def test_an_id_in_the_query_string_is_a_400_naming_it(client, login, value):
    login("finance")
    response = client.get("/invoices/", query_string={"run": value})
    assert response.status_code == 400
    assert "run must be a whole number" in response.get_data(as_text=True)


def test_a_typed_urn_past_the_integer_columns_is_no_school(client, login):
    login("sla")
    response = client.post("/agreements/new", data={"urn": BIG, "year": "2025"})
    assert response.status_code == 200
    assert f"No school with URN {BIG}" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_the_error_page_rolls_the_failed_transaction_back(app, client, login):
    def broken():
        db.session.add(School(urn=1))  # no name: the flush fails and leaves the session unusable
        db.session.flush()
        return "unreachable"

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    app.testing = False  # answer with the 500 page instead of raising into the test
    login("sla")
    response = client.get("/broken-for-test")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    # The request's session was rolled back by the handler: it works again (no PendingRollbackError).
    assert db.session.execute(text("SELECT 1")).scalar() == 1


# -- item 8: imports check values against the schema -----------------------------------------

def refused(importer, content: str, *args) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ImportRefused) as info:
        importer(content.encode(), *args, source="file.csv")
    db.session.rollback()
    return [(p.row, p.column, p.reason) for p in info.value.problems]


@pytest.mark.parametrize("row,column,reason", [
    ("9" * 10 + ",A,Community school,141,Coventry,10,CV1", "URN", "more than 2,147,483,647"),
    ("1" * 25 + ",A,Community school,141,Coventry,10,CV1", "URN", "more than 2,147,483,647"),
    ("100002,A,Community school,141,Coventry," + "1" * 16 + ",CV1", "NumberOfPupils", "more than"),
    ("100002," + "N" * 5000 + ",Community school,141,Coventry,10,CV1", "EstablishmentName",
     "is 5,000 characters long; at most 200 fit"),
    ("100002,A,Community school,141,Coventry,10," + "C" * 13, "Postcode", "at most 12 fit"),
    ("100002,A\x00B,Community school,141,Coventry,10,CV1", "EstablishmentName", "NUL"),
    ("100002,A," + "T" * 121 + ",141,Coventry,10,CV1", "TypeOfEstablishment (name)", "at most 120 fit"),
])
def test_gias_import_refuses_what_the_schema_cannot_hold(app, row, column, reason):
    problems = refused(schools.import_schools, GIAS + "100001,Fine School,Community school,141,Coventry,5,CV1\n"
                       + row + "\n")
    assert [(r, c) for r, c, _ in problems] == [(3, column)]
    assert reason in problems[0][2]
    assert db.session.scalar(select(func.count()).select_from(School)) == 0


def test_gias_upload_names_row_and_column_and_the_next_page_works(client, login):
    login("sla")
    bad = (GIAS + "100002," + "N" * 5000 + ",Community school,141,Coventry,10,CV1\n").encode()
    response = client.post("/schools/import", data={"file": (io.BytesIO(bad), "gias.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "row 2, column EstablishmentName" in page
    assert client.get("/schools/").status_code == 200


def test_gias_command_refuses_without_a_traceback(app, tmp_path):
    path = tmp_path / "gias.csv"
    path.write_text(GIAS + "1" * 25 + ",A,Community school,141,Coventry,10,CV1\n"
                    "100002," + "N" * 201 + ",Community school,141,Coventry,10,CV1\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["schools", "import", str(path)])
    assert result.exit_code != 0
    assert "row 2, column URN" in result.output and "row 3, column EstablishmentName" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, (ValueError, OverflowError))


@pytest.mark.parametrize("args,content,named", [
    (["census", "import", "FILE"], "urn,census,pupils\n" + "1" * 25 + ",2025-01,10\n", "row 2, column urn"),
    (["prices", "import", "FILE", "--year", "2026"], "service_code,title,customer_type,model,amount,rate,minimum,maximum,"
     "bands,unit,vat_code\nEMAIL," + "T" * 201 + ",all,flat,780,,,,,,S\n", "row 2, column title"),
    (["tickets", "import", "FILE"], "reference,urn,type,priority,logged_at,resolved_at,suspensions,summary\n"
     "A,103700,incident,2,2026-03-02T09:00,,,a\x00b\n", "row 2, column summary"),
    (["agreements", "import", "FILE", "--year", "2025"], "urn,service_code,quantity,status\n103700,SIMS,1e400,subscribed\n",
     "row 2, column quantity"),
    (["adhoc", "requests", "import", "FILE"], "urn,reference,kind,description,estimate_hours,authorised_by,authorised_on\n"
     + "1" * 25 + ",SR1,project,x,,,\n", "row 2, column urn"),
])
def test_import_commands_name_row_and_column_without_a_traceback(app, make_school, tmp_path, args, content, named):
    from tests.agreements_fixtures import build_priced_world

    build_priced_world(2025)
    make_school(urn=103700)
    path = tmp_path / "file.csv"
    path.write_text(content, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=[str(path) if a == "FILE" else a for a in args])
    assert result.exit_code == 1 and named in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("cells,column", [
    (f"{'1' * 25},2025-01,10", "urn"),
    ("103700,2025-01," + "1" * 16, "pupils"),
    ("103700,2025-01\x00,10", "census"),
])
def test_census_import_refuses_out_of_range_values(app, make_school, cells, column):
    make_school(urn=103700)
    problems = refused(census.import_census, "urn,census,pupils\n" + cells + "\n")
    assert [(r, c) for r, c, _ in problems] == [(2, column)]


@pytest.mark.parametrize("cells,column", [
    (f"{'1' * 25},SIMS,1,subscribed", "urn"),
    ("²,SIMS,1,subscribed", "urn"),
    ("103700,SIMS,1e400,subscribed", "quantity"),
    ("103700,SIMS,100000000000000000,subscribed", "quantity"),
    ("103700,SIMS,1.234,subscribed", "quantity"),
    ("103700,SI\x00MS,1,subscribed", "service_code"),
])
def test_agreements_import_refuses_out_of_range_values(app, make_school, cells, column):
    from tests.agreements_fixtures import build_priced_world

    build_priced_world(2025)
    make_school(urn=103700)
    problems = refused(import_agreements, "urn,service_code,quantity,status\n" + cells + "\n", 2025)
    assert [(r, c) for r, c, _ in problems] == [(2, column)]
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0


PRICES = "service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code\n"


@pytest.mark.parametrize("cells,column", [
    ("EMAIL," + "T" * 5000 + ",all,flat,780,,,,,,S", "title"),
    ("E" * 41 + ",Email,all,flat,780,,,,,,S", "service_code"),
    ("EMAIL,Em\x00ail,all,flat,780,,,,,,S", "title"),
])
def test_price_list_import_refuses_what_the_schema_cannot_hold(app, cells, column):
    problems = refused(price_lists.import_price_list, PRICES + cells + "\n", 2026)
    assert [(r, c) for r, c, _ in problems] == [(2, column)]
    assert db.session.scalar(select(func.count()).select_from(PriceListEntry)) == 0


TICKETS = "reference,urn,type,priority,logged_at,resolved_at,suspensions,summary\n"


@pytest.mark.parametrize("cells,column", [
    (f"A,{'1' * 25},incident,2,2026-03-02T09:00,,,x", "urn"),
    ("A,103700,incident,2,2026-03-02T09:00,,,a\x00b", "summary"),
])
def test_ticket_import_refuses_out_of_range_values(app, make_school, cells, column):
    make_school(urn=103700)
    problems = refused(import_tickets, TICKETS + cells + "\n")
    assert (2, column) in [(r, c) for r, c, _ in problems]


@pytest.mark.parametrize("importer,header", [
    ("contracts_app.services.adhoc.time_log:import_time_log", "urn,reference,kind,date,minutes,description\n"
     "103700,SR1,project,2025-06-02,70,a\x00b\n"),
    ("contracts_app.services.adhoc.requests_import:import_requests",
     "urn,reference,kind,description,estimate_hours,authorised_by,authorised_on\n103700,SR1,project,a\x00b,,,\n"),
])
def test_adhoc_imports_refuse_nul_characters(app, make_school, importer, header):
    import importlib

    module, name = importer.split(":")
    make_school(urn=103700)
    problems = refused(getattr(importlib.import_module(module), name), header)
    assert (2, "description", "contains a NUL character") in problems


def test_column_limits_come_from_the_models():
    problems = column_problems(School, {"name": "x" * 201, "postcode": "CV1 1AA", "urn": 2**31,
                                        "gias_pupils": 5, "head_name": "a\x00"}, 9, {"name": "EstablishmentName"})
    assert [(p.row, p.column) for p in problems] == [(9, "EstablishmentName"), (9, "urn"), (9, "head_name")]


# -- item 9: the upload limit ---------------------------------------------------------------

@pytest.mark.parametrize("csrf", [False, True])  # with CSRF on, the form is read before the view
def test_an_upload_past_the_limit_is_a_413_with_a_message(app, client, login, csrf):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    login("sla")
    app.config["WTF_CSRF_ENABLED"] = csrf
    big = io.BytesIO(b"x" * (65 * 1024))
    response = client.post("/schools/import", data={"file": (big, "gias.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "too large" in page and "at most 0.0625 MB" in page


def test_the_limit_is_20_mb_by_default_and_configurable(monkeypatch):
    from contracts_app.config import load_config

    monkeypatch.delenv("MAX_CONTENT_LENGTH", raising=False)
    assert load_config({"CONTRACTS_ENV": "testing"})["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "5242880")
    assert load_config({"CONTRACTS_ENV": "testing"})["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "lots")
    with pytest.raises(RuntimeError, match="MAX_CONTENT_LENGTH must be a number of bytes"):
        load_config({"CONTRACTS_ENV": "testing"})


def test_records_are_checked_a_column_at_a_time_and_named_row_by_row():
    good = {"urn": 100001, "name": "Allesley Primary", "la_code": 141, "gias_pupils": None}
    records = [dict(good, urn=100001 + i) for i in range(500)]
    assert records_problems(School, records, list(range(2, 502))) == []
    records[250] = dict(good, name="x" * 5000)
    records[400] = dict(good, la_code=2**40)
    found = [(p.row, p.column) for p in records_problems(School, records, list(range(2, 502)), {"name": "Name"})]
    assert found == [(252, "Name"), (402, "la_code")]
