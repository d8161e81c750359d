"""Two acceptances of the same basket at the same moment (a double click reaching two workers)
make one acceptance and one agreement: the offer's row lock, then the unique constraint."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, OfferAcceptance, User
from contracts_app.services.rounds.acceptance import AcceptanceRequest, accept
from tests.rounds.conftest import NEXT


def test_simultaneous_acceptances_make_one(app, world):
    offer_id, user_id = world.offer(world.own).id, world.users["signatory"].id
    db.session.remove()
    results, errors, start = [], [], threading.Barrier(2)

    def worker():
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                start.wait()
                made, created = accept(offer_id, user, AcceptanceRequest("Pat Head", "Head", True))
                results.append((made.id, created))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(created for _, created in results) == [False, True]
    assert len({acceptance_id for acceptance_id, _ in results}) == 1
    assert db.session.scalar(select(func.count()).select_from(OfferAcceptance)) == 1
    assert db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.sla_year == NEXT)) == 1
