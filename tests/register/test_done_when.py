"""Issue #28's Done-when through applying, with next year: the buying round for next year is
open when the change is applied, and the predecessor's offer follows to the successor, priced on
the predecessor's January census (services.register.next_year, called by the apply)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, Offer
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.register.applying import apply_change
from contracts_app.services.rounds.opening import RoundSettings, open_round
from contracts_app.services.rounds.pricing import price_basket
from tests.register.next_year_world import (
    NEXT, PREDECESSOR, SUCCESSOR, THIS, close, predecessor, priced_years, round_dates, successor,
)


def test_apply_moves_next_years_offer_to_the_successor(app, make_school):
    priced_years()
    old_school = predecessor(make_school)
    invoice_run.run(THIS, "summer", date(THIS, 4, 10), "finance@test")
    opens, closes = round_dates()
    open_round(RoundSettings(NEXT, opens, closes, "renew"), "sla@test.example")
    close(old_school)
    new = successor(make_school)
    agreement_id = db.session.scalar(select(Agreement.id).where(Agreement.school_id == old_school.id,
                                                                Agreement.sla_year == THIS))

    result = apply_change(agreement_id, "sla@test.example", po_number="PO-NEW")

    assert result.changed and f"URN {SUCCESSOR}" in result.message
    offer = db.session.scalar(select(Offer).where(Offer.school_id == new.id))
    assert offer is not None and offer.round.sla_year == NEXT
    assert db.session.scalar(select(func.count()).select_from(Offer).where(Offer.school_id == old_school.id)) == 0
    pricing = price_basket(offer)
    assert pricing.complete and pricing.pupils == 412 and pricing.customer_type == "academy"
    sims = next(line for line in pricing.lines if line.service_code == "SIMS")
    assert sims.explanation.startswith(f"412 pupils (January {NEXT} census, as URN {PREDECESSOR})")
    this_year = db.session.scalar(select(Agreement).where(Agreement.school_id == new.id, Agreement.sla_year == THIS))
    assert (this_year.status, this_year.term_start, this_year.po_number) == ("active", date(THIS, 12, 1), "PO-NEW")
    # This year's SIMS line is priced on the predecessor's January census too, and says so.
    this_sims = next(line for line in this_year.lines if line.service_code == "SIMS")
    assert f"census, as URN {PREDECESSOR})" in this_sims.explanation

    before = db.session.scalar(select(func.count()).select_from(Invoice)), db.session.scalar(
        select(func.count()).select_from(Offer))
    assert not apply_change(agreement_id, "sla@test.example").changed
    assert (db.session.scalar(select(func.count()).select_from(Invoice)),
            db.session.scalar(select(func.count()).select_from(Offer))) == before
