"""Issue #26: an acceptance stands until replaced, the close misses no school, the signed PDF is
the agreement's document, notices on agreements not started, early close - at each door."""
from __future__ import annotations

import hashlib
from decimal import Decimal

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Offer
from contracts_app.services.rounds import acceptance as accepting, basket
from contracts_app.services.rounds.closing import close_round
from tests.agreements_fixtures import add_census, issue_agreement
from tests.rounds.conftest import NEXT, THIS, L
from tests.rounds.test_pages import _basket_form, _sign_in

ASK = accepting.AcceptanceRequest("Pat Head", "Headteacher", True)


def _accept(world, who="signatory"):
    made, created = accepting.accept(world.offer(world.own).id, world.users[who], ASK)
    assert created
    return made


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_change_after_acceptance_is_pending_and_the_acceptance_stands(api, world):
    made = _accept(world)
    offer_id = world.offer(world.own).id
    got = api("GET", f"/offers/{offer_id}", "school").get_json()
    lines = [dict(x, quantity="45") if x["service_code"] == "AV" else x for x in got["lines"]]
    changed = api("PUT", f"/offers/{offer_id}/lines", "school", json={"lines": lines})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["state"] == "accepted" and body["pending_changes"] is True
    assert Decimal(body["accepted_total"]) == made.total and Decimal(body["total"]) != made.total
    listed = api("GET", f"/offers?year={NEXT}&state=accepted", "sla").get_json()
    assert [Decimal(x["total"]) for x in listed["items"]] == [made.total]  # the round counts what was accepted
    report = close_round(NEXT, "test", early=True)
    db.session.expire_all()
    offer = db.session.get(Offer, offer_id)
    assert offer.outcome == "accepted" and report.discarded == [world.own.name] and not offer.pending_changes
    assert offer.agreement.annual_total == made.total
    assert next(x.quantity for x in offer.lines if x.service_code == "AV") == 30  # the accepted basket again


def test_discard_puts_the_accepted_basket_back_page(client, world):
    _accept(world)
    _sign_in(client, world.users["school"])
    offer = world.offer(world.own)
    saved = client.post(f"/rounds/offers/{offer.id}/basket", data=_basket_form(offer, **{"quantity-AV": "50"}))
    assert saved.status_code == 302
    page = client.get(f"/rounds/offers/{offer.id}").get_data(True)
    assert "Changes not yet accepted" in page and "Accepted on" in page and "Accept these changes" in page
    client.post(f"/rounds/offers/{offer.id}/discard", data={})
    db.session.expire_all()
    offer = db.session.get(Offer, offer.id)
    assert offer.state == "accepted" and not offer.pending_changes
    assert next(x.quantity for x in offer.lines if x.service_code == "AV") == 30


def test_saving_the_same_basket_again_changes_nothing_api_round_trip(api, world):
    offer_id = world.offer(world.own).id
    got = api("GET", f"/offers/{offer_id}", "school").get_json()
    again = api("PUT", f"/offers/{offer_id}/lines", "school", json=got)  # the whole GET body, unchanged
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["revision"] == got["revision"] and again.get_json()["lines"] == got["lines"]
    paged = api("GET", f"/offers?year={NEXT}&per_page=1&page=2", "sla").get_json()
    assert (paged["total"], paged["pages"], paged["page"], len(paged["items"])) == (2, 2, 2, 1)


def test_close_renews_an_agreement_issued_after_the_opening(app, world, make_school):
    late = make_school(urn=140099, name="Late Census Primary")
    add_census(late, f"{NEXT}-01", 200)
    db.session.commit()
    # The school had no agreement (its census came late) when the round opened: give it an offer as the
    # opening would have, then issue this year's agreement afterwards.
    from contracts_app.services.rounds.opening import _prefill, refresh
    offer = Offer(round=world.round, school=late, state="not_opened")
    db.session.add(offer)
    _prefill(offer, None, [])
    db.session.flush()
    refresh(offer)
    db.session.commit()
    add_census(late, f"{THIS}-01", 200)
    issue_agreement([L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(10))], school=late, year=THIS,
                    by="sla@test.example")
    result = app.test_cli_runner().invoke(args=["round", "close", "--year", str(NEXT), "--early"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    renewed = db.session.scalar(select(Agreement).where(Agreement.school_id == late.id, Agreement.sla_year == NEXT))
    assert renewed is not None and db.session.get(Offer, offer.id).outcome == "renewed"
    assert "No agreement for" not in result.output  # every school got an agreement


def test_close_lists_every_school_without_an_agreement_with_why(app, world):
    accepting.decline(world.offer(world.own), world.users["school"], "Too dear")
    world.round.default_action = "lapse"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["round", "close", "--year", str(NEXT), "--early"])
    assert result.exit_code == 0, result.output
    assert f"{world.own.urn} {world.own.name}: declined: declined the offer: Too dear" in result.output
    assert f"{world.other.urn} {world.other.name}: lapsed:" in result.output


def test_close_before_the_closing_date_needs_early_at_every_door(app, client, world):
    refused = app.test_cli_runner().invoke(args=["round", "close", "--year", str(NEXT)])
    assert refused.exit_code == 1 and "--early" in refused.output and "2 school(s) have not answered" in refused.output
    _sign_in(client, world.users["sla"])
    asked = client.post(f"/rounds/{NEXT}/close", data={}).get_data(True)
    assert "close the round early" in asked and "2 school(s) have not answered" in asked
    no_early = client.post(f"/rounds/{NEXT}/close", data={"confirmed": "1"}, follow_redirects=True)
    assert "confirm an early close" in no_early.get_data(True)
    db.session.expire_all()
    assert world.round.status == "open"


def test_the_signed_document_is_the_agreements_document_at_every_door(app, client, api, world, tmp_path):
    made = _accept(world)
    agreement_id = made.agreement_id
    assert _sha(api("GET", f"/agreements/{agreement_id}/pdf", "school").data) == made.document_sha256
    _sign_in(client, world.users["school"])
    assert _sha(client.get(f"/agreements/{agreement_id}/document.pdf").data) == made.document_sha256
    out = tmp_path / "sla.pdf"
    result = app.test_cli_runner().invoke(args=["agreements", "pdf", str(world.own.urn), "--year", str(NEXT),
                                                "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _sha(out.read_bytes()) == made.document_sha256
    from contracts_app.services.outbox.renderers import agreement_attachment
    content = agreement_attachment(agreement_id)[1]
    assert _sha(content) == made.document_sha256  # the email's attachment too


def test_notice_on_next_years_agreement_is_refused_with_what_to_do(app, client, api, world):
    made = _accept(world)
    _sign_in(client, world.users["signatory"])
    page = client.get(f"/agreements/{made.agreement_id}/notice")
    assert page.status_code == 409 and "has not started yet" in page.get_data(True)
    posted = client.post(f"/agreements/{made.agreement_id}/notice", data={"reason": "x"})
    assert posted.status_code == 409 and "change your answer on your offer" in posted.get_data(True)
    shown = client.get(f"/agreements/{made.agreement_id}").get_data(True)
    assert "Give written notice" not in shown and "notice-not-started" in shown
    from datetime import date
    answer = api("POST", f"/agreements/{made.agreement_id}/notice", "signatory",
                 json={"notice_date": date.today().isoformat()})
    assert 400 <= answer.status_code < 500 and "has not started yet" in answer.get_data(True)
    cli = app.test_cli_runner().invoke(args=["agreements", "cancel", str(world.own.urn), "--year", str(NEXT),
                                             "--notice-date", "2026-12-01"])
    assert cli.exit_code == 1 and "has not started yet" in cli.output


def test_a_decline_replaces_an_acceptance_only_by_a_signatory(api, world):
    made = _accept(world)
    offer_id = world.offer(world.own).id
    refused = api("POST", f"/offers/{offer_id}/decline", "school", json={"reason": "Changed our minds"})
    assert refused.status_code == 403
    done = api("POST", f"/offers/{offer_id}/decline", "signatory", json={"reason": "Changed our minds"})
    assert done.status_code == 201, done.get_json()
    db.session.expire_all()
    assert db.session.get(Agreement, made.agreement_id).status == "cancelled"


def test_open_and_remind_all_ask_first(client, world):
    _sign_in(client, world.users["sla"])
    asked = client.post(f"/rounds/{NEXT}/remind", data={})
    assert asked.status_code == 200 and "2 school(s) have not answered" in asked.get_data(True)
    assert not world.offer(world.own).reminders
    page = client.get(f"/rounds/?year={THIS}").get_data(True)
    assert 'id="round-year-select"' in page and f'value="{NEXT}"' in page


def test_a_school_reads_its_offers_problems_in_plain_english(client, world):
    from contracts_app.models import Service
    offer = world.offer(world.own)
    service = db.session.scalar(select(Service).where(Service.code == "WEB"))
    basket.set_lines(offer, [*(basket.BasketLine(x.service_code, x.list_name, x.quantity) for x in offer.lines
                               if x.service_code != "WEB"), basket.BasketLine("WEB", "subscribed")],
                     world.users["sla"])
    _sign_in(client, world.users["school"])
    page = client.get(f"/rounds/offers/{offer.id}").get_data(True)
    assert "no maintained price for WEB" in offer.problem  # what the SLA team reads
    assert "price list v" not in page and "no maintained price" not in page
    assert f"{service.title} is not offered to maintained schools" in page and "contact the SLA team" in page
