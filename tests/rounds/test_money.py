"""The money rule: an offer's total and invoice schedule equal, to the penny, the annual total of
the agreement its acceptance makes and the invoices the runs then raise for it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, Invoice, Offer
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.rounds import basket, pricing
from contracts_app.services.rounds.acceptance import AcceptanceRequest, accept
from tests.rounds.conftest import NEXT

baskets = st.fixed_dictionaries({
    "pupils": st.integers(min_value=1, max_value=2000),
    "av": st.integers(min_value=1, max_value=500),
    "dpo": st.booleans(),
    "admin": st.booleans(),
    "academy": st.booleans(),
})


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=baskets)
def test_offer_money_is_the_agreements_and_its_invoices(world, make_school, make_user, case):
    db.session.rollback()
    school = make_school(establishment_type="Academy converter" if case["academy"] else "Community school")
    db.session.add(CensusFigure(school=school, census=f"{NEXT}-01", pupils=case["pupils"]))
    offer = Offer(round=world.round, school=school, state="not_opened")
    db.session.add(offer)
    db.session.commit()
    items = [basket.BasketLine("SIMS", "subscribed"), basket.BasketLine("AV", "subscribed", Decimal(case["av"]))]
    items += [basket.BasketLine("DPO", "subscribed")] if case["dpo"] else []
    items += [basket.BasketLine("ADMIN", "subscribed")] if case["admin"] else []
    basket.set_lines(offer, items, world.users["sla"])
    priced = pricing.price_basket(offer)
    user = make_user("school", school=school)
    user.signatory = True
    db.session.commit()
    made, _ = accept(offer.id, user, AcceptanceRequest("Pat", "Head", True))
    assert made.agreement.annual_total == priced.total == made.total
    invoice_run.run(NEXT, "autumn", date(NEXT, 9, 10), "finance@test.example")  # bills summer and autumn
    invoices = db.session.scalars(select(Invoice).where(Invoice.agreement_id == made.agreement_id)
                                  .order_by(Invoice.number)).all()
    assert [(i.net, i.vat, i.gross) for i in invoices] == [(s.net, s.vat, s.gross) for s in priced.schedule]
    assert sum(i.net for i in invoices) == priced.total
