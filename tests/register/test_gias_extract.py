"""`schools import` reads what GIAS says (issue #28): open and close dates and reasons, and a school
of the register that closes is updated, not skipped. Real extract rows where the shared data is."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, School
from contracts_app.services.schools import import_schools
from pricing.errors import ImportRefused
from register.extract import BadDate, gias_date, is_closed, is_proposed_to_close, reason

GIAS_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gias"
REAL_2024 = GIAS_DATA / "gias_itt_subset_2024.csv"
real_file = pytest.mark.skipif(not REAL_2024.exists(), reason="the shared GIAS data is not beside this clone")
HEADER = ("URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name),EstablishmentStatus (name),"
          "OpenDate,ReasonEstablishmentOpened (name),CloseDate,ReasonEstablishmentClosed (name)\r\n")
OPEN = "990003,Vale Primary School,Community school,141,Coventry,Open,01-09-1975,Not applicable,,Not applicable\r\n"
CLOSING = ("990003,Vale Primary School,Community school,141,Coventry,Closed,01-09-1975,Not applicable,30-11-2026,"
           "Academy converter\r\n")
ACADEMY = ("150003,Vale Academy,Academy converter,141,Coventry,Open,01-12-2026,Academy Converter,,"
           "Not applicable\r\n")


def school(urn: int) -> School | None:
    db.session.expire_all()
    return db.session.scalar(select(School).where(School.urn == urn))


def test_gias_dates_statuses_and_reasons():
    assert gias_date("01-12-2026") == date(2026, 12, 1) and gias_date(" ") is None
    for bad in ("2026-12-01", "1-12-2026", "31-02-2026", "01/12/2026", "０１-12-2026"):
        with pytest.raises(BadDate):
            gias_date(bad)
    assert is_closed("Closed") and not is_closed("Open, but proposed to close")
    assert is_proposed_to_close("Open, but proposed to close") and not is_proposed_to_close("Open")
    assert reason("Not applicable") == "" and reason(" Academy converter ") == "Academy converter"


def test_a_closing_row_updates_the_school_and_a_new_academy_is_added(app):
    first = import_schools((HEADER + OPEN).encode(), "open.csv")
    assert first.added == 1
    vale = school(990003)
    assert (vale.status, vale.opened_on, vale.open_reason, vale.closed_on, vale.close_reason) == (
        "Open", date(1975, 9, 1), "", None, "")
    report = import_schools((HEADER + CLOSING + ACADEMY).encode(), "conversion.csv")
    # Was "1 added, 1 skipped (closed)": the school never closed in the register.
    assert report.summary() == "1 added, 1 updated (1 closed), 0 unchanged, 0 skipped (closed)"
    assert report.closed == ["990003 Vale Primary School"]
    vale = school(990003)
    assert (vale.status, vale.closed_on, vale.close_reason) == ("Closed", date(2026, 11, 30), "Academy converter")
    academy = school(150003)
    assert (academy.status, academy.opened_on, academy.open_reason, academy.customer_type) == (
        "Open", date(2026, 12, 1), "Academy Converter", "academy")
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update",
                                                        AuditEvent.entity_type == "School"))
    assert change.changes["closed_on"] == [None, "2026-11-30"] and change.changes["status"] == ["Open", "Closed"]
    again = import_schools((HEADER + CLOSING + ACADEMY).encode(), "conversion.csv")
    assert again.summary() == "0 added, 0 updated, 2 unchanged, 0 skipped (closed)"


def test_a_closed_row_of_a_school_not_in_the_register_is_still_skipped(app):
    report = import_schools((HEADER + CLOSING + ACADEMY).encode(), "conversion.csv")
    assert (report.added, report.skipped) == (1, ["990003 Vale Primary School"])
    assert school(990003) is None


def test_a_school_proposed_to_open_is_added(app):
    row = "150004,New Free School,Free schools,141,Coventry,Proposed to open,01-09-2027,New Provision,,\r\n"
    assert import_schools((HEADER + row).encode(), "new.csv").added == 1
    assert (school(150004).status, school(150004).opened_on) == ("Proposed to open", date(2027, 9, 1))


@pytest.mark.parametrize("cell, column, message", [
    ("31-11-2026", "CloseDate", "'31-11-2026' is not a date (no such day)"),
    ("2026-11-30", "CloseDate", "'2026-11-30' is not a date written DD-MM-YYYY"),
    ("30/11/2026", "CloseDate", "'30/11/2026' is not a date written DD-MM-YYYY"),
])
def test_a_bad_close_date_refuses_the_file_naming_row_and_column(app, cell, column, message):
    import_schools((HEADER + OPEN).encode(), "open.csv")
    bad = CLOSING.replace("30-11-2026", cell)
    with pytest.raises(ImportRefused) as refused:
        import_schools((HEADER + ACADEMY + bad).encode(), "bad.csv")
    db.session.rollback()
    assert f"row 3, column {column}: {message}" in refused.value.message
    assert school(990003).status == "Open" and school(150003) is None  # nothing changed


def test_a_bad_open_date_is_named_too(app):
    with pytest.raises(ImportRefused) as refused:
        import_schools((HEADER + ACADEMY.replace("01-12-2026", "1 Dec 2026")).encode(), "bad.csv")
    assert "row 2, column OpenDate: '1 Dec 2026' is not a date written DD-MM-YYYY" in refused.value.message


@real_file
def test_real_2024_extract_rows_as_published(app, make_school):
    # 100004 closed in 1992: a register holding it (as open) learns it closed; 101077 was never held.
    make_school(urn=100004, name="Sherborne Nursery School", establishment_type="Local authority nursery school",
                la_code=202)
    report = import_schools(REAL_2024, REAL_2024.name)
    assert (report.added, report.updated, report.skipped) == (6, 1, ["101077 The Dominie School Limited"])
    assert report.closed == ["100004 Sherborne Nursery School"]
    sherborne = school(100004)
    assert (sherborne.status, sherborne.closed_on, sherborne.close_reason) == ("Closed", date(1992, 8, 31), "")
    chudleigh = school(137666)
    assert (chudleigh.opened_on, chudleigh.open_reason) == (date(2011, 11, 1), "Academy Converter")
    westbury = school(126370)
    assert (westbury.status, westbury.closed_on, westbury.close_reason) == (
        "Open, but proposed to close", date(2024, 7, 31), "For Academy")
    assert school(100000).open_reason == ""  # GIAS's "Not applicable"


def test_the_upload_page_reports_schools_closed(app, client, login):
    login("sla")
    client.post("/schools/import", data={"file": (io.BytesIO((HEADER + OPEN).encode()), "open.csv")},
                content_type="multipart/form-data")
    page = client.post("/schools/import", data={"file": (io.BytesIO((HEADER + CLOSING).encode()), "closing.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Schools imported: 0 added, 1 updated (1 closed), 0 unchanged, 0 skipped (closed)." in page
    assert "CloseDate" in page  # the page says what the import reads
