from decimal import Decimal

from contracts_app.services.rounds import basket, pricing
from contracts_app.services.rounds.acceptance import AcceptanceRequest, accept
from tests.rounds.conftest import NEXT


def test_offer_is_prefilled_priced_and_accepted(world):
    offer = world.offer(world.own)
    priced = pricing.price_basket(offer)
    assert [(x.service_code, x.list_name) for x in priced.lines if x.list_name != "available"] == [
        ("DPO", "additional"), ("WEB", "excluded"), ("AV", "subscribed"), ("SIMS", "subscribed")]
    sims = next(x for x in priced.lines if x.service_code == "SIMS")
    assert sims.explanation.startswith("412 pupils (January")
    assert priced.complete, priced.problems
    basket.set_lines(offer, [basket.BasketLine("SIMS", "subscribed"), basket.BasketLine("AV", "subscribed", Decimal(40))],
                     world.users["school"])
    acceptance, created = accept(offer.id, world.users["signatory"], AcceptanceRequest("Pat Head", "Head", True))
    assert created
    assert acceptance.agreement.sla_year == NEXT
    assert acceptance.agreement.status == "active"
    assert acceptance.agreement.annual_total == acceptance.total
    again, created = accept(offer.id, world.users["signatory"], AcceptanceRequest("Pat Head", "Head", True))
    assert not created and again.id == acceptance.id
