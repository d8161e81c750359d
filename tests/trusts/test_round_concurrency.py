"""Two trust acceptances of the same academies at the same moment (a double click reaching two
workers) make one acceptance per academy: the offers' row locks, taken in id order, queue the
second behind the first (no deadlock), which then finds each basket accepted already."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, OfferAcceptance, Trust, User
from contracts_app.services.rounds.acceptance import AcceptanceRequest
from contracts_app.services.rounds.trust import accept_for_trust
from tests.rounds.conftest import NEXT, base_world  # noqa: F401 - the round world
from tests.trusts.test_round import academy_offers, trust_world  # noqa: F401 - the trust's world


def test_simultaneous_trust_acceptances_make_one_per_academy(app, trust_world):  # noqa: F811 - the fixture
    w = trust_world
    # One worker names the offers in one order, the other in the reverse: the locks still queue.
    orders = [[o.id for o in academy_offers(w)], [o.id for o in reversed(academy_offers(w))]]
    user_id, trust_id = w.users["trust_signatory"].id, w.trust.id
    db.session.remove()
    results, errors, start = [], [], threading.Barrier(2)

    def worker(ids):
        with app.app_context():
            try:
                user, trust = db.session.get(User, user_id), db.session.get(Trust, trust_id)
                start.wait()
                made = accept_for_trust(trust, ids, user, AcceptanceRequest("Sam Chair", "CFO", True))
                results.append(sorted((m.offer_id, m.acceptance.id, m.created) for m in made))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(ids,)) for ids in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert sorted(tuple(created for *_, created in r) for r in results) == [(False, False), (True, True)]
    assert [(o, a) for o, a, _ in results[0]] == [(o, a) for o, a, _ in results[1]]  # the same acceptances
    assert db.session.scalar(select(func.count()).select_from(OfferAcceptance)) == 2
    assert db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.sla_year == NEXT)) == 2
