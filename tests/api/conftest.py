"""A billed world for the API: two schools with issued agreements and a summer invoice run,
and a token per role (a school user for each school)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.users import issue_token
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput
OWN, OTHER = 103700, 140001


@dataclass
class World:
    own: object
    other: object
    agreements: dict[int, int]
    invoices: dict[int, str]
    users: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(app, make_school, make_user) -> World:
    build_priced_world(2025)
    own = make_school(urn=OWN, name="Allesley Primary School", street="Rowland Avenue", town="Coventry")
    other = make_school(urn=OTHER, name="Cardinal Academy", establishment_type="Academy converter")
    agreements = {}
    for school in (own, other):
        add_census(school, "2025-01", 412)
        agreement = issue_agreement([L("SIMS", "subscribed"), L("DPO", "subscribed"),
                                     L("AV", "subscribed", Decimal(30)), L("WEB", "excluded")],
                                    school=school, by="sla@test.example", po_number=f"PO-{school.urn}")
        agreements[school.urn] = agreement.id
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test.example")
    invoices = {i.school_urn: i.number for i in db.session.scalars(select(Invoice))}
    w = World(own, other, agreements, invoices)
    for role in ("admin", "sla", "finance"):
        w.users[role] = make_user(role)
    w.users["school"] = make_user("school", school=own)
    w.users["other_school"] = make_user("school", school=other)
    for name, user in w.users.items():
        w.tokens[name] = issue_token(user.email)
    return w


@pytest.fixture
def api(client, world):
    """api("GET", "/schools", "finance", json=...) calls /api/v1/... with that user's token."""

    def call(method: str, path: str, who: str | None = None, *, token: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            token = world.tokens[who]
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return client.open(path if path.startswith("/api/") else "/api/v1" + path, method=method,
                           headers=headers, **kwargs)

    return call


def assert_error(response, status: int, error: str | None = None, *, mentions: str = "") -> dict:
    """An error answered as JSON {"error", "detail"} with the status (and the words) expected."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) <= {"error", "detail", "fields"} and body["error"] and body["detail"], body
    if error:
        assert body["error"] == error, body
    if mentions:
        assert mentions in body["detail"], body
    return body
