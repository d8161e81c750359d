"""The operator commands: summaries on success, a clear message and exit 1 on bad input."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import ApiToken, School, Trust, User

GIAS = Path(__file__).resolve().parent.parent / "data" / "gias_extract_cp1252.csv"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_schools_import_command(app):
    result = run(app, "schools", "import", str(GIAS))
    assert result.exit_code == 0, result.output
    assert "8 added, 0 updated, 0 unchanged, 1 skipped (closed)" in result.output


def test_schools_import_bad_file_exits_nonzero_without_traceback(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name),NumberOfPupils\n"
                   "1,A,Community school,141,Coventry,many\n")
    result = run(app, "schools", "import", str(bad))
    assert result.exit_code == 1
    assert "row 2, column NumberOfPupils: 'many' is not a whole number" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(School)) is None


def test_schools_import_missing_file(app, tmp_path):
    result = run(app, "schools", "import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_users_create_and_token(app, make_school):
    s = make_school(urn=103700)
    result = run(app, "users", "create", "Head@School.Example", "--role", "school", "--school", "103700",
                 "--password-stdin", input="a-long-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "head@school.example" and user.school_id == s.id
    assert user.check_password("a-long-password")
    token = run(app, "users", "token", "head@school.example")
    assert token.exit_code == 0
    text = token.output.strip()
    assert text.startswith("sla_") and len(text) > 30
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == ApiToken.hash(text) and text not in row.token_hash


def test_users_create_refusals(app):
    cases = [
        (["users", "create", "a@b.example", "--role", "school", "--password-stdin"], "a-long-password\n",
         "a school user needs --school"),
        (["users", "create", "a@b.example", "--role", "sla", "--password-stdin"], "short\n", "at least 10"),
        (["users", "create", "not-an-email", "--role", "sla", "--password-stdin"], "a-long-password\n",
         "not a valid email"),
        (["users", "create", "a@b.example", "--role", "school", "--school", "999", "--password-stdin"],
         "a-long-password\n", "no school with URN 999"),
        (["users", "token", "nobody@b.example"], None, "no user with email"),
    ]
    for args, stdin, message in cases:
        result = run(app, *args, input=stdin)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert db.session.scalar(select(User)) is None


def test_duplicate_user_refused(app):
    args = ["users", "create", "a@b.example", "--role", "sla", "--password-stdin"]
    assert run(app, *args, input="a-long-password\n").exit_code == 0
    second = run(app, *args, input="a-long-password\n")
    assert second.exit_code == 1 and "already exists" in second.output


def test_demo_is_idempotent(app):
    first = run(app, "demo", "--year", "2026")
    assert first.exit_code == 0, first.output
    assert "100 added" in first.output
    assert "admin@demo.example / password demo-admin-pass" in first.output
    schools = db.session.query(School).count()
    users = db.session.query(User).count()
    second = run(app, "demo", "--year", "2026")
    assert second.exit_code == 0
    assert "already loaded" in second.output
    assert db.session.query(School).count() == schools == 100
    # The four role users, a signing head for each of the 16 schools the demo round has answering,
    # the trust signatory (issue #29) of the demo's two trusts, one billed per academy, one consolidated,
    # and the signatory of the demo's federation, which shares one agreement (§2.1).
    assert db.session.query(User).count() == users == 4 + 16 + 1 + 1
    federation = db.session.query(User).filter_by(email="federation@demo.example").one()
    assert federation.signatory and federation.group.name == "Canley Federation"
    trust_user = db.session.query(User).filter_by(email="trust@demo.example").one()
    assert trust_user.signatory and len(trust_user.school_ids()) == 4
    assert {t.billing for t in db.session.query(Trust)} == {"per_academy", "consolidated"}
    assert db.session.query(User).filter(User.email.like("head-%@demo.example")).count() == 16
    types = {s.customer_type for s in db.session.query(School)}
    assert types == {"maintained", "academy"}


def test_demo_if_empty_leaves_a_used_database_alone(app, make_school):
    make_school(urn=103700)
    result = run(app, "demo", "--if-empty")
    assert result.exit_code == 0
    assert "already has data" in result.output
    assert db.session.query(School).count() == 1
