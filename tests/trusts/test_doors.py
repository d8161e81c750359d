"""A trust user (issue #29) sees every academy of its trust and nothing else - a school outside is
404 at every door (pages and API); the trust pages, the override form, the API, the commands."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, AuditEvent, Trust, TrustMembership, User
from contracts_app.services.register import trusts as trusts_service
from contracts_app.services.users import issue_token
from tests.conftest import PASSWORD
from tests.trusts.test_import import invoice


@pytest.fixture
def world(app, make_school, make_user):
    inside = make_school(urn=140001, name="Inside Academy", establishment_type="Academy converter")
    second = make_school(urn=140002, name="Second Academy", establishment_type="Academy converter")
    left = make_school(urn=140003, name="Left Academy", establishment_type="Academy converter")
    outside = make_school(urn=140009, name="Outside Academy", establishment_type="Academy converter")
    trust = Trust(code="3104", name="First Trust", name_lower="first trust")
    other = Trust(code="1579", name="Other Trust", name_lower="other trust", billing="consolidated")
    db.session.add_all([trust, other,
                        TrustMembership(trust=trust, school=inside, joined_on=date(2020, 9, 1)),
                        TrustMembership(trust=trust, school=second, joined_on=None),
                        TrustMembership(trust=trust, school=left, joined_on=date(2020, 9, 1), left_on=date(2024, 9, 1)),
                        TrustMembership(trust=other, school=outside, joined_on=date(2020, 9, 1))])
    agreements = {}
    for school in (inside, second, left, outside):
        agreement = Agreement(sla_year=2025, school=school, status="active", term_start=date(2025, 4, 1),
                              term_end=date(2026, 3, 31), customer_type="academy",
                              issued_at=datetime.now(timezone.utc))
        db.session.add(agreement)
        db.session.commit()
        agreements[school.urn] = agreement.id
        invoice(school, f"INV-2025-{school.urn:06d}", date(2025, 4, 10))
    user = make_user("school", email="trust@test.example")
    user.trust = trust
    db.session.commit()
    return {"user": user, "trust": trust, "agreements": agreements}


def sign_in(client, user):
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_trust_user_sees_its_academies_in_the_portal_and_nothing_else(client, world):
    sign_in(client, world["user"])
    portal = client.get("/portal/").get_data(as_text=True)
    assert "Inside Academy" in portal and "Second Academy" in portal and "Outside Academy" not in portal
    for urn in (140001, 140002):
        assert client.get(f"/schools/{urn}").status_code == 200
        assert client.get(f"/agreements/{world['agreements'][urn]}").status_code == 200
        assert client.get(f"/invoices/INV-2025-{urn:06d}").status_code == 200
    for urn in (140009, 140003):  # outside the trust, and an academy that left it
        assert client.get(f"/schools/{urn}").status_code == 404
        assert client.get(f"/agreements/{world['agreements'][urn]}").status_code == 404
        assert client.get(f"/invoices/INV-2025-{urn:06d}").status_code == 404
        assert client.get(f"/invoices/INV-2025-{urn:06d}/pdf").status_code == 404
    invoices = client.get("/invoices/").get_data(as_text=True)
    assert "INV-2025-140001" in invoices and "INV-2025-140009" not in invoices
    assert client.get("/trusts/").status_code == 403  # the staff pages are not the portal


def test_trust_user_api_doors(client, world):
    headers = {"Authorization": f"Bearer {issue_token('trust@test.example')}"}
    assert client.get("/api/v1/schools/140001", headers=headers).status_code == 200
    assert client.get("/api/v1/schools/140009", headers=headers).status_code == 404
    assert client.get(f"/api/v1/agreements/{world['agreements'][140009]}", headers=headers).status_code == 404
    assert client.get("/api/v1/invoices/INV-2025-140009", headers=headers).status_code == 404
    listed = client.get("/api/v1/schools", headers=headers).get_json()
    assert {s["urn"] for s in listed["items"]} == {140001, 140002}
    trusts = client.get("/api/v1/trusts", headers=headers).get_json()
    assert [t["code"] for t in trusts["items"]] == ["3104"]
    assert trusts["items"][0]["academies"] == [{"urn": 140001, "name": "Inside Academy"},
                                               {"urn": 140002, "name": "Second Academy"}]
    assert client.get("/api/v1/trusts/1579", headers=headers).status_code == 404
    detail = client.get("/api/v1/trusts/3104", headers=headers).get_json()
    # The academy that left in 2024 was invoiced in 2025, after it left: not the trust's.
    assert detail["billing"] == "per_academy" and detail["balance"] == "240.00"
    assert {b["urn"]: b["balance"] for b in detail["balances"]} == {140001: "120.00", 140002: "120.00"}
    assert {m["urn"]: m["left_on"] for m in detail["memberships"]}[140003] == "2024-09-01"


@pytest.mark.parametrize("role,listed", [("sla", 2), ("finance", 2), ("admin", 2), ("school", 0)])
def test_api_trusts_per_role(client, world, make_school, make_user, role, listed):
    user = make_user(role, school=make_school(urn=100001) if role == "school" else None)
    headers = {"Authorization": f"Bearer {issue_token(user.email)}"}
    assert len(client.get("/api/v1/trusts", headers=headers).get_json()["items"]) == listed
    status = client.get("/api/v1/trusts/1579", headers=headers).status_code
    assert status == (404 if role == "school" else 200)
    assert client.get("/api/v1/trusts/9999", headers=headers).status_code == 404
    assert client.get("/api/v1/trusts", headers={}).status_code == 401


def test_trust_pages_and_override_form(client, login, world):
    login("sla")
    listed = client.get("/trusts/?q=first").get_data(as_text=True)
    assert "First Trust" in listed and "Other Trust" not in listed
    page = client.get("/trusts/3104").get_data(as_text=True)
    assert "Inside Academy" in page and "Left Academy" in page and "2024-09-01" in page and "£240.00" in page
    refused = client.post("/trusts/3104/override", data={"urn": "140009", "trust_code": "3104", "on": "2025-09-01",
                                                         "reason": ""})
    assert refused.status_code == 400 and db.session.scalar(select(AuditEvent).where(AuditEvent.action == "override")) is None
    done = client.post("/trusts/3104/override", data={"urn": "140009", "trust_code": "3104", "on": "2025-09-01",
                                                      "reason": "GIAS is late"})
    assert done.status_code == 302
    assert "GIAS is late" in db.session.scalar(select(AuditEvent).where(AuditEvent.action == "override")).summary
    assert 140009 in {s.urn for s in trusts_service.academies(trusts_service.by_code("3104"), date.today())}
    bad = client.post("/trusts/3104/details", data={"billing": "consolidated", "companies_house_number": "12"})
    assert bad.status_code == 400 and "8 letters and digits" in bad.get_data(as_text=True)
    ok = client.post("/trusts/3104/details", data={"billing": "consolidated", "companies_house_number": "09876543"})
    assert ok.status_code == 302 and db.session.get(Trust, world["trust"].id).billing == "consolidated"
    assert client.post("/trusts/3104/contacts", data={"name": "Fay", "role": "CFO", "email": "fay@t.example",
                                                      "finance": "y"}).status_code == 302
    assert client.get("/trusts/nope").status_code == 404


def test_users_create_with_trust(app, world):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create", "cfo@trust.example", "--role", "school", "--trust", "3104",
                               "--signatory", "--password-stdin"], input="a-long-password-for-the-trust\n")
    assert made.exit_code == 0, made.output
    assert "for trust 3104 First Trust (signatory)" in made.output
    user = db.session.scalar(select(User).where(User.email == "cfo@trust.example"))
    assert user.trust.code == "3104" and user.signatory and user.school_id is None
    unknown = runner.invoke(args=["users", "create", "x@trust.example", "--role", "school", "--trust", "77",
                                  "--password-stdin"], input="a-long-password-for-the-trust\n")
    assert unknown.exit_code == 1 and "no trust with code '77'" in unknown.output
    staff = runner.invoke(args=["users", "create", "y@trust.example", "--role", "sla", "--trust", "3104",
                                "--password-stdin"], input="a-long-password-for-the-trust\n")
    assert staff.exit_code == 1 and "only school users" in staff.output


def test_admin_form_sets_a_trust(client, login, world, make_user):
    login("admin")
    user = make_user("school", email="later@test.example", school=None)
    user.school_id = None
    response = client.post(f"/admin/users/{user.id}", data={"email": user.email, "name": "", "role": "school",
                                                             "trust_code": "1579", "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(User, user.id).trust.code == "1579"
