"""Issue #20 under concurrency: one payment reversed by several requests at once, against a
real multi-process server (SQLite and PostgreSQL): exactly one reversing entry, the rest 409."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Payment
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.users import issue_token
from tests.concurrency.conftest import WORKERS, at_once
from tests.finance_fixtures import bill_two_schools

RACERS = max(WORKERS, 3)


@pytest.fixture
def paid(app, make_school, make_user):
    billed = bill_two_schools(make_school)
    invoice = billed[140001]
    payment = invoicing.record_payment(invoice, invoice.gross, date(2025, 5, 1), "BACS", "f")
    token = issue_token(make_user("finance").email)
    ids = {"payment": payment.id, "number": invoice.number, "gross": invoice.gross, "token": token}
    db.session.remove()  # the server's workers write; this session must hold nothing open
    return ids


def test_simultaneous_reversals_reverse_once(live_server, paid):
    call = lambda: live_server.api("POST", f"/payments/{paid['payment']}/reversal", paid["token"],  # noqa: E731
                                   {"reason": "wrong school"})
    answers = at_once([call for _ in range(RACERS)])
    assert sorted(a.status for a in answers) == [201] + [409] * (RACERS - 1), [a.body[:200] for a in answers]
    for refused in (a for a in answers if a.status == 409):
        assert "reversed already" in refused.json()["detail"], refused.body
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Payment)
                             .where(Payment.reverses_payment_id == paid["payment"])) == 1
    state = invoicing.balance(invoicing.by_number(paid["number"]))
    assert state.paid == Decimal("0.00") and state.outstanding == paid["gross"]
