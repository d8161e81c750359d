"""The trust's statement of account (issue #29) at every door - service, page, PDF, portal, command,
API - on a world where an academy moved trust: its invoices before the move stay in the old trust's
statement (with the payment made after the move), later ones are the new trust's, and each trust's
balance is the sum of its academies' to the penny."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from contracts_app.extensions import db
from contracts_app.models import Trust, TrustMembership
from contracts_app.services.invoicing import balances
from contracts_app.services.invoicing.statements import statement, trust_statement
from contracts_app.services.users import issue_token
from tests.conftest import PASSWORD
from tests.trusts.test_import import invoice

AS_OF = date(2025, 6, 1)
MOVE = date(2025, 1, 1)


@pytest.fixture
def world(app, make_school, make_user):
    inside = make_school(urn=140001, name="Inside Academy", establishment_type="Academy converter")
    second = make_school(urn=140002, name="Second Academy", establishment_type="Academy converter")
    moved = make_school(urn=140003, name="Moved Academy", establishment_type="Academy converter")
    outside = make_school(urn=140009, name="Outside Academy", establishment_type="Academy converter")
    trust = Trust(code="3104", name="First Trust", name_lower="first trust")
    other = Trust(code="1579", name="Other Trust", name_lower="other trust")
    db.session.add_all([trust, other,
                        TrustMembership(trust=trust, school=inside, joined_on=date(2020, 9, 1)),
                        TrustMembership(trust=trust, school=second, joined_on=None),
                        TrustMembership(trust=trust, school=moved, joined_on=date(2020, 9, 1), left_on=MOVE),
                        TrustMembership(trust=other, school=moved, joined_on=MOVE),
                        TrustMembership(trust=other, school=outside, joined_on=date(2020, 9, 1))])
    db.session.commit()
    invoice(inside, "INV-2024-000001", date(2024, 10, 1))
    paid = invoice(second, "INV-2025-000002", date(2025, 4, 10))
    before = invoice(moved, "INV-2024-000003", date(2024, 10, 1))  # the first trust's
    invoice(moved, "INV-2025-000004", date(2025, 4, 10))  # the other trust's
    invoice(outside, "INV-2025-000009", date(2025, 4, 10))
    balances.record_payment(paid, Decimal("20.00"), date(2025, 5, 1), "BACS 2", "finance@test.example")
    balances.record_payment(before, Decimal("50.00"), date(2025, 2, 1), "BACS 3", "finance@test.example")
    trust_user = make_user("school", email="trust@test.example")
    trust_user.trust = trust
    other_user = make_user("school", email="other-trust@test.example")
    other_user.trust = other
    db.session.commit()
    return {"trust": trust, "other": other, "moved": moved, "inside": inside, "outside": outside}


def sign_in(client, email: str) -> None:
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# -- the rule, through the service ----------------------------------------------------------------

def test_the_trust_balance_is_the_sum_of_its_academies_and_a_move_keeps_past_invoices(world):
    first = trust_statement(world["trust"], AS_OF)
    assert [(s.urn, s.balance) for s in first.academies] == [
        (140001, Decimal("120.00")), (140003, Decimal("70.00")), (140002, Decimal("100.00"))]
    assert first.balance == sum((s.balance for s in first.academies), Decimal(0)) == Decimal("290.00")
    moved = next(s for s in first.academies if s.urn == 140003)
    assert [e.item.reference for e in moved.entries] == ["INV-2024-000003", "BACS 3"]  # paid after the move
    other = trust_statement(world["other"], AS_OF)
    assert [(s.urn, s.balance) for s in other.academies] == [(140003, Decimal("120.00")), (140009, Decimal("120.00"))]
    assert other.balance == Decimal("240.00")
    # Nothing lost or counted twice: the academy's own statement is its parts in the two trusts.
    assert statement(world["moved"], AS_OF).balance == Decimal("70.00") + Decimal("120.00")


# -- page and PDF --------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "sla", "finance"])
def test_staff_who_read_statements_see_every_trusts(client, login, world, role):
    login(role)
    page = client.get("/trusts/3104/statement?as_of=2025-06-01")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in ("First Trust", "Inside Academy", "Moved Academy", "INV-2024-000003", "BACS 3", "£290.00"):
        assert expected in text, expected
    assert "INV-2025-000004" not in text and "Outside Academy" not in text
    pdf = client.get("/trusts/1579/statement.pdf?as_of=2025-06-01")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    extracted = _pdf_text(pdf.data)
    for expected in ("Other Trust", "Trust 1579", "Moved Academy (URN 140003)", "INV-2025-000004",
                     "Balance owed by the trust: £240.00"):
        assert expected in extracted, (expected, extracted)
    assert "INV-2024-000003" not in extracted
    assert "/trusts/3104/statement" in client.get("/trusts/3104").get_data(as_text=True)


def test_a_bad_date_is_400_naming_it(client, login, world):
    login("finance")
    response = client.get("/trusts/3104/statement?as_of=2025-13-01")
    assert response.status_code == 400 and "as_of" in response.get_data(as_text=True)
    assert client.get("/trusts/9999/statement").status_code == 404


def test_the_trust_user_sees_its_trusts_statement_in_the_portal_and_nobody_elses(client, world):
    sign_in(client, "trust@test.example")
    portal = client.get("/portal/").get_data(as_text=True)
    assert "/trusts/3104/statement" in portal and "/trusts/3104/statement.pdf" in portal
    page = client.get("/trusts/3104/statement?as_of=2025-06-01")
    assert page.status_code == 200 and "£290.00" in page.get_data(as_text=True)
    assert "Balance owed by the trust: £290.00" in _pdf_text(client.get("/trusts/3104/statement.pdf?as_of=2025-06-01").data)
    assert client.get("/trusts/1579/statement").status_code == 404
    assert client.get("/trusts/1579/statement.pdf").status_code == 404
    assert client.get("/trusts/3104").status_code == 403  # the staff trust page is not the portal


def test_a_school_user_of_one_school_gets_404_even_for_its_own_schools_trust(client, login, world):
    login("school", school=world["outside"])  # outside trust 3104
    assert client.get("/trusts/3104/statement").status_code == 404
    assert client.get("/trusts/3104/statement.pdf").status_code == 404
    assert client.get("/trusts/1579/statement").status_code == 404  # its school's trust: not a trust user
    assert "portal-trust-statement" not in client.get("/portal/").get_data(as_text=True)


# -- the command -----------------------------------------------------------------------------------

def test_the_statement_command_takes_a_trust(app, world, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "trust.pdf"
    done = runner.invoke(args=["schools", "statement", "--trust", "3104", "--as-of", "2025-06-01", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "First Trust (3104)" in done.output
    assert "Balance owed by the trust: £290.00" in _pdf_text(out.read_bytes())
    for args, message in ((["--trust", "77"], "no trust with code '77'"), (["140001", "--trust", "3104"], "not both"),
                          ([], "give a school's URN or --trust CODE")):
        refused = runner.invoke(args=["schools", "statement", *args, "-o", str(tmp_path / "x.pdf")])
        assert refused.exit_code == 1 and message in refused.output, refused.output
    assert not (tmp_path / "x.pdf").exists()
    school = runner.invoke(args=["schools", "statement", "140003", "-o", str(tmp_path / "s.pdf")])
    assert school.exit_code == 0 and "Moved Academy" in _pdf_text((tmp_path / "s.pdf").read_bytes())


# -- the API ---------------------------------------------------------------------------------------

def _get(client, email: str, path: str):
    return client.get(path, headers={"Authorization": f"Bearer {issue_token(email)}"})


@pytest.mark.parametrize("role", ["admin", "sla", "finance", "trust"])
def test_api_statement_per_role(client, make_user, world, role):
    email = "trust@test.example" if role == "trust" else make_user(role).email
    response = _get(client, email, "/api/v1/trusts/3104/statement?as_of=2025-06-01")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["code"] == "3104" and body["balance"] == "290.00" and body["as_of"] == "2025-06-01"
    assert [(a["urn"], a["name"], a["balance"]) for a in body["academies"]] == [
        (140001, "Inside Academy", "120.00"), (140003, "Moved Academy", "70.00"), (140002, "Second Academy", "100.00")]
    assert sum(Decimal(a["balance"]) for a in body["academies"]) == Decimal(body["balance"])
    moved = body["academies"][1]["lines"]
    assert [(line["kind"], line["reference"], line["debit"], line["credit"], line["balance"]) for line in moved] == [
        ("invoice", "INV-2024-000003", "120.00", "0.00", "120.00"), ("payment", "BACS 3", "0.00", "50.00", "70.00")]
    other = _get(client, email, "/api/v1/trusts/1579/statement?as_of=2025-06-01")
    assert other.status_code == (404 if role == "trust" else 200)


def test_api_statement_refusals(client, make_user, world):
    outsider = make_user("school", school=world["outside"]).email
    assert _get(client, outsider, "/api/v1/trusts/3104/statement").status_code == 404
    assert _get(client, outsider, "/api/v1/trusts/1579/statement").status_code == 404
    assert _get(client, "other-trust@test.example", "/api/v1/trusts/3104/statement").status_code == 404
    finance = make_user("finance").email
    assert _get(client, finance, "/api/v1/trusts/9999/statement").status_code == 404
    bad = _get(client, finance, "/api/v1/trusts/3104/statement?as_of=yesterday")
    assert 400 <= bad.status_code < 500 and "as_of" in bad.get_data(as_text=True)
    assert client.get("/api/v1/trusts/3104/statement").status_code == 401
    listed = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/trusts/{code}/statement" in listed


# -- aged debt by trust ------------------------------------------------------------------------------

def test_aged_debt_names_the_trust_and_one_trusts_total_is_its_statements_balance(app, client, login, world, tmp_path):
    from contracts_app.services.invoicing.aged_debt import aged_debt

    rows = {(r["urn"], r["trust_code"]): r["total"] for r in aged_debt()}
    assert rows == {(140001, "3104"): Decimal("120.00"), (140002, "3104"): Decimal("100.00"),
                    (140003, "3104"): Decimal("70.00"), (140003, "1579"): Decimal("120.00"),
                    (140009, "1579"): Decimal("120.00")}  # the moved academy: a row in each trust
    first = aged_debt(trust_code="3104")
    assert sum((r["total"] for r in first), Decimal(0)) == trust_statement(world["trust"]).balance == Decimal("290.00")
    login("finance")
    page = client.get("/invoices/aged-debt?trust=1579").get_data(as_text=True)
    assert "Other Trust" in page and "Outside Academy" in page and "Inside Academy" not in page
    refused = client.get("/invoices/aged-debt?trust=77")
    assert refused.status_code == 400 and "no trust with code &#39;77&#39;" in refused.get_data(as_text=True)
    assert client.get("/invoices/aged-debt/export?format=csv&trust=77").status_code == 400
    lines = client.get("/invoices/aged-debt/export?format=csv&trust=3104").get_data(as_text=True).splitlines()
    assert lines[0].startswith("urn,name,customer_type,trust_code,trust_name,") and len(lines) == 4
    assert all(",3104,First Trust," in line for line in lines[1:])
    out = tmp_path / "aged.csv"
    done = app.test_cli_runner().invoke(args=["invoices", "aged-debt", "--trust", "1579", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert len(out.read_text().splitlines()) == 3
