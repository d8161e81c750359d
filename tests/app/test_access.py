"""Every route, every role: anonymous users go to the login page, the wrong role gets
403, and a school user asking for another school's page gets 404."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from contracts_app.extensions import db
from contracts_app.models import (
    Agreement,
    Invoice,
    InvoiceLine,
    KeyStakeholder,
    PriceList,
    PriceListEntry,
    Service,
)

ROLES = ("admin", "sla", "finance", "school")
ANY = set(ROLES)
STAFF_READ = {"admin", "sla", "finance"}
# The intended access of every route. A new route must be added here, or the
# completeness test below fails.
EXPECTED: dict[str, set[str]] = {
    "auth.login": ANY,
    "auth.logout": ANY,
    "auth.change_password": ANY,
    "main.index": ANY,
    "schools.index": STAFF_READ,
    "schools.import_file": {"admin", "sla"},
    "schools.show": ANY,
    "schools.customer_type": {"admin", "sla"},
    "schools.new_stakeholder": {"admin", "sla", "school"},
    "schools.edit_stakeholder": {"admin", "sla", "school"},
    "schools.delete_stakeholder": {"admin", "sla", "school"},
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.revoke_tokens": {"admin"},
    "admin.audit": {"admin"},
    "portal.home": {"admin", "school"},
    "census.index": STAFF_READ,
    "census.import_file": {"admin", "sla"},
    "census.missing": STAFF_READ,
    "census.override": {"admin", "sla"},
    "catalogue.services": STAFF_READ,
    "catalogue.new_service": {"admin", "sla"},
    "catalogue.edit_service": {"admin", "sla"},
    "catalogue.retire_service": {"admin", "sla"},
    "catalogue.price_years": STAFF_READ,
    "catalogue.price_list": STAFF_READ,
    "catalogue.import_prices": {"admin", "sla"},
    "catalogue.publish_prices": {"admin", "sla"},
    "catalogue.new_price_version": {"admin", "sla"},
    "catalogue.edit_entry": {"admin", "sla"},
    "catalogue.compare_prices": STAFF_READ,
    "catalogue.price_check": STAFF_READ,
    "agreements.index": STAFF_READ,
    "agreements.new": {"admin", "sla"},
    "agreements.show": ANY,
    "agreements.details": {"admin", "sla"},
    "agreements.lines": {"admin", "sla"},
    "agreements.issue": {"admin", "sla"},
    "agreements.issue_chosen_drafts": {"admin", "sla"},
    "agreements.reissue": {"admin", "sla"},
    "agreements.withdraw": {"admin", "sla"},
    "agreements.change": {"admin", "sla"},
    "agreements.notice": {"admin", "sla", "school"},
    "agreements.add_charge": {"admin", "sla", "finance"},
    "invoicing.index": ANY,
    "invoicing.export_file": {"admin", "sla", "finance"},
    "invoicing.show": ANY,
    "invoicing.pdf": ANY,
    "invoicing.record_payment": {"admin", "finance"},
    "invoicing.credit": {"admin", "finance"},
    "invoicing.runs": {"admin", "finance"},
    "invoicing.aged_debt": {"admin", "finance"},
}
from tests.app.access_areas import area_modules

for _area in area_modules():
    EXPECTED.update(_area.EXPECTED)

PUBLIC = {"auth.login", "static"}
for _area in area_modules():
    PUBLIC |= set(getattr(_area, "PUBLIC", ()))  # pages for people not signed in (e.g. password links)
# Routes whose URL names one school: a school user of another school must get 404.
SCHOOL_SCOPED = {e for e, roles in EXPECTED.items()
                 if e.split(".")[0] in ("schools", "agreements", "invoicing") and "school" in roles
                 and e != "invoicing.index"}
for _area in area_modules():
    SCHOOL_SCOPED |= set(getattr(_area, "SCHOOL_SCOPED", ()))
# Routes that name a trust: a school user reaches them only through its trust (issue #29), so the
# sweep's user of one school gets 404 there.
TRUST_SCOPED: set[str] = set()
for _area in area_modules():
    TRUST_SCOPED |= set(getattr(_area, "TRUST_SCOPED", ()))
# Routes a role may use on its own objects whose URL, in this sweep, names another user's object (a
# token): a role allowed the route gets 404 there, as for an id past the table; never the other's object.
OTHERS_OBJECT: set[str] = set()
for _area in area_modules():
    OTHERS_OBJECT |= set(getattr(_area, "OTHERS_OBJECT", ()))


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("api"):
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule, method


@pytest.fixture
def world(app, make_school, make_user):
    own = make_school(urn=111111, name="Own School")
    other = make_school(urn=222222, name="Other School")
    contacts = {}
    for s in (own, other):
        c = KeyStakeholder(school=s, name=f"Head of {s.name}", role="Headteacher")
        db.session.add(c)
        db.session.commit()
        contacts[s.urn] = c.id
    admin = make_user("admin", email="target-admin@test.example")
    service = Service(code="SVC1", title="A service")
    price_list = PriceList(sla_year=2026, version=1, status="draft")
    entry = PriceListEntry(service_code="SVC1", title="A service", customer_type="all", model="flat",
                           amount=Decimal("100.00"), vat_code="S")
    price_list.entries.append(entry)
    agreements = {s.urn: Agreement(sla_year=2026, school=s, status="active", term_start=date(2026, 4, 1),
                                   term_end=date(2027, 3, 31), customer_type="maintained",
                                   issued_at=datetime.now(timezone.utc)) for s in (own, other)}
    invoices = {s.urn: Invoice(number=f"INV-2026-{s.urn:06d}", kind="invoice", sla_year=2026, term="summer",
                               school=s, customer_name=s.name, school_urn=s.urn, customer_type="maintained",
                               issue_date=date(2026, 4, 10), due_date=date(2026, 5, 10), net=Decimal("100.00"),
                               vat=Decimal("20.00"), gross=Decimal("120.00"), lines=[InvoiceLine(
                                   position=1, service_code="SVC1", description="A service", quantity=Decimal(1),
                                   unit_price=Decimal("100.00"), net=Decimal("100.00"), vat_code="S",
                                   vat_rate=Decimal("0.20"))]) for s in (own, other)}
    db.session.add_all([service, price_list, *agreements.values(), *invoices.values()])
    db.session.commit()
    extra = {}
    for area in area_modules():
        if hasattr(area, "world"):
            extra.update(area.world(own, other))
    return {"extra": extra, "own": own, "other": other, "contacts": contacts, "user_id": admin.id, "code": "SVC1",
            "year": 2026, "entry_id": entry.id, "agreements": {urn: a.id for urn, a in agreements.items()},
            "numbers": {urn: i.number for urn, i in invoices.items()}}


def url_for_rule(rule, world, school) -> str:
    extra = {key: (value[school.urn] if isinstance(value, dict) else value) for key, value in world["extra"].items()}
    values = {**extra, "urn": school.urn, "contact_id": world["contacts"][school.urn], "user_id": world["user_id"],
              "code": world["code"], "year": world["year"], "entry_id": world["entry_id"],
              "agreement_id": world["agreements"][school.urn], "number": world["numbers"][school.urn]}
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_every_route_has_an_expected_access(app):
    endpoints = {rule.endpoint for rule, _ in routes(app)}
    assert endpoints == set(EXPECTED), f"update EXPECTED: {endpoints ^ set(EXPECTED)}"


def test_anonymous_is_sent_to_login(app, client, world):
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC:
            continue
        url = url_for_rule(rule, world, world["own"])
        response = client.open(url, method=method)
        assert response.status_code == 302, (url, response.status_code)
        assert "/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", ROLES)
def test_role_access(app, client, world, login, role):
    login(role, school=world["own"] if role == "school" else None)
    for rule, method in routes(app):
        if rule.endpoint in ("auth.logout", "auth.login"):
            continue
        url = url_for_rule(rule, world, world["own"])
        response = client.open(url, method=method)
        if role == "school" and rule.endpoint in TRUST_SCOPED:
            assert response.status_code == 404, (role, url, response.status_code)
        elif rule.endpoint in OTHERS_OBJECT and role in EXPECTED[rule.endpoint]:
            assert response.status_code == 404, (role, url, response.status_code)
        elif role in EXPECTED[rule.endpoint]:
            assert response.status_code not in (401, 403, 404, 500), (role, url, response.status_code)
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def test_school_user_gets_404_for_another_schools_pages(app, client, world, login):
    login("school", school=world["own"])
    for rule, method in routes(app):
        if rule.endpoint not in SCHOOL_SCOPED:
            continue
        url = url_for_rule(rule, world, world["other"])
        response = client.open(url, method=method)
        assert response.status_code == 404, (url, response.status_code)


def test_stakeholder_of_another_school_is_404_even_to_staff(app, client, world, login):
    login("sla")
    other_contact = world["contacts"][world["other"].urn]
    response = client.get(f"/schools/{world['own'].urn}/stakeholders/{other_contact}/edit")
    assert response.status_code == 404


def test_logout_needs_post_and_signs_out(app, client, login):
    login("sla")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/schools/").status_code == 302
