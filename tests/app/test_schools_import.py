"""`schools import`: a real-shaped cp1252 GIAS extract and every kind of bad input."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, School
from pricing.errors import ImportRefused
from contracts_app.services.schools import import_schools

DATA = Path(__file__).resolve().parent.parent / "data"
GIAS = DATA / "gias_extract_cp1252.csv"
HEADER = "URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name),NumberOfPupils,Postcode\r\n"


def school(urn: int) -> School:
    return db.session.scalar(select(School).where(School.urn == urn))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(School))


def test_cp1252_extract_imports_with_types_derived(app):
    report = import_schools(GIAS, GIAS.name)
    assert (report.added, report.updated, report.unchanged, len(report.skipped)) == (8, 0, 0, 1)
    assert "103799 Old Mill Primary School" in report.skipped[0]
    st_marys = school(103701)
    assert st_marys.name == "St Mary’s Catholic Primary School"  # curly apostrophe survives cp1252
    assert st_marys.head_name == "Seán O’Neill"
    assert st_marys.customer_type == "maintained"
    assert school(103702).gias_pupils is None  # nursery with no pupil count is fine
    assert school(103702).customer_type == "maintained"
    assert school(103703).customer_type == "maintained"  # community special
    assert school(140001).customer_type == "academy"
    assert school(145002).customer_type == "academy"  # free school (§3: treated as academy)
    assert school(130000).customer_type == "academy"  # independent
    assert school(125500).customer_type == "academy"  # maintained by another LA
    assert school(103799) is None


def test_reimport_reports_unchanged_and_updates_by_urn(app):
    import_schools(GIAS, GIAS.name)
    again = import_schools(GIAS, GIAS.name)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 8)
    changed = GIAS.read_bytes().replace(b"Allesley Primary School", b"Allesley Park Primary School")
    third = import_schools(changed, "changed.csv")
    assert (third.added, third.updated, third.unchanged) == (0, 1, 7)
    assert school(103700).name == "Allesley Park Primary School"
    assert school(103700).name_lower == "allesley park primary school"
    update = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update",
                                                        AuditEvent.entity_type == "School"))
    assert update.changes["name"] == ["Allesley Primary School", "Allesley Park Primary School"]


def test_manual_override_survives_reimport(app):
    import_schools(GIAS, GIAS.name)
    s = school(125500)
    s.customer_type_override = "maintained"
    s.override_reason = "service agreement with Warwickshire"
    s.refresh_derived_fields()
    db.session.commit()
    changed = GIAS.read_bytes().replace(b"School Road", b"School Lane")
    import_schools(changed, "changed.csv")
    assert school(125500).customer_type == "maintained"
    assert school(125500).street == "School Lane"


def test_utf8_with_bom_accepted(app):
    text = HEADER + "103700,Allesley’s Primary,Community school,141,Coventry,412,CV5 9FY\r\n"
    report = import_schools(("\ufeff" + text).encode("utf-8"), "utf8.csv")
    assert report.added == 1
    assert school(103700).name == "Allesley’s Primary"


def refused(data: bytes | str, source: str = "bad.csv") -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        import_schools(data.encode("utf-8") if isinstance(data, str) else data, source)
    db.session.rollback()
    assert count() == 0, "a refused import must write nothing"
    return info.value


def test_not_a_gias_extract(app):
    error = refused("urn,census,pupils\n103700,2025-01,412\n")
    assert "not a GIAS extract" in error.message
    assert "column EstablishmentName" in error.message


def test_missing_column_named(app):
    error = refused("URN,EstablishmentName,TypeOfEstablishment (name),LA (code)\n1,A,Community school,141\n")
    assert [str(p.column) for p in error.problems] == ["LA (name)"]


def test_non_numeric_pupils_names_row_and_column(app):
    error = refused(HEADER + "103700,A,Community school,141,Coventry,412,CV1\n"
                             "103701,B,Community school,141,Coventry,lots,CV1\n")
    assert len(error.problems) == 1
    assert (error.problems[0].row, error.problems[0].column) == (3, "NumberOfPupils")
    assert "'lots' is not a whole number" in error.message


def test_duplicate_urn_refused_whole(app):
    error = refused(HEADER + "103700,A,Community school,141,Coventry,1,CV1\n"
                             "103701,B,Community school,141,Coventry,2,CV1\n"
                             "103700,C,Community school,141,Coventry,3,CV1\n")
    assert "row 4, column URN: duplicate URN 103700 (also on row 2)" in error.message


def test_bad_urn_and_empty_name(app):
    error = refused(HEADER + "abc,A,Community school,141,Coventry,1,CV1\n"
                             "103701,,Community school,141,Coventry,2,CV1\n")
    where = {(p.row, p.column) for p in error.problems}
    assert where == {(2, "URN"), (3, "EstablishmentName")}


def test_empty_and_binary_files(app):
    assert "empty" in refused(b"").message
    assert "neither UTF-8 nor Windows-1252" in refused(b"\x81\x8d\x8f\x90\x9d" * 10).message


def test_ragged_csv_refused(app):
    error = refused(HEADER + '103700,A,Community school,141,Coventry,1,CV1,extra,"x\n')
    assert error.problems


def test_existing_data_untouched_when_refused(app):
    import_schools(GIAS, GIAS.name)
    bad = GIAS.read_bytes().replace(b'"412"', b'"four"')
    with pytest.raises(ImportRefused):
        import_schools(bad, "bad.csv")
    db.session.rollback()
    assert count() == 8
    assert school(103700).gias_pupils == 412


def test_row_with_more_cells_than_the_header_is_named(app):
    error = refused(HEADER + "103700,A,Community school,141,Coventry,1,CV1\n"
                             "103701,B,Community school,141,Coventry,2,CV1,surprise\n")
    assert [(p.row, p.reason) for p in error.problems] == [(3, "8 cells but the header has 7 columns")]


def test_older_extracts_naming_la_nursery_schools_make_them_maintained(app):
    """Issue 15 item 13: "LA nursery school" / "LA Nursery School" (older GIAS extracts) is maintained."""
    report = import_schools((HEADER + "103702,Canley Nursery,LA Nursery School,141,Coventry,60,CV4 8DY\r\n"
                                     "103703,Hillfields Nursery,LA nursery school,141,Coventry,70,CV1 5GR\r\n"
                                     "103704,Tile Hill PRU,Pupil Referral Unit,141,Coventry,20,CV4 9PX\r\n"
                                     "103705,Woodlands,Foundation Special School,141,Coventry,90,CV5 7FF\r\n"
                            ).encode(), "old.csv")
    assert report.added == 4
    assert [school(urn).customer_type for urn in (103702, 103703, 103704, 103705)] == ["maintained"] * 4


def test_schools_import_command_derives_maintained_from_an_old_type_name(app, tmp_path):
    path = tmp_path / "gias.csv"
    path.write_text(HEADER + "103702,Canley Nursery,LA Nursery School,141,Coventry,60,CV4 8DY\r\n")
    result = app.test_cli_runner().invoke(args=["schools", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert school(103702).customer_type == "maintained"
