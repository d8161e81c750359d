"""`schools links import` (issue #28): GIAS's links file, as published, replaces the stored links,
all or nothing; the command, the page and the job queue all use the one service."""
from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, Job, SchoolLink
from contracts_app.services import jobs
from contracts_app.services.register.links import import_links
from pricing.errors import ImportRefused

LINKS_FILE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gias" / "links_edubasealldata20250422.csv"
real_file = pytest.mark.skipif(not LINKS_FILE.exists(), reason="the shared GIAS data is not beside this clone")
HEADER = '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\r\n'
SMALL = (HEADER + '990003,150003,"Academy of the Vale","Successor","30-11-2026"\r\n'
         '150003,990003,"Vale Primary School","Predecessor","01-12-2026"\r\n'
         '990004,990005,"Merged School","Successor - merged",""\r\n')


def stored() -> dict[tuple[int, int, str], tuple[str, date | None]]:
    return {(link.urn, link.link_urn, link.link_type): (link.link_name, link.established_on)
            for link in db.session.scalars(select(SchoolLink))}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(SchoolLink))


@real_file
def test_the_real_links_file_imports_in_seconds_and_again_changes_nothing(app):
    start = time.monotonic()
    report = import_links(LINKS_FILE, LINKS_FILE.name)
    seconds = time.monotonic() - start
    assert (report.added, report.removed, report.unchanged, report.updated) == (33801, 0, 0, 0)
    assert count() == 33801
    assert seconds < 30, seconds  # bulk: a few seconds even on a busy shared machine
    types = set(db.session.scalars(select(SchoolLink.link_type).distinct()))
    # Every type kept as GIAS spells it, the 62-character one (sic) included.
    assert {"Successor", "Predecessor", "Result of Amalgamation", "Successor - Split School", "Closure",
            "Merged - expansion in school capacity and changer in age range"} <= types and len(types) == 17
    links = stored()
    assert links[(126370, 150893, "Successor")] == ("Westbury Leigh CofE Primary School", date(2024, 8, 31))
    assert links[(100016, 132245, "Successor")] == ("Kingsgate Primary School", None)  # a blank date
    again = import_links(LINKS_FILE, LINKS_FILE.name)
    assert again.summary() == "0 added, 0 removed, 33801 unchanged"
    assert count() == 33801
    events = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.entity_type == "SchoolLink")).all()
    assert len(events) == 2 and "33801 added" in events[0] and "33801 unchanged" in events[1]


def test_a_new_file_replaces_the_links_it_no_longer_has(app):
    assert import_links(SMALL.encode("cp1252"), "links.csv").summary() == "3 added, 0 removed, 0 unchanged"
    changed = (HEADER + '990003,150003,"Academy of the Vale","Successor","30-11-2026"\r\n'
               '150003,990003,"Vale Primary School","Predecessor","02-12-2026"\r\n'
               '990006,150006,"Another Academy","Successor",""\r\n')
    report = import_links(changed.encode("cp1252"), "links2.csv")
    assert report.summary() == "1 added, 1 removed, 1 unchanged, 1 updated"
    assert stored() == {(990003, 150003, "Successor"): ("Academy of the Vale", date(2026, 11, 30)),
                        (150003, 990003, "Predecessor"): ("Vale Primary School", date(2026, 12, 2)),
                        (990006, 150006, "Successor"): ("Another Academy", None)}


def test_cp1252_and_utf8_names_are_read_alike(app):
    name = "St Mary’s Catholic Primary School"
    import_links((HEADER + f'1,2,"{name}","Successor",""\r\n').encode("cp1252"), "cp1252.csv")
    assert stored()[(1, 2, "Successor")][0] == name
    again = import_links(("\ufeff" + HEADER + f'1,2,"{name}","Successor",""\r\n').encode("utf-8"), "utf8.csv")
    assert again.summary() == "0 added, 0 removed, 1 unchanged"


BAD_ROWS = [
    pytest.param('abc,150003,"A","Successor",""', "row 3, column URN: 'abc' is not a whole number", id="URN"),
    pytest.param('990003,,"A","Successor",""', "row 3, column LinkURN: is empty", id="no LinkURN"),
    pytest.param('990003,150009,"A","",""', "row 3, column LinkType: is empty", id="no LinkType"),
    pytest.param('990003,150009,"A","Successor","31-11-2026"',
                 "row 3, column LinkEstablishedDate: '31-11-2026' is not a date (no such day)", id="no such day"),
    pytest.param('990003,150009,"A","Successor","2026-11-30"',
                 "row 3, column LinkEstablishedDate: '2026-11-30' is not a date written DD-MM-YYYY", id="ISO date"),
    pytest.param('990003,150003,"A","Successor",""',
                 "row 3, column LinkType: URN 990003 is linked to 150003 as 'Successor' twice (also on row 2)",
                 id="duplicate"),
    pytest.param('990003,150009,"' + "A" * 201 + '","Successor",""',
                 "row 3, column LinkName: is 201 characters long; at most 200 fit", id="long name"),
    pytest.param('990003,150009,"A\nB","Successor",""', "row 3, column LinkName", id="line break in a name"),
]


@pytest.mark.parametrize("bad_row, message", BAD_ROWS)
def test_a_malformed_row_refuses_the_file_naming_row_and_column(app, bad_row, message):
    import_links(SMALL.encode(), "links.csv")
    before = stored()
    data = HEADER + '990003,150003,"Academy of the Vale","Successor","30-11-2026"\r\n' + bad_row + "\r\n"
    with pytest.raises(ImportRefused) as refused:
        import_links(data.encode(), "bad.csv")
    db.session.rollback()
    assert message in refused.value.message
    assert stored() == before  # nothing changed


def test_not_a_links_file_and_an_empty_one(app):
    with pytest.raises(ImportRefused) as refused:
        import_links(b"URN,EstablishmentName\n1,A\n", "gias.csv")
    assert "row 1, column LinkURN: missing column: this is not a GIAS links file" in refused.value.message
    with pytest.raises(ImportRefused) as refused:
        import_links(HEADER.encode(), "empty.csv")
    assert "the file has no link rows" in refused.value.message


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_the_command_imports_and_refuses(app, tmp_path):
    path = tmp_path / "links_edubasealldata20261201.csv"
    path.write_bytes(SMALL.encode("cp1252"))
    result = run(app, "schools", "links", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Links import from links_edubasealldata20261201.csv: 3 added, 0 removed, 0 unchanged." in result.output
    assert "0 added, 0 removed, 3 unchanged" in run(app, "schools", "links", "import", str(path)).output
    path.write_text(HEADER + '990003,150003,"A","Successor","30/11/2026"\r\n')
    bad = run(app, "schools", "links", "import", str(path))
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "row 2, column LinkEstablishedDate: '30/11/2026' is not a date written DD-MM-YYYY" in bad.output
    assert count() == 3


def test_the_page_imports_a_small_file_and_queues_a_long_one(app, client, login):
    login("sla")
    page = client.get("/schools/links/import")
    assert page.status_code == 200 and "LinkEstablishedDate" in page.get_data(as_text=True)
    ok = client.post("/schools/links/import", data={"file": (io.BytesIO(SMALL.encode("cp1252")), "links.csv")},
                     content_type="multipart/form-data")
    assert ok.status_code == 200 and "Links imported: 3 added, 0 removed, 0 unchanged." in ok.get_data(as_text=True)
    bad = client.post("/schools/links/import", data={"file": (io.BytesIO(
        (HEADER + '1,x,"A","Successor",""\r\n').encode()), "bad.csv")}, content_type="multipart/form-data")
    assert "row 2, column LinkURN: &#39;x&#39; is not a whole number" in bad.get_data(as_text=True)
    assert count() == 3

    app.config["IMPORT_INLINE_BYTES"] = 100  # the real file is 2.4 MB: the queue imports it
    long = client.post("/schools/links/import", data={"file": (io.BytesIO(SMALL.encode()), "national.csv")},
                       content_type="multipart/form-data")
    assert long.status_code == 302 and "/jobs/" in long.headers["Location"]
    job = db.session.scalar(select(Job))
    assert job.kind == "import_school_links"
    assert "Import GIAS links" in client.get(long.headers["Location"]).get_data(as_text=True)
    done = jobs.execute(job.id)
    assert done.state == "done", done.error
    assert done.summary["summary"] == "0 added, 0 removed, 3 unchanged"
