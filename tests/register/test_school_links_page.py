"""Each school's page and `GET /api/v1/schools/URN` show its GIAS status, dates and reasons, and its
predecessors and successors (issue #28); a school proposed to close shows an upcoming change."""
from __future__ import annotations

from datetime import date
from html import unescape
from pathlib import Path

import pytest

from contracts_app.services.register.links import import_links, links_of
from contracts_app.services.schools import import_schools
from contracts_app.services.users import issue_token
from tests.register.test_gias_extract import ACADEMY, CLOSING, HEADER

GIAS_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gias"
LINKS_FILE = GIAS_DATA / "links_edubasealldata20250422.csv"
REAL_2024 = GIAS_DATA / "gias_itt_subset_2024.csv"
real_files = pytest.mark.skipif(not LINKS_FILE.exists() or not REAL_2024.exists(),
                                reason="the shared GIAS data is not beside this clone")
LINKS_HEADER = '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\r\n'
CONVERSION_LINKS = (LINKS_HEADER + '990003,150003,"Vale Academy","Successor","30-11-2026"\r\n'
                    '150003,990003,"Vale Primary School","Predecessor","01-12-2026"\r\n'
                    # Recorded only on the other school's row: still a predecessor of 150003.
                    '990007,150003,"Vale Academy","Successor - merged","30-11-2026"\r\n'
                    '990003,990008,"Vale Sixth Form","Sixth Form Centre Link",""\r\n')


@pytest.fixture
def conversion(app, make_school):
    make_school(urn=990003, name="Vale Primary School")
    import_schools((HEADER + CLOSING + ACADEMY).encode(), "conversion.csv")
    import_links(CONVERSION_LINKS.encode(), "links.csv")


def test_a_conversion_shows_on_both_schools_pages(conversion, client, login):
    login("finance")
    old = unescape(client.get("/schools/990003").get_data(as_text=True))
    assert "Closed" in old and "30 November 2026 · Academy converter" in old
    assert '<a href="/schools/150003">150003</a>' in old and "Vale Academy" in old and "Successor" in old
    assert "Sixth Form Centre Link" not in old  # not a succession
    assert "Upcoming change" not in old
    new = unescape(client.get("/schools/150003").get_data(as_text=True))
    assert "1 December 2026 · Academy Converter" in new
    assert '<a href="/schools/990003">990003</a>' in new and "Predecessor" in new
    # 990007 names 150003 as its successor; 990007 is not in the register: no link to a page.
    assert "990007" in new and '<a href="/schools/990007">' not in new and "(not in the register)" in new


def test_links_are_read_from_both_ends(conversion):
    from contracts_app.services.schools import by_urn

    links = links_of(by_urn(150003))
    # By date: each school's own row gives the type and date it records.
    assert [(p.urn, p.link_type, p.established_on, p.in_register) for p in links.predecessors] == [
        (990007, "Successor - merged", date(2026, 11, 30), False), (990003, "Predecessor", date(2026, 12, 1), True)]
    assert links.successors == [] and not links.upcoming


def test_the_api_gives_status_dates_and_links(conversion, client, make_user):
    token = issue_token(make_user("sla").email)
    body = client.get("/api/v1/schools/150003", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (body["status"], body["opened_on"], body["closed_on"]) == ("Open", "2026-12-01", None)
    assert body["open_reason"] == "Academy Converter" and body["change_proposed"] is False
    assert body["predecessors"] == [
        {"urn": 990007, "name": "", "link_type": "Successor - merged", "established_on": "2026-11-30"},
        {"urn": 990003, "name": "Vale Primary School", "link_type": "Predecessor", "established_on": "2026-12-01"}]
    assert body["successors"] == []
    old = client.get("/api/v1/schools/990003", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (old["status"], old["closed_on"], old["close_reason"]) == ("Closed", "2026-11-30", "Academy converter")
    assert old["successors"] == [{"urn": 150003, "name": "Vale Academy", "link_type": "Successor",
                                  "established_on": "2026-11-30"}]


def test_a_school_user_sees_its_own_links_and_not_another_schools(conversion, client, login):
    from contracts_app.services.schools import by_urn

    login("school", school=by_urn(150003))
    assert "Predecessors" in client.get("/schools/150003").get_data(as_text=True)
    assert client.get("/schools/990003").status_code == 404


def test_a_school_without_links_says_so(app, make_school, client, login):
    make_school(urn=990009)
    login("sla")
    assert "names no predecessor or successor" in client.get("/schools/990009").get_data(as_text=True)


@real_files
def test_real_files_proposed_to_close_is_an_upcoming_change(app, client, login):
    import_schools(REAL_2024, REAL_2024.name)
    with LINKS_FILE.open("rb") as handle:  # the real rows of these schools, as published
        lines = handle.read().split(b"\r\n")
    rows = [line for line in lines[1:] if line.split(b",")[0] in (b"126370", b"150893", b"137666", b"113393")]
    import_links(b"\r\n".join([lines[0], *rows]) + b"\r\n", LINKS_FILE.name)
    login("sla")
    westbury = unescape(client.get("/schools/126370").get_data(as_text=True))
    assert 'id="upcoming-change"' in westbury
    assert "open, but proposed to close</strong> on 31 July 2024" in westbury
    assert "Westbury Leigh CofE Primary School (150893)" in westbury and "Successors (proposed)" in westbury
    chudleigh = unescape(client.get("/schools/137666").get_data(as_text=True))
    assert "113393" in chudleigh and "Predecessor" in chudleigh and "1 November 2011" in chudleigh
    assert 'id="upcoming-change"' not in chudleigh
