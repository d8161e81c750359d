"""The round's pages: each rule once through the page door (forms work without JavaScript)."""
from __future__ import annotations

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer, OfferAcceptance, OfferReminder
from contracts_app.models.outbox import OutboxMessage
from contracts_app.services.rounds.closing import close_round
from tests.conftest import PASSWORD
from tests.rounds.conftest import NEXT, open_next, publish_next_year


def _sign_in(client, user):
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def _basket_form(offer, **changes):
    data = {}
    for line in offer.lines:
        data[f"list-{line.service_code}"] = line.list_name
        data[f"quantity-{line.service_code}"] = str(line.quantity)
    data.update(changes)
    return data


ACCEPT = {"full_name": "Pat Head", "job_title": "Headteacher", "authorised": "y"}


def test_round_page_shows_states_values_and_unpriced_schools(client, base_world, make_school):
    make_school(urn=150000, name="New Free School")  # no census figure for next year: cannot be priced
    publish_next_year()
    open_next()
    _sign_in(client, base_world.users["sla"])
    page = client.get(f"/rounds/?year={NEXT}").get_data(as_text=True)
    assert "Not opened" in page and "Allesley Primary School" in page and "£3,004.20" in page
    assert "Schools that cannot be offered a price (1)" in page
    assert "New Free School (URN 150000) has no pupil figure for the January" in page
    filtered = client.get(f"/rounds/?year={NEXT}&unpriced=1").get_data(as_text=True)
    assert "Cardinal Academy" not in filtered


def test_offer_page_explains_each_line_and_schedule(client, world):
    _sign_in(client, world.users["school"])
    offer = world.offer(world.own)
    page = client.get(f"/rounds/offers/{offer.id}").get_data(as_text=True)
    assert "412 pupils (January" in page and "Summer" in page and "Preview the SLA" in page


def test_update_button_saves_the_quantity_without_javascript(client, world):
    _sign_in(client, world.users["school"])
    offer = world.offer(world.own)
    response = client.post(f"/rounds/offers/{offer.id}/basket", data=_basket_form(offer, **{"quantity-AV": "40"}))
    assert response.status_code == 302
    db.session.expire_all()
    assert next(x for x in offer.lines if x.service_code == "AV").quantity == 40
    assert offer.state == "in_progress"


def test_json_update_returns_new_prices(client, world):
    _sign_in(client, world.users["school"])
    offer = world.offer(world.own)
    response = client.post(f"/rounds/offers/{offer.id}/preview", data=_basket_form(offer, **{"quantity-AV": "40"}),
                           headers={"Accept": "application/json"})
    assert response.get_json()["lines"]["AV"]["price"] == "£190.00" and response.get_json()["saved"] is False
    db.session.expire_all()  # a preview saves nothing: the basket, its revision and its state are as they were
    after = db.session.get(Offer, offer.id)
    assert (after.revision, after.state, next(x.quantity for x in after.lines if x.service_code == "AV")) == (
        1, "not_opened", 30)


def test_bad_quantity_is_refused_naming_the_service(client, world):
    _sign_in(client, world.users["school"])
    offer = world.offer(world.own)
    response = client.post(f"/rounds/offers/{offer.id}/basket", data=_basket_form(offer, **{"quantity-AV": "lots"}))
    assert response.status_code == 400 and "AV: quantity &#39;lots&#39; is not a number" in response.get_data(True)


def test_another_schools_offer_is_404(client, world):
    _sign_in(client, world.users["school"])
    assert client.get(f"/rounds/offers/{world.offer(world.other).id}").status_code == 404


def test_non_signatory_gets_403_and_is_told_who_can(client, world):
    _sign_in(client, world.users["school"])
    offer = world.offer(world.own)
    response = client.post(f"/rounds/offers/{offer.id}/accept", data=ACCEPT)
    assert response.status_code == 403 and "head@own.example" in response.get_data(as_text=True)


def test_signatory_accepts_once_even_when_posted_twice(client, world):
    _sign_in(client, world.users["signatory"])
    offer = world.offer(world.own)
    assert client.post(f"/rounds/offers/{offer.id}/accept", data=ACCEPT).status_code == 302
    assert client.post(f"/rounds/offers/{offer.id}/accept", data=ACCEPT).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(OfferAcceptance)) == 1
    assert db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.sla_year == NEXT)) == 1
    pdf = client.get(f"/rounds/offers/{offer.id}/document")
    assert pdf.mimetype == "application/pdf"
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "offer_accepted")).all()
    assert [m.recipient for m in sent] == ["head@103700.example"]
    assert sent[0].attachments[0].sha256 == db.session.scalar(select(OfferAcceptance)).document_sha256


def test_accept_again_after_reopening_keeps_both_and_agreement_follows(client, world):
    _sign_in(client, world.users["signatory"])
    offer = world.offer(world.own)
    client.post(f"/rounds/offers/{offer.id}/accept", data=ACCEPT)
    client.post(f"/rounds/offers/{offer.id}/basket", data=_basket_form(offer, **{"quantity-AV": "50"}))
    client.post(f"/rounds/offers/{offer.id}/accept", data=ACCEPT)
    db.session.expire_all()
    assert len(offer.acceptances) == 2
    assert offer.agreement.annual_total == offer.acceptances[-1].total != offer.acceptances[0].total
    assert db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.sla_year == NEXT)) == 1


def test_acceptance_after_close_is_refused(client, world):
    close_round(NEXT, "test", early=True)
    _sign_in(client, world.users["signatory"])
    response = client.post(f"/rounds/offers/{world.offer(world.own).id}/accept", data=ACCEPT)
    assert response.status_code == 409 and "closed" in response.get_data(as_text=True)


def test_unpriceable_basket_is_refused(client, world):
    _sign_in(client, world.users["signatory"])
    offer = world.offer(world.own)
    client.post(f"/rounds/offers/{offer.id}/basket", data={"list-WEB": "subscribed"})
    response = client.post(f"/rounds/offers/{offer.id}/accept", data=ACCEPT)
    assert response.status_code == 409 and "WEB" in response.get_data(as_text=True)


def test_remind_one_school_records_it(client, world):
    _sign_in(client, world.users["sla"])
    offer = world.offer(world.own)
    assert client.post(f"/rounds/{NEXT}/remind", data={"offer_id": offer.id}).status_code == 302
    reminder = db.session.scalar(select(OfferReminder))
    assert reminder.offer_id == offer.id and "head@103700.example" in reminder.recipients
    queued = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "round_reminder")).all()
    assert {m.recipient for m in queued} == set(reminder.recipients.split(", "))


def test_portal_opens_the_offer_as_viewed(client, world):
    _sign_in(client, world.users["school"])
    offer = world.offer(world.own)
    assert "Open the offer" in client.get("/portal/").get_data(as_text=True)
    client.post(f"/rounds/offers/{offer.id}/open")
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state == "viewed"


def test_decline_with_reason(client, world):
    _sign_in(client, world.users["school"])
    offer = world.offer(world.own)
    assert client.post(f"/rounds/offers/{offer.id}/decline", data={"reason": ""}).status_code == 400
    asked = client.post(f"/rounds/offers/{offer.id}/decline", data={"reason": "Too dear"})
    assert "Decline the" in asked.get_data(True) and db.session.get(Offer, offer.id).state != "declined"
    client.post(f"/rounds/offers/{offer.id}/decline", data={"reason": "Too dear", "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state == "declined"


def test_reprice_after_a_census_figure_is_entered(client, base_world, make_school):
    from contracts_app.models import CensusFigure

    late = make_school(urn=150001, name="Late Census School")
    publish_next_year()
    open_next()
    db.session.add(CensusFigure(school=late, census=f"{NEXT}-01", pupils=100))
    db.session.commit()
    _sign_in(client, base_world.users["sla"])
    assert client.post(f"/rounds/{NEXT}/reprice").status_code == 302
    offer = db.session.scalar(select(Offer).where(Offer.school_id == late.id))
    assert offer.problem == "" and offer.total is not None


def test_admin_ticks_a_school_user_as_signatory(client, world):
    from contracts_app.models import User

    _sign_in(client, world.users["admin"])
    user = world.users["school"]
    response = client.post(f"/admin/users/{user.id}", data={"email": user.email, "name": "Sam", "role": "school",
                                                            "school_urn": str(world.own.urn), "active": "y",
                                                            "signatory": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.session.expire_all()
    assert db.session.get(User, user.id).signatory
