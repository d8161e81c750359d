"""Every import reads its file the one bounded way (issue #27 defects 3-4): the encoding by its byte
order mark or strictly, no control character into the database or a message, XLSX refused before
parsing past 100,000 rows or 50 MB uncompressed. Through the service, the command and the page."""
from __future__ import annotations

import io
import resource
import time

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import CensusFigure
from contracts_app.services import jobs
from contracts_app.services.census import import_census
from contracts_app.services.imports import read_table
from pricing.errors import ImportRefused
from pricing.workbook import MAX_ROWS
from tests.imports.files import (
    cp1252,
    utf8_bom,
    utf16,
    xlsx,
    xlsx_bomb,
    xlsx_claiming_rows,
    xlsx_without_dimension,
)

CENSUS = "urn,census,pupils\n103700,2025-01,200\n103701,2025-01,150\n"
CONTROL = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\x7f", "\x85", "\u2028"]


def refused(data: bytes, **kwargs) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        read_table(data, "file.csv", **kwargs)
    return caught.value


def no_control_characters(text: str) -> bool:
    return not any(c in text for c in CONTROL) and "\x00" not in text


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"), utf8_bom, cp1252, lambda t: utf16(t, "le"), lambda t: utf16(t, "be"),
    lambda t: b"\xff\xfe\x00\x00" + t.encode("utf-32-le"),
], ids=["utf-8", "utf-8-bom", "cp1252", "utf-16-le", "utf-16-be", "utf-32-le"])
def test_each_encoding_reads_the_same_cells(encode):
    text = "urn,name\n103700,Ysgol Gymraeg Caerdydd – Ærø café\n"
    frame = read_table(encode(text), "file.csv")
    assert list(frame.columns) == ["urn", "name"]
    assert frame.to_dict("records") == [{"urn": "103700", "name": "Ysgol Gymraeg Caerdydd – Ærø café"}]


def test_utf16_without_its_mark_is_refused_naming_the_encoding_and_never_quoting_nul():
    problem = refused(utf16(CENSUS, mark=False))
    assert "looks like UTF-16 or UTF-32 text without a byte order mark" in problem.message
    assert no_control_characters(problem.message)


@pytest.mark.parametrize("data, why", [
    (b"\xff\xfeu\x00r\x00\x00\xd8", "starts with a UTF-16 byte order mark but is not UTF-16 text"),
    (b"urn,name\n1,\x81\x8d\x8f\n", "neither UTF-8 nor Windows-1252 text"),
])
def test_text_in_no_encoding_we_read_is_refused_naming_the_problem(data, why):
    problem = refused(data)
    assert why in problem.message and no_control_characters(problem.message)


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x9b"])
def test_a_control_character_in_a_cell_is_refused_by_row_and_column_and_not_quoted(character):
    problem = refused(f"urn,name\n103700,Fine\n103701,Bad{character}name\n".encode("utf-8"))
    assert [(p.row, p.column) for p in problem.problems] == [(3, "name")]
    assert "control character" in problem.message or "NUL" in problem.message
    assert no_control_characters(problem.message)


def test_a_control_character_in_a_header_is_refused_on_row_1():
    problem = refused(b"urn,na\x01me\n103700,x\n")
    assert [p.row for p in problem.problems] == [1] and no_control_characters(problem.message)


def test_line_breaks_and_tabs_inside_a_cell_are_text():
    frame = read_table(b'urn,description\n103700,"two\r\nlines\tand a tab"\n', "file.csv")
    assert frame["description"].tolist() == ["two\r\nlines\tand a tab"]


def test_a_file_name_with_control_characters_is_escaped_in_the_message():
    with pytest.raises(ImportRefused) as caught:
        read_table(b"", "bad\x00name\r\n.csv")
    assert no_control_characters(caught.value.message) and "bad\\x00name\\r\\n.csv" in caught.value.message


# -- XLSX --------------------------------------------------------------------------------------

def test_an_xlsx_reads_as_text_cells():
    frame = read_table(xlsx([["urn", "census", "pupils", "urn"], [103700, "2025-01", 200.0, "0123"], [None] * 4]),
                       "file.xlsx")
    assert list(frame.columns) == ["urn", "census", "pupils", "urn.1"]
    assert frame.to_dict("records") == [{"urn": "103700", "census": "2025-01", "pupils": "200", "urn.1": "0123"}]


def test_an_xlsx_that_says_it_has_a_million_rows_is_refused_before_reading_them():
    problem = refused(xlsx_claiming_rows([["urn", "census", "pupils"], [103700, "2025-01", 200]], 1_048_576))
    assert f"the sheet says it has 1,048,576 rows; at most {MAX_ROWS:,} are read" in problem.message


def test_an_xlsx_whose_rows_pass_the_limit_is_refused_whatever_its_dimension_says():
    rows = [["urn", "census", "pupils"]] + [[103700 + n, "2025-01", 200] for n in range(30)]
    problem = refused(xlsx_without_dimension(rows), max_rows=20)
    assert "more than 20 rows; at most 20 are read" in problem.message
    assert len(read_table(xlsx_without_dimension(rows), "file.xlsx", max_rows=30)) == 30


def test_a_zip_bomb_of_spaces_is_refused_cheaply():
    data = xlsx_bomb()
    assert len(data) < 1024 * 1024  # 0.6 MB on disk, 600 MB inside
    before, started = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter()
    problem = refused(data)
    assert time.perf_counter() - started < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB: nothing inflated
    assert "the workbook holds 600.0 MB uncompressed; at most 50.0 MB is read" in problem.message


def test_a_csv_past_the_row_limit_is_refused_before_pandas_reads_it():
    text = "urn,census,pupils\n" + "103700,2025-01,200\n" * 21
    assert "more than 20 rows; at most 20 are read" in refused(text.encode(), max_rows=20).message


def test_not_a_workbook():
    assert "not a readable XLSX workbook" in refused(b"PK\x03\x04 nothing else").message


# -- the doors: command and page, on a census file in each encoding --------------------------------

@pytest.fixture
def schools(app, make_school):
    return make_school(urn=103700), make_school(urn=103701)


def figures() -> int:
    return db.session.scalar(select(func.count()).select_from(CensusFigure))


@pytest.mark.parametrize("data", [utf16(CENSUS), utf16(CENSUS, "be"), utf8_bom(CENSUS), cp1252(CENSUS)],
                         ids=["utf-16-le", "utf-16-be", "utf-8-bom", "cp1252"])
def test_census_command_reads_each_encoding(app, schools, tmp_path, data):
    path = tmp_path / "census.csv"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(args=["census", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert figures() == 2


def test_census_command_refuses_utf16_without_its_mark_and_the_bomb(app, schools, tmp_path):
    for name, data, why in (("census.csv", utf16(CENSUS, mark=False), "without a byte order mark"),
                            ("census.xlsx", xlsx_bomb(), "at most 50.0 MB is read")):
        path = tmp_path / name
        path.write_bytes(data)
        result = app.test_cli_runner().invoke(args=["census", "import", str(path)])
        assert result.exit_code == 1 and why in result.output and "Traceback" not in result.output
    assert figures() == 0


def test_census_page_reads_utf16_and_refuses_the_bomb_in_a_job(app, client, login, schools):
    login("sla")
    ok = client.post("/census/import", data={"file": (io.BytesIO(utf16(CENSUS)), "census.csv")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert ok.status_code == 200 and figures() == 2
    # 0.6 MB is past the inline limit: the job queue reads it, the page goes to the job's bar
    bomb = client.post("/census/import", data={"file": (io.BytesIO(xlsx_bomb()), "census.xlsx")},
                       content_type="multipart/form-data")
    job_id = int(bomb.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert bomb.status_code == 302 and f"/jobs/{job_id}" in bomb.headers["Location"]
    job = jobs.execute(job_id)
    assert job.state == "failed" and "at most 50.0 MB is read" in job.error
    assert "at most 50.0 MB is read" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
