"""A line break (or any control character) in a one-line field - a contact's, a user's or a school's
name, an ad hoc reference - is refused at every door with a message naming the field (and the row
for imports): in an email's subject it would cut the subject and move the rest into the body
(issue #27 defect 9). The rule is pricing.text.one_line_problem, called by each door."""
from __future__ import annotations

import io
from html import unescape

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, KeyStakeholder, School, User
from contracts_app.services.adhoc import lifecycle
from pricing.text import one_line_problem
from tests.app.test_adhoc import world  # noqa: F401 - fixture
from tests.app.test_adhoc_pages import error_beside

BREAKS = ["Jo\r\nBcc: all@example.org", "Jo\nHead", "Jo\rHead", "Jo\u2028Head", "Jo\x85Head", "Jo\x07"]


def total(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("value", BREAKS)
def test_the_rule(value):
    assert one_line_problem(value) and "\n" not in one_line_problem(value)
    assert one_line_problem("Jo Head – Ysgol Gymraeg") is None


@pytest.mark.parametrize("field, value", [("reference", "SR1\r\nBcc: x"), ("third_party", "Acme\nAV")])
def test_new_request_page(world, client, login, field, value):
    login("sla")
    data = {"urn": "103700", "reference": "SR1", "kind": "rework", "description": "Fix it\nproperly",
            "third_party": "Acme AV", field: value}
    response = client.post("/adhoc/new", data=data)
    assert "must be one line" in error_beside(response, field)
    assert total(AdHocRequest) == 0


def test_the_service_refuses_it_too_naming_the_field(world):
    with pytest.raises(lifecycle.AdhocRefused) as caught:
        lifecycle.create_request(world.maintained, "SR1\nX", "project", "x")
    assert caught.value.field == "reference" and "must be one line" in caught.value.message
    with pytest.raises(lifecycle.AdhocRefused) as caught:
        lifecycle.create_request(world.maintained, "SR1", "project", "x\x00y")
    assert caught.value.field == "description" and "NUL" in caught.value.message


@pytest.mark.parametrize("column, cell", [("reference", '"SR1\r\nBcc: x"'), ("authorised_by", '"Jo\nHead"')])
def test_requests_import_names_row_and_column(app, world, tmp_path, column, cell):
    header = "urn,reference,kind,description,estimate_hours,authorised_by,authorised_on\n"
    cells = {"reference": "SR1", "authorised_by": "Jo Head", column: cell}
    path = tmp_path / "requests.csv"
    path.write_text(header + f"103700,{cells['reference']},out_of_scope,x,,{cells['authorised_by']},2025-06-02\n",
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["adhoc", "requests", "import", str(path)])
    assert result.exit_code == 1 and f"row 2, column {column}:" in result.output
    assert "one line" in result.output and total(AdHocRequest) == 0


def test_stakeholder_page(app, client, login, make_school):
    make_school(urn=103700)
    login("sla")
    response = client.post("/schools/103700/stakeholders/new", data={"name": "Jo\r\nBcc: x", "role": "Head"})
    assert "Name must be one line: it contains a line break." in unescape(response.get_data(as_text=True))
    assert total(KeyStakeholder) == 0


def test_contacts_import_command(app, make_school, tmp_path):
    make_school(urn=103700)
    path = tmp_path / "contacts.csv"
    path.write_text('urn,name,role,email,phone,invoices,agreements,notices\n'
                    '103700,"Jo\nHead",Head,jo@school.example,,yes,yes,yes\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["schools", "contacts", "import", str(path)])
    assert result.exit_code == 1 and "row 2, column name: must be one line" in result.output
    assert total(KeyStakeholder) == 0


def test_gias_import_command(app, tmp_path):
    path = tmp_path / "gias.csv"
    path.write_text('URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name)\n'
                    '100001,Fine School,Community school,141,Coventry\n'
                    '100002,"Bad\r\nSchool",Community school,141,Coventry\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["schools", "import", str(path)])
    assert result.exit_code == 1 and "row 3, column EstablishmentName: must be one line" in result.output
    assert total(School) == 0


def test_user_page_and_command(app, client, login):
    login("admin")
    response = client.post("/admin/users/new", data={"email": "new@test.example", "name": "Jo\nHead",
                                                     "role": "sla"})
    assert "Name must be one line" in unescape(response.get_data(as_text=True))
    result = app.test_cli_runner().invoke(args=["users", "invite", "new@test.example", "--role", "sla",
                                                "--name", "Jo\r\nBcc: x"])
    assert result.exit_code == 1 and "name: the name must be one line" in result.output
    assert db.session.scalar(select(User).where(User.email == "new@test.example")) is None
