"""A round world: this year's issued agreements for two schools, next year's published list and
census, next year's round open; school users (a signatory and not) and a token per role."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import KeyStakeholder
from contracts_app.services import agreements as agreement_service, price_lists
from contracts_app.services.rounds.opening import RoundSettings, open_round
from contracts_app.services.users import issue_token
from tests.agreements_fixtures import PRICES_2026, add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput
THIS = SlaYear.containing(date.today()).start_year
NEXT = THIS + 1
OWN, OTHER = 103700, 140001


@dataclass
class RoundWorld:
    own: object
    other: object
    round: object = None
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    def offer(self, school):
        return next(o for o in self.round.offers if o.school_id == school.id)


def publish_next_year() -> None:
    price_lists.import_price_list(PRICES_2026.encode(), NEXT, "next.csv")
    price_lists.publish(NEXT, "test")


def open_next(default: str = "renew", approval: str = "immediate"):
    today = date.today()
    return open_round(RoundSettings(NEXT, today - timedelta(days=1), min(today + timedelta(days=30),
                                    SlaYear(NEXT).start - timedelta(days=1)), default, approval), "sla@test.example")


@pytest.fixture
def base_world(app, make_school, make_user) -> RoundWorld:
    build_priced_world(THIS)
    own = make_school(urn=OWN, name="Allesley Primary School")
    other = make_school(urn=OTHER, name="Cardinal Academy", establishment_type="Academy converter")
    for school in (own, other):
        add_census(school, f"{THIS}-01", 400)
        add_census(school, f"{NEXT}-01", 412)
        issue_agreement([L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30)), L("DPO", "additional"),
                         L("WEB", "excluded")], school=school, year=THIS, by="sla@test.example")
        db.session.add(KeyStakeholder(school=school, name="Head", role="Headteacher",
                                      email=f"head@{school.urn}.example"))
    db.session.commit()
    w = RoundWorld(own, other)
    for role in ("admin", "sla", "finance"):
        w.users[role] = make_user(role)
    w.users["school"] = make_user("school", school=own)
    w.users["signatory"] = make_user("school", school=own, email="head@own.example")
    w.users["signatory"].signatory = True
    w.users["signatory"].name = "Pat Head"
    w.users["other_school"] = make_user("school", school=other)
    db.session.commit()
    for name, user in w.users.items():
        w.tokens[name] = issue_token(user.email)
    return w


@pytest.fixture
def world(base_world) -> RoundWorld:
    publish_next_year()
    base_world.round = open_next()
    return base_world


@pytest.fixture
def api(client, world):
    """api("GET", "/offers?year=..", "school", json=...) with that user's token."""

    def call(method: str, path: str, who: str, **kwargs):
        headers = {"Authorization": f"Bearer {world.tokens[who]}", **kwargs.pop("headers", {})}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    return call
