"""Access to the buying round: the SLA team runs it (finance reads it); a school sees and works on
its own school's offer only (another school's is 404)."""
from __future__ import annotations

from datetime import date, timedelta

from contracts_app.extensions import db
from contracts_app.models import BuyingRound, Offer, PriceList

STAFF_READ = {"admin", "sla", "finance"}
ANY = STAFF_READ | {"school"}
WORKERS = {"admin", "sla", "school"}

EXPECTED = {
    "rounds.index": STAFF_READ,
    "rounds.open_round": {"admin", "sla"},
    "rounds.remind": {"admin", "sla"},
    "rounds.close": {"admin", "sla"},
    "rounds.reprice": {"admin", "sla"},
    "rounds.approve": {"admin", "sla"},
    "rounds.offer": ANY,
    "rounds.view_offer": WORKERS,
    "rounds.update_basket": WORKERS,
    "rounds.preview": WORKERS,
    "rounds.discard": WORKERS,
    "rounds.accept": WORKERS,
    "rounds.decline": WORKERS,
    "rounds.document": ANY,
}
SCHOOL_SCOPED = {"rounds.offer", "rounds.view_offer", "rounds.update_basket", "rounds.preview", "rounds.discard", "rounds.accept", "rounds.decline",
                 "rounds.document"}


def world(own, other) -> dict:
    """An open round with an offer for each school (on the shared world's price list)."""
    price_list = db.session.query(PriceList).first()
    today = date.today()
    buying_round = BuyingRound(sla_year=2026, price_list=price_list, opens_on=today - timedelta(days=1),
                               closes_on=today + timedelta(days=30), default_action="lapse", approval="immediate")
    offers = {s.urn: Offer(round=buying_round, school=s, state="not_opened") for s in (own, other)}
    db.session.add_all([buying_round, *offers.values()])
    db.session.commit()
    return {"offer_id": {urn: o.id for urn, o in offers.items()}}
