"""Issue #28: the same register change applied by several requests at once, on a real
multi-process server (SQLite and PostgreSQL): exactly one applies it, the others answer that
it was applied already, and there is one credit note and one successor agreement."""
from __future__ import annotations

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, RegisterChange
from contracts_app.services.users import issue_token
from tests.concurrency.conftest import WORKERS, at_once
from tests.register import world


def test_one_change_applied_at_once_applies_once(app, make_user, live_server):
    w = world.conversion()
    change_id, academy_id = w["agreement"].id, w["academy"].id
    token = issue_token(make_user("sla").email)
    db.session.remove()  # the server's workers write; this session holds nothing open
    body = {"credit_date": "2026-12-07"}
    answers = at_once([lambda: live_server.api("POST", f"/register-changes/{change_id}/apply", token, body)
                       for _ in range(max(WORKERS, 3))])
    assert all(a.status == 200 for a in answers), [(a.status, a.body[:200]) for a in answers]
    assert sorted(a.json()["changed"] for a in answers) == [False] * (len(answers) - 1) + [True]
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(RegisterChange)) == 1
    assert db.session.scalar(select(func.count()).select_from(Invoice).where(Invoice.kind == "credit_note")) == 1
    assert db.session.scalar(select(func.count()).select_from(Agreement).where(Agreement.school_id == academy_id)) == 1
