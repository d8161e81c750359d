"""Issue #16 item 1: simultaneous payments and credit notes on one invoice, as real requests to a
real multi-process server, on SQLite and PostgreSQL: exactly one wins, the others are refused
(409 with a JSON message in the API, a flashed message on the page) and nothing is paid or
credited twice."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.users import issue_token
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement
from tests.concurrency.conftest import WORKERS, at_once

L = agreement_service.LineInput
TRIALS = 3  # invoices raced in turn: one race can be won by luck, three rarely
RACERS = max(WORKERS, 3)


@pytest.fixture
def billed(app, make_school, make_user):
    """TRIALS schools each with an issued summer invoice, and a finance user with a token."""
    build_priced_world(2025)
    for n in range(TRIALS):
        school = make_school(urn=103700 + n)
        add_census(school, "2025-01", 300 + n)
        issue_agreement([L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30))], school=school)
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test.example")
    email = make_user("finance").email
    token = issue_token(email)
    numbers = list(db.session.scalars(select(Invoice.number).where(Invoice.kind == "invoice")
                                      .order_by(Invoice.number)))
    assert len(numbers) == TRIALS
    db.session.remove()  # the server's workers write; this session must not hold anything open
    return {"numbers": numbers, "email": email, "token": token}


def _state(number: str):
    db.session.remove()
    invoice = invoicing.by_number(number)
    return invoice, invoicing.owed(invoice)


def _pay(live_server, token: str, number: str, amount: Decimal):
    return lambda: live_server.api("POST", f"/invoices/{number}/payments", token,
                                   {"amount": f"{amount:.2f}", "paid_on": "2025-05-01", "reference": "BACS"})


def _credit(browser, number: str):
    form = {"reason": "school closed", "issue_date": "2025-06-01", "confirmed": "1", "credited_before": "0.00"}
    return lambda: browser.request("POST", f"/invoices/{number}/credit", form=form)


def test_simultaneous_full_payments_record_exactly_one(live_server, billed):
    for number in billed["numbers"]:
        invoice, state = _state(number)
        answers = at_once([_pay(live_server, billed["token"], number, state.outstanding) for _ in range(RACERS)])
        statuses = sorted(a.status for a in answers)
        assert statuses == [201] + [409] * (RACERS - 1), [(a.status, a.body[:200]) for a in answers]
        for refused in (a for a in answers if a.status == 409):
            assert "more than the £0.00 still owed" in refused.json()["detail"], refused.body
        invoice, state = _state(number)
        assert state.paid == invoice.gross and state.outstanding == Decimal("0.00")
        assert db.session.scalar(select(func.count()).select_from(Payment)
                                 .where(Payment.invoice_id == invoice.id)) == 1


def test_simultaneous_part_payments_never_exceed_what_is_owed(live_server, billed):
    number = billed["numbers"][0]
    invoice, state = _state(number)
    part = (state.outstanding / 2).quantize(Decimal("0.01"))  # two fit, the rest do not
    answers = at_once([_pay(live_server, billed["token"], number, part) for _ in range(RACERS + 1)])
    assert sorted(a.status for a in answers) == [201, 201] + [409] * (RACERS - 1), [a.body[:200] for a in answers]
    invoice, state = _state(number)
    assert state.paid == 2 * part <= invoice.gross


def test_simultaneous_full_credit_notes_issue_exactly_one(live_server, billed):
    browsers = [live_server.browser().login(billed["email"]) for _ in range(RACERS)]
    for number in billed["numbers"]:
        answers = at_once([_credit(b, number) for b in browsers])
        assert all(a.status == 302 for a in answers), [(a.status, a.body[:300]) for a in answers]
        issued = [a for a in answers if "/invoices/CRN-" in a.location]
        assert len(issued) == 1, [a.location for a in answers]
        refused = [b for b, a in zip(browsers, answers) if a not in issued]
        for browser in refused:  # the page each loser lands on says why
            page = browser.request("GET", f"/invoices/{number}").body
            assert "No credit note issued" in page and "credited in full already" in page, page[:2000]
        invoice, state = _state(number)
        assert len(invoice.credit_notes) == 1
        assert state.credited == invoice.gross and state.outstanding == Decimal("0.00")


def test_a_full_payment_racing_a_full_credit_note_one_wins(live_server, billed):
    browser = live_server.browser().login(billed["email"])
    for number in billed["numbers"]:
        invoice, state = _state(number)
        payment, credit = at_once([_pay(live_server, billed["token"], number, state.outstanding),
                                   _credit(browser, number)])
        credited = "/invoices/CRN-" in credit.location
        assert (payment.status == 201) != credited, (payment.status, payment.body[:300], credit.location)
        if credited:
            assert payment.status == 409 and "cancelled by credit note" in payment.json()["detail"]
        invoice, state = _state(number)
        assert not (state.paid == invoice.gross and state.credited == invoice.gross)
        assert state.outstanding == Decimal("0.00") and state.paid + state.credited == invoice.gross
