"""Census figures: the import (good and each bad input), which census prices a year
(January by default, October when the list says so), the missing-figure report and the
SLA team's audited manual override."""
from __future__ import annotations

import io
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, CensusFigure, School
from contracts_app.services import census as census_service
from contracts_app.services import price_lists
from pricing.errors import ActionRefused
from contracts_app.services.price_check import price_school

DATA = Path(__file__).resolve().parent.parent / "data"
CENSUS = DATA / "census_2025.csv"
PRICES_2025 = DATA / "prices_2025.csv"


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def figures() -> dict[tuple[int, str], tuple[int, str]]:
    rows = db.session.execute(select(School.urn, CensusFigure.census, CensusFigure.pupils, CensusFigure.source)
                              .join(School)).all()
    return {(urn, census): (pupils, source) for urn, census, pupils, source in rows}


def count_figures() -> int:
    return db.session.scalar(select(func.count()).select_from(CensusFigure))


@pytest.fixture
def schools(make_school):
    return {
        "allesley": make_school(urn=103700, name="Allesley Primary School"),
        "newman": make_school(urn=140001, name="Cardinal Newman Academy", establishment_type="Academy converter"),
        "canley": make_school(urn=103702, name="Canley Vale Primary School"),
    }


# -- import ---------------------------------------------------------------------------------

def test_census_import_adds_then_updates_figures(app, schools, tmp_path):
    result = run(app, "census", "import", str(CENSUS))
    assert result.exit_code == 0, result.output
    assert "Census import from census_2025.csv: 5 added, 0 updated, 0 unchanged." in result.output
    assert figures() == {
        (103700, "2024-10"): (405, "census"), (103700, "2025-01"): (412, "census"),
        (140001, "2024-10"): (980, "census"), (140001, "2025-01"): (1003, "census"),
        (103702, "2024-10"): (58, "census"),
    }
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "CensusFigure"))
    assert event.action == "import" and "census_2025.csv: 5 added" in event.summary

    corrected = tmp_path / "census_correction.csv"
    corrected.write_text("URN,Census,Pupils\n103700, 2025-01 ,415\n140001,2025-01,1003\n")
    again = run(app, "census", "import", str(corrected))
    assert again.exit_code == 0, again.output
    assert "0 added, 1 updated, 1 unchanged" in again.output
    assert figures()[(103700, "2025-01")] == (415, "census")


BAD_CENSUS = [
    pytest.param("999999,2025-13,300", "row 3, column census: census must be YYYY-01 or YYYY-10, not '2025-13'",
                 id="malformed row of a school not in the register"),
    pytest.param("103702,2025-04,60", "row 3, column census: census must be YYYY-01 or YYYY-10, not '2025-04'",
                 id="April census"),
    pytest.param("103702,Jan 2025,60", "row 3, column census: census must be YYYY-01 or YYYY-10, not 'Jan 2025'",
                 id="census in words"),
    pytest.param("103702,2025-1,60", "row 3, column census: census must be YYYY-01 or YYYY-10, not '2025-1'",
                 id="one-digit month"),
    pytest.param("103702,,60", "row 3, column census: census must be YYYY-01 or YYYY-10, not ''",
                 id="no census"),
    pytest.param("103702,2025-01,-3", "row 3, column pupils: -3 is less than 0", id="negative pupils"),
    pytest.param("103702,2025-01,sixty", "row 3, column pupils: 'sixty' is not a whole number",
                 id="non-numeric pupils"),
    pytest.param("103702,2025-01,60.5", "row 3, column pupils: '60.5' is not a whole number",
                 id="fractional pupils"),
    pytest.param("103702,2025-01,", "row 3, column pupils: is empty", id="no pupils"),
    pytest.param("103702,2025-01,99999999999999999999", "row 3, column pupils: 99999999999999999999 is more than",
                 id="absurd pupils"),
    pytest.param("abc,2025-01,60", "row 3, column urn: 'abc' is not a whole number", id="non-numeric URN"),
    pytest.param("103700,2025-01,413", "row 3, column urn: URN 103700 appears twice for census 2025-01 "
                                       "(also on row 2)", id="duplicate"),
]


@pytest.mark.parametrize("bad_row, message", BAD_CENSUS)
def test_a_bad_census_row_refuses_the_whole_file(app, schools, tmp_path, bad_row, message):
    path = tmp_path / "census.csv"
    path.write_text(f"urn,census,pupils\n103700,2025-01,412\n{bad_row}\n")
    result = run(app, "census", "import", str(path))
    assert result.exit_code == 1, result.output
    assert "census.csv: import refused, nothing was changed" in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert count_figures() == 0


def test_a_file_that_is_not_a_census_is_refused(app, schools, tmp_path):
    path = tmp_path / "census.csv"
    path.write_text("urn,pupils\n103700,412\n")
    result = run(app, "census", "import", str(path))
    assert result.exit_code == 1
    assert "row 1, column census: missing column: this is not a census file (urn,census,pupils)" in result.output
    path.write_text("urn,census,pupils\n")
    assert "the file has no census rows" in run(app, "census", "import", str(path)).output
    assert count_figures() == 0


def test_census_import_through_the_page(app, client, login, schools):
    login("sla")
    ok = client.post("/census/import", data={"file": (io.BytesIO(CENSUS.read_bytes()), "census_2025.csv")},
                     content_type="multipart/form-data", follow_redirects=True)
    html = ok.get_data(as_text=True)
    assert "Census imported: 5 added, 0 updated, 0 unchanged." in html
    assert "<td>2025-01</td><td class=\"num\">2</td>" in html and "<td>2024-10</td><td class=\"num\">3</td>" in html

    bad = client.post("/census/import", data={"file": (io.BytesIO(
        b"urn,census,pupils\n103702,2025-01,60\n123456,2025-01,lots\n"), "january.csv")},
        content_type="multipart/form-data")
    html = unescape(bad.get_data(as_text=True))
    assert bad.status_code == 400
    assert 'role="alert"' in html and "january.csv was refused; nothing was changed." in html
    assert "row 3, column pupils: 'lots' is not a whole number" in html
    assert count_figures() == 5 and (103702, "2025-01") not in figures()

    national = client.post("/census/import", data={"file": (io.BytesIO(
        b"urn,census,pupils\n103702,2025-01,60\n123456,2025-01,200\n234567,2025-01,90\n"), "england.csv")},
        content_type="multipart/form-data", follow_redirects=True)
    html = unescape(national.get_data(as_text=True))
    assert "Census imported: 1 added, 0 updated, 0 unchanged, 2 not in the register." in html
    assert "Not in the register, so not imported: URNs 123456, 234567." in html
    assert figures()[(103702, "2025-01")] == (60, "census")


def test_a_dfe_file_of_all_england_imports_the_councils_schools(app, schools, tmp_path):
    """Issue #28: schools not in the register are counted and listed, not a refusal of the file."""
    path = tmp_path / "england.csv"
    path.write_text("urn,census,pupils\n103700,2025-01,412\n" + "".join(
        f"{urn},2025-01,{urn % 500}\n" for urn in range(500001, 500026)) + "500001,2025-10,7\n")
    result = run(app, "census", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated, 0 unchanged, 25 not in the register." in result.output
    assert "not in the register (not imported): URNs 500001, 500002," in result.output
    assert "500020 and 5 more" in result.output
    assert figures() == {(103700, "2025-01"): (412, "census")}
    only_unknown = tmp_path / "elsewhere.csv"
    only_unknown.write_text("urn,census,pupils\n500001,2025-01,30\n")
    result = run(app, "census", "import", str(only_unknown))
    assert result.exit_code == 0 and "0 added, 0 updated, 0 unchanged, 1 not in the register." in result.output
    assert "URN 500001" in result.output


# -- which census prices a year ------------------------------------------------------------------

def test_january_census_prices_the_year_by_default(app, schools):
    run(app, "census", "import", str(CENSUS))
    run(app, "prices", "import", str(PRICES_2025), "--year", "2025")
    check = price_school(schools["allesley"], price_lists.draft(2025), [("SIMS-SUPPORT", Decimal(1))])
    assert check.census.label == "2025-01" and check.pupils == 412
    assert check.lines[0].explanation == "412 pupils (January 2025 census) x £3.10 = £1,277.20"
    assert check.lines[0].annual == Decimal("1277.20")


def test_a_list_can_price_from_the_preceding_october_census(app, schools):
    run(app, "census", "import", str(CENSUS))
    run(app, "prices", "import", str(PRICES_2025), "--year", "2025", "--census-basis", "october")
    check = price_school(schools["allesley"], price_lists.draft(2025), [("SIMS-SUPPORT", Decimal(1))])
    assert check.census.label == "2024-10" and check.pupils == 405
    assert check.lines[0].explanation == "405 pupils (October 2024 census) x £3.10 = £1,255.50"


# -- the missing-figure report and the manual override --------------------------------------------

def missing_urns(html: str) -> list[int]:
    table = html[html.index('id="missing"'):html.index("</table>", html.index('id="missing"'))]
    return [urn for urn in (103700, 140001, 103702, 103799) if f"<td>{urn}</td>" in table]


def test_missing_report_lists_schools_with_no_figure_in_the_census_the_list_uses(app, client, login, schools,
                                                                                make_school):
    make_school(urn=103799, name="Old Closed School", status="Closed")
    run(app, "census", "import", str(CENSUS))
    run(app, "prices", "import", str(PRICES_2025), "--year", "2025")
    login("finance")
    html = client.get("/census/missing?year=2025").get_data(as_text=True)
    assert "No January 2025 census figure" in html
    assert "The 2025-26 prices use the January 2025 census." in html
    assert missing_urns(html) == [103702]  # the new school; never the closed one
    assert "they are never priced at £0" in html
    assert 'name="s103702-pupils"' not in html  # finance reads only

    result = run(app, "census", "missing", "--year", "2025")
    assert result.exit_code == 0
    assert "1 school(s) with no January 2025 census figure:\n  103702 Canley Vale Primary School" in result.output

    # The same year priced from October: every open school has an October 2024 figure.
    price_lists.draft(2025).census_basis = "october"
    db.session.commit()
    html = client.get("/census/missing?year=2025").get_data(as_text=True)
    assert "No October 2024 census figure" in html and missing_urns(html) == []
    assert "Every school has a figure in the October 2024 census." in html
    assert "0 school(s) with no October 2024 census figure" in run(app, "census", "missing", "--year", "2025").output


def test_price_check_reports_a_missing_figure_instead_of_pricing_at_zero(app, schools):
    run(app, "census", "import", str(CENSUS))
    run(app, "prices", "import", str(PRICES_2025), "--year", "2025")
    check = price_school(schools["canley"], price_lists.draft(2025),
                         [("SIMS-SUPPORT", Decimal(1)), ("EMAIL", Decimal(1))])
    assert check.pupils is None and not check.complete
    assert [(p.service_code, p.reason) for p in check.problems] == [
        ("SIMS-SUPPORT", "Canley Vale Primary School (URN 103702) has no pupil figure for the January 2025 census")]
    assert [(line.service_code, line.annual) for line in check.lines] == [("EMAIL", Decimal("780.00"))]


def override(client, urn, pupils, note, census="2025-01", year=2025):
    return client.post("/census/override", data={
        "prefix": f"s{urn}", "year": str(year), f"s{urn}-urn": str(urn), f"s{urn}-census": census,
        f"s{urn}-pupils": str(pupils), f"s{urn}-note": note})


def test_sla_team_enters_an_audited_figure_for_a_new_school(app, client, login, schools):
    run(app, "census", "import", str(CENSUS))
    run(app, "prices", "import", str(PRICES_2025), "--year", "2025")
    user = login("sla")
    page = client.get("/census/missing?year=2025").get_data(as_text=True)
    assert 'name="s103702-pupils"' in page and 'name="s103702-note"' in page

    response = override(client, 103702, 60, "new school: 60 pupils per admissions")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Canley Vale Primary School: 60 pupils recorded for the 2025-01 census "
            "(new school: 60 pupils per admissions).") in html
    assert missing_urns(html) == []
    assert figures()[(103702, "2025-01")] == (60, "override")

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "CensusFigure",
                                                       AuditEvent.action == "create"))
    assert event.actor_label == user.email
    assert event.changes["note"] == "new school: 60 pupils per admissions" and event.changes["pupils"] == 60
    school_page = client.get("/schools/103702").get_data(as_text=True)
    assert "manual override: new school: 60 pupils per admissions" in school_page

    check = price_school(schools["canley"], price_lists.draft(2025), [("SIMS-SUPPORT", Decimal(1))])
    assert check.lines[0].explanation == ("60 pupils (January 2025 census) x £3.10 = £186.00; "
                                          "minimum charge applies: £950.00")

    # The real figure, when it comes, replaces the stop-gap.
    path = Path(app.instance_path) / "census_january.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("urn,census,pupils\n103702,2025-01,57\n")
    result = run(app, "census", "import", str(path))
    assert "0 added, 1 updated, 0 unchanged, 1 manual override(s) replaced" in result.output
    assert figures()[(103702, "2025-01")] == (57, "census")


@pytest.mark.parametrize("pupils, note, field, message", [
    ("60", "", "note", "Say where the figure comes from."),
    ("", "new school", "pupils", "Give the number of pupils."),
    ("-4", "new school", "pupils", "Pupils must be a whole number from 1 to 100000."),
    ("sixty", "new school", "pupils", "Not a valid integer value."),
])
def test_a_bad_override_shows_the_error_beside_its_field(app, client, login, schools, pupils, note, field,
                                                          message):
    run(app, "census", "import", str(CENSUS))
    login("sla")
    response = override(client, 103702, pupils, note)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="s103702-{field}-error">{message}</span>' in html
    assert 'aria-invalid="true"' in html
    assert (103702, "2025-01") not in figures()


def test_a_census_figure_is_not_overridden_by_hand(app, client, login, schools):
    run(app, "census", "import", str(CENSUS))
    login("sla")
    html = client.get(override(client, 103700, 500, "school says so").headers["Location"]).get_data(as_text=True)
    assert ("Allesley Primary School has a census figure for 2025-01 (412); a census figure is not overridden "
            "by hand") in html
    assert figures()[(103700, "2025-01")] == (412, "census")

    tampered = client.get(override(client, 103702, 60, "new school", census="2025-07").headers["Location"])
    assert "census must be YYYY-01 or YYYY-10, not &#39;2025-07&#39;" in tampered.get_data(as_text=True)
    assert (103702, "2025-07") not in figures()
    unknown = client.get(override(client, 99999999999999999999, 60, "new school").headers["Location"])
    assert "No school with URN 99999999999999999999." in unknown.get_data(as_text=True)
    with pytest.raises(ActionRefused, match="say where the figure comes from"):
        census_service.set_override(schools["canley"], "2025-01", 60, "  ")


def test_missing_report_for_a_year_out_of_range_is_not_found(app, client, login):
    login("sla")
    assert client.get("/census/missing?year=1").status_code == 400  # issue #15 item 8: a clear 400
    result = run(app, "census", "missing", "--year", "1")
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_missing_report_pages_through_a_long_list(app, client, login, make_school):
    app.config["PAGE_SIZE"] = 5
    for i in range(12):
        make_school(urn=104000 + i, name=f"New School {i:02d}")
    login("sla")
    first = client.get("/census/missing?year=2025").get_data(as_text=True)
    assert "Page 1 of 3: 1&ndash;5 of 12" in first and "New School 04" in first and "New School 05" not in first
    third = client.get("/census/missing?year=2025&page=3").get_data(as_text=True)
    assert "New School 10" in third and "New School 11" in third and "New School 09" not in third
    assert "/census/missing?year=2025&amp;page=2" in third

    bad = client.post("/census/override", data={"prefix": "s104011", "year": "2025", "page": "3",
                                                "s104011-urn": "104011", "s104011-census": "2025-01",
                                                "s104011-pupils": "30", "s104011-note": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Page 3 of 3" in html
    assert 'id="s104011-note-error">Say where the figure comes from.</span>' in html


# -- issue 15 item 12: a census figure of 0 pupils is impossible ------------------------------

ZERO_REASON = "0 pupils is not a census figure: a school on the census has at least 1 pupil"


def test_a_census_row_of_0_pupils_is_refused_with_its_row_by_command_and_page(app, client, login, schools,
                                                                             tmp_path):
    path = tmp_path / "census.csv"
    path.write_text("urn,census,pupils\n103700,2025-01,412\n103702,2025-01,0\n")
    result = run(app, "census", "import", str(path))
    assert result.exit_code == 1, result.output
    assert f"row 3, column pupils: {ZERO_REASON}" in result.output
    assert count_figures() == 0
    login("sla")
    page = client.post("/census/import", data={"file": (io.BytesIO(path.read_bytes()), "census.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 400
    assert f"row 3, column pupils: {ZERO_REASON}" in unescape(page.get_data(as_text=True))
    assert count_figures() == 0


def test_a_manual_figure_of_0_pupils_is_refused(app, client, login, schools):
    run(app, "census", "import", str(CENSUS))
    login("sla")
    response = override(client, 103702, 0, "new school")
    assert response.status_code == 400
    assert 'id="s103702-pupils-error">Pupils must be a whole number from 1 to 100000.</span>' in response.get_data(
        as_text=True)
    assert (103702, "2025-01") not in figures()
    with pytest.raises(ActionRefused, match=ZERO_REASON):
        census_service.set_override(schools["canley"], "2025-01", 0, "new school")
    assert (103702, "2025-01") not in figures()
