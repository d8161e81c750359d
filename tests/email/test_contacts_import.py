"""`schools contacts import`: all or nothing, every problem by row and column, matched by URN and email."""
from __future__ import annotations

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import KeyStakeholder
from contracts_app.services.contacts import contacts_for, import_contacts

HEADER = "urn,name,role,email,phone,invoices,agreements,notices\n"


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _contacts():
    return {(c.school.urn, c.email): (c.name, c.role, c.phone, c.invoices, c.agreements, c.notices)
            for c in db.session.scalars(select(KeyStakeholder))}


def test_adds_then_updates_by_email_and_leaves_other_contacts_alone(app, make_school, tmp_path):
    school = make_school(urn=103700)
    db.session.add(KeyStakeholder(school=school, name="Old Head", role="Headteacher", email="head@s.example"))
    db.session.add(KeyStakeholder(school=school, name="Caretaker", role="Site", email=""))
    db.session.commit()
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "103700,New Head,Headteacher,HEAD@s.example,024 7600 0002,no,yes,yes\n"
                             "103700,Pat,Bursar,pat@s.example,,YES,n,no\n")
    result = cli(app, "schools", "contacts", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated, 0 unchanged" in result.output
    contacts = _contacts()
    assert contacts[(103700, "head@s.example")] == ("New Head", "Headteacher", "024 7600 0002", False, True, True)
    assert contacts[(103700, "pat@s.example")] == ("Pat", "Bursar", "", True, False, False)
    assert (103700, "") in contacts
    assert contacts_for(school.id, "invoices") == ["pat@s.example"]
    assert contacts_for(school.id, "notices") == ["head@s.example"]
    again = cli(app, "schools", "contacts", "import", str(path))
    assert "0 added, 0 updated, 2 unchanged" in again.output


def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(app, make_school, tmp_path):
    make_school(urn=103700)
    path = tmp_path / "bad.csv"
    path.write_text(HEADER
                    + "103700,Pat,Bursar,pat@s.example,,yes,no,no\n"      # row 2: fine
                    + "999999,Ann,Head,ann@s.example,,yes,no,no\n"        # row 3: no such school
                    + "10370x,,Head,not-an-email,abc,maybe,,no\n"         # row 4: many
                    + "103700,Pat again,Bursar,PAT@s.example,,no,no,no\n")  # row 5: duplicate
    result = cli(app, "schools", "contacts", "import", str(path))
    assert result.exit_code == 1
    out = result.output
    for expected in ("row 3, column urn: no school with URN 999999",
                     "row 4, column urn: '10370x' is not a whole number",
                     "row 4, column name: is empty",
                     "row 4, column email: 'not-an-email' is not an email address",
                     "row 4, column phone: 'abc'",
                     "row 4, column invoices: 'maybe' is not yes or no",
                     "row 4, column agreements: is empty (yes or no)",
                     "row 5, column email: PAT@s.example is already on row 2 for URN 103700"):
        assert expected in out, out
    assert "nothing was changed" in out
    assert out.index("row 3,") < out.index("row 4,") < out.index("row 5,")
    assert _contacts() == {}


def test_a_file_without_the_columns_is_refused_naming_them(app, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("urn,name,email\n103700,Pat,pat@s.example\n")
    result = cli(app, "schools", "contacts", "import", str(path))
    assert result.exit_code == 1
    for column in ("role", "invoices", "agreements", "notices"):
        assert f"row 1, column {column}: missing column" in result.output


def test_the_service_takes_bytes_and_names_its_source(app, make_school):
    make_school(urn=103700)
    report = import_contacts((HEADER + "103700,Pat,Bursar,pat@s.example,,yes,yes,yes\n").encode(), "upload.csv")
    assert report.added == 1
