"""The buying round follows a conversion (issue #28): `follow_successor` moves the closed school's
offer to its successor with its basket and acceptance, re-priced at the successor's prices on the
predecessor's census figure, emails the school once, and changes nothing more when called again."""
from __future__ import annotations

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer, OfferAcceptance, OutboxMessage
from contracts_app.services.register.next_year import follow_successor
from contracts_app.services.rounds.acceptance import AcceptanceRequest, accept
from contracts_app.services.rounds.opening import RoundSettings, open_round
from tests.register.next_year_world import (
    ACADEMY_TOTAL, MAINTAINED_TOTAL, NEXT, PREDECESSOR, SUCCESSOR, close, predecessor, priced_years, round_dates,
    successor,
)


def _open_round():
    opens, closes = round_dates()
    return open_round(RoundSettings(NEXT, opens, closes, "renew"), "sla@test.example")


def _followed_mail() -> list[tuple[str, str]]:
    return list(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.body_text).where(
        OutboxMessage.purpose == "offer_followed")).all())


def _counts() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in
                 (Offer, OfferAcceptance, Agreement, OutboxMessage))


def test_an_accepted_offer_moves_with_its_acceptance_re_priced_and_the_school_told_once(
        app, make_school, make_user):
    priced_years()
    old_school = predecessor(make_school)
    buying_round = _open_round()
    offer = buying_round.offers[0]
    signatory = make_user("school", school=old_school, email="head@old.example")
    signatory.signatory = True
    db.session.commit()
    first, _ = accept(offer.id, signatory, AcceptanceRequest("Pat Head", "Headteacher", True, po_number="PO-OLD"))
    old_agreement_id = first.agreement_id
    assert first.total == MAINTAINED_TOTAL
    close(old_school)
    new = successor(make_school)

    messages = follow_successor(old_school, new, "sla@test.example")

    assert len(messages) == 1 and "acceptance carried over" in messages[0] and f"(URN {SUCCESSOR})" in messages[0]
    db.session.commit()
    db.session.expire_all()
    offer = db.session.get(Offer, offer.id)
    assert offer.school_id == new.id and offer.state == "accepted" and offer.po_number == ""
    latest = offer.acceptance
    assert [a.id for a in offer.acceptances] == [first.id, latest.id]
    assert latest.total == ACADEMY_TOTAL == offer.total and latest.full_name == "Pat Head"
    assert latest.basket["carried_over_from"] == {"acceptance_id": first.id, "urn": PREDECESSOR,
                                                  "total": str(MAINTAINED_TOTAL)}
    sims = next(x for x in latest.basket["lines"] if x["service_code"] == "SIMS")
    assert sims["explanation"].startswith(f"412 pupils (January {NEXT} census, as URN {PREDECESSOR})")
    agreement = db.session.get(Agreement, latest.agreement_id)
    assert (agreement.school_id, agreement.sla_year, agreement.status) == (new.id, NEXT, "active")
    assert agreement.annual_total == ACADEMY_TOTAL and agreement.customer_type == "academy"
    assert db.session.get(Agreement, old_agreement_id).status == "cancelled"
    mail = _followed_mail()
    assert sorted(r for r, _ in mail) == ["odm@old.example", "principal@new.example"]
    assert "£4,402.10" in mail[0][1] and "£4,102.10" in mail[0][1] and "New Converter Academy" in mail[0][1]

    before = _counts()
    assert follow_successor(old_school, new, "sla@test.example") == []
    db.session.commit()
    assert _counts() == before and len(_followed_mail()) == 2


def test_an_unanswered_offer_replaces_the_successors_untouched_one(app, make_school):
    priced_years()
    old_school = predecessor(make_school)
    new = successor(make_school)  # open already: the round offers it the catalogue's lists
    buying_round = _open_round()
    moved = next(o for o in buying_round.offers if o.school_id == old_school.id)
    moved_id = moved.id
    close(old_school)
    messages = follow_successor(old_school, new, "sla@test.example")
    db.session.commit()
    assert len(messages) == 1 and "moved" in messages[0] and "acceptance" not in messages[0]
    offers = db.session.scalars(select(Offer)).all()
    assert [(o.id, o.school_id) for o in offers] == [(moved_id, new.id)]
    assert offers[0].total == ACADEMY_TOTAL and offers[0].state == "not_opened"
    assert sorted(r for r, _ in _followed_mail()) == ["odm@old.example", "principal@new.example"]
    before = _counts()
    assert follow_successor(old_school, new, "sla@test.example") == []
    assert _counts() == before


def test_a_successor_that_answered_its_own_offer_keeps_it(app, make_school):
    priced_years()
    old_school = predecessor(make_school)
    new = successor(make_school)
    buying_round = _open_round()
    own = next(o for o in buying_round.offers if o.school_id == new.id)
    own.state = "in_progress"
    db.session.commit()
    messages = follow_successor(old_school, new, "sla@test.example")
    assert "has answered its own offer" in messages[0]
    assert db.session.scalar(select(func.count()).select_from(Offer).where(Offer.school_id == old_school.id)) == 1
    assert _followed_mail() == []


def test_a_successor_without_an_offer_gets_one(app, make_school):
    priced_years()
    old_school = predecessor(make_school)
    close(old_school)
    _open_round()  # the closed school gets no offer
    new = successor(make_school)
    messages = follow_successor(old_school, new, "sla@test.example")
    db.session.commit()
    assert messages[0].startswith(f"buying round") and "offer made for New Converter Academy" in messages[0]
    offer = db.session.scalar(select(Offer).where(Offer.school_id == new.id))
    assert offer.total == ACADEMY_TOTAL
    assert follow_successor(old_school, new, "sla@test.example") == []


def test_applying_a_change_may_name_the_two_agreements(app, make_school):
    """Applying a register change holds the predecessor's and successor's agreements: they do too."""
    from contracts_app.services import agreements as agreement_service
    from tests.register.next_year_world import LINES, THIS

    priced_years()
    old_school = predecessor(make_school)
    buying_round = _open_round()
    offer_id = buying_round.offers[0].id
    close(old_school)
    new = successor(make_school)
    new_agreement = agreement_service.create_draft(THIS, school=new, from_catalogue=False)
    agreement_service.set_lines(new_agreement, LINES)
    old_agreement = db.session.scalar(select(Agreement).where(Agreement.school_id == old_school.id))
    assert len(follow_successor(old_agreement, new_agreement, "sla@test.example")) == 1
    assert db.session.get(Offer, offer_id).school_id == new.id
    assert follow_successor(old_agreement, new_agreement, "sla@test.example") == []


def test_what_moves_is_what_was_accepted_not_changes_pending_beside_it(app, make_school, make_user):
    from decimal import Decimal

    priced_years()
    old_school = predecessor(make_school)
    offer = _open_round().offers[0]
    signatory = make_user("school", school=old_school, email="head@old.example")
    signatory.signatory = True
    db.session.commit()
    accept(offer.id, signatory, AcceptanceRequest("Pat Head", "Headteacher", True))
    # A change saved after the acceptance, never accepted: 40 devices instead of 30.
    next(x for x in offer.lines if x.service_code == "AV").quantity = Decimal(40)
    offer.revision += 1
    db.session.commit()
    assert offer.pending_changes
    close(old_school)
    messages = follow_successor(old_school, successor(make_school), "sla@test.example")
    assert messages[0].endswith("changes never accepted were discarded")
    db.session.commit()
    latest = db.session.get(Offer, offer.id).acceptance
    av = next(x for x in latest.basket["lines"] if x["service_code"] == "AV")
    assert Decimal(av["quantity"]) == 30 and latest.total == ACADEMY_TOTAL
    assert not db.session.get(Offer, offer.id).pending_changes


def test_a_groups_offer_stays_with_the_group_when_the_school_answering_it_closes(app, make_school):
    from contracts_app.models import SchoolGroup

    priced_years()
    old_school = predecessor(make_school)
    new = successor(make_school)
    buying_round = _open_round()
    offer = next(o for o in buying_round.offers if o.school_id == old_school.id)
    offer.group = SchoolGroup(name="Old Federation", schools=[old_school], lead_school=old_school)
    db.session.commit()
    before = _counts()
    messages = follow_successor(old_school, new, "sla@test.example")
    assert "the group Old Federation's offer" in messages[0] and "by hand" in messages[0]
    assert db.session.get(Offer, offer.id).school_id == old_school.id and _counts() == before
