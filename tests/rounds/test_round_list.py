"""Issue #30: the round's offers sort by school, state, value and reminders, export as filtered, and the
schools chosen on the page are reminded together after a confirmation naming how many."""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import OfferReminder
from tests.rounds.conftest import NEXT
from tests.rounds.test_pages import _sign_in


def _schools(html: str) -> list[str]:
    body = html.split('id="round-offers"')[1].split("</table>")[0]
    return re.findall(r'href="/rounds/offers/\d+">([^<]+)</a>', body)


def test_offers_sort_by_school_and_reminders_and_export_in_that_order(client, world):
    _sign_in(client, world.users["sla"])
    assert _schools(client.get(f"/rounds/?year={NEXT}&sort=school&dir=desc").get_data(as_text=True)) == [
        "Cardinal Academy", "Allesley Primary School"]
    client.post(f"/rounds/{NEXT}/remind", data={"offer_id": world.offer(world.other).id})
    assert _schools(client.get(f"/rounds/?year={NEXT}&sort=reminders&dir=desc").get_data(as_text=True)) == [
        "Cardinal Academy", "Allesley Primary School"]
    export = client.get(f"/rounds/?year={NEXT}&sort=reminders&dir=desc&export=csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [(r["school"], r["reminders"]) for r in rows] == [("Cardinal Academy", "1"),
                                                             ("Allesley Primary School", "0")]
    assert rows[0]["annual_value"] and rows[0]["state"] == "not_opened"
    assert client.get(f"/rounds/?year={NEXT}&sort=problem").status_code == 400


def test_the_chosen_schools_are_reminded_after_a_confirmation_naming_the_count(client, world):
    _sign_in(client, world.users["sla"])
    page = client.get(f"/rounds/?year={NEXT}").get_data(as_text=True)
    assert page.count('name="offer_ids"') == 2 and 'form="remind-chosen"' in page
    chosen = {"chosen": "1", "offer_ids": [str(world.offer(world.own).id), str(world.offer(world.other).id)]}
    asked = client.post(f"/rounds/{NEXT}/remind", data=chosen)
    assert asked.status_code == 200 and "Remind the 2 chosen school(s)?" in asked.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OfferReminder)) == 0  # nothing yet
    done = client.post(f"/rounds/{NEXT}/remind", data={**chosen, "confirmed": "1"})
    assert done.status_code == 302
    assert {r.offer_id for r in db.session.scalars(select(OfferReminder))} == set(map(int, chosen["offer_ids"]))


def test_a_choice_of_nobody_or_of_what_is_not_an_offer_reminds_nobody(client, world):
    _sign_in(client, world.users["sla"])
    nobody = client.post(f"/rounds/{NEXT}/remind", data={"chosen": "1", "confirmed": "1"}, follow_redirects=True)
    assert "Choose at least one school to remind." in nobody.get_data(as_text=True)
    assert client.post(f"/rounds/{NEXT}/remind", data={"chosen": "1", "offer_ids": ["x"]}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(OfferReminder)) == 0


def test_only_the_sla_team_reminds_chosen_schools(client, world):
    _sign_in(client, world.users["finance"])
    chosen = {"chosen": "1", "offer_ids": [str(world.offer(world.own).id)], "confirmed": "1"}
    assert client.post(f"/rounds/{NEXT}/remind", data=chosen).status_code == 403
    assert 'name="offer_ids"' not in client.get(f"/rounds/?year={NEXT}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OfferReminder)) == 0
