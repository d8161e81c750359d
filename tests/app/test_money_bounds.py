"""Issue #16 item 10: amounts and business dates are bounded by invoices.bounds, at every door
(page, command, API) and in the services, with a message and nothing written."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.users import issue_token
from invoices import bounds
from pricing.errors import ActionRefused
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput
BAD_AMOUNTS = ["1e400", "Infinity", "-Infinity", "NaN", "sNaN", "1.001", "-5", "0", "0.00", "1000000000.00", "abc"]
BAD_DATES = ["9999-12-31", "1900-01-01"]


# -- the domain check -------------------------------------------------------------------------

@pytest.mark.parametrize("raw", BAD_AMOUNTS)
def test_bad_amounts_are_refused_by_name(raw):
    with pytest.raises(ActionRefused, match="the payment"):
        bounds.amount(raw, "the payment")


@given(st.integers(min_value=1, max_value=99_999_999_999))
def test_every_whole_pence_amount_up_to_the_limit_is_accepted_exactly(pence):
    value = Decimal(pence).scaleb(-2)
    assert bounds.amount(value) == value
    assert bounds.amount(f"{value:,.2f}") == value


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_any_decimal_is_accepted_only_as_finite_positive_whole_pence(value):
    ok = value.is_finite() and 0 < value <= bounds.MAX_AMOUNT and value == value.quantize(Decimal("0.01"))
    if ok:
        assert bounds.amount(value) == value
    else:
        with pytest.raises(ActionRefused):
            bounds.amount(value)


@given(st.dates(), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_payment_dates_inside_the_window_only(paid_on, issued):
    today = date(2026, 12, 2)
    inside = issued - bounds.PAYMENT_EARLY <= paid_on <= today + bounds.FUTURE_MARGIN
    if inside:
        assert bounds.payment_date(paid_on, "INV-1", issued, today) == paid_on
    else:
        with pytest.raises(ActionRefused, match="outside"):
            bounds.payment_date(paid_on, "INV-1", issued, today)


@given(st.dates(), st.integers(min_value=2000, max_value=2100))
def test_document_dates_inside_their_sla_years_window(when, year):
    first, last = bounds.series_window(year)
    if first <= when <= last:
        assert bounds.document_date("invoice", when, year, None) == when
    else:
        with pytest.raises(ActionRefused, match="window"):
            bounds.document_date("invoice", when, year, None)


def test_document_dates_follow_their_series_and_the_invoice_credited():
    with pytest.raises(ActionRefused, match="before 2025-06-01, the date of the last credit note"):
        bounds.document_date("credit note", date(2025, 5, 31), 2025, date(2025, 6, 1))
    with pytest.raises(ActionRefused, match="before INV-2025-000001's issue date"):
        bounds.document_date("credit note", date(2025, 4, 9), 2025, None, ("INV-2025-000001", date(2025, 4, 10)))
    assert bounds.document_date("credit note", date(2025, 6, 1), 2025, date(2025, 6, 1)) == date(2025, 6, 1)
    assert bounds.series_window(9998)[1] == date.max


# -- the doors --------------------------------------------------------------------------------

@pytest.fixture
def invoice(app, make_school):
    build_priced_world(2025)
    school = make_school(urn=103700)
    add_census(school, "2025-01", 300)
    issue_agreement([L("SIMS", "subscribed")], school=school)
    invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    return db.session.scalar(select(Invoice))


def _payments() -> int:
    return db.session.scalar(select(func.count()).select_from(Payment))


@pytest.mark.parametrize("raw", BAD_AMOUNTS)
def test_payment_page_refuses_bad_amounts(invoice, client, login, raw):
    login("finance")
    page = client.post(f"/invoices/{invoice.number}/payments", data={"amount": raw, "paid_on": "2025-05-01"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Payment not recorded: Amount" in page
    assert _payments() == 0


@pytest.mark.parametrize("raw", BAD_AMOUNTS)
def test_pay_command_refuses_bad_amounts(invoice, app, raw):
    result = app.test_cli_runner().invoke(args=["invoices", "pay", invoice.number, "--amount", raw,
                                                "--date", "2025-05-01"])
    assert result.exit_code == 1 and "--amount" in result.output and "Traceback" not in result.output, result.output
    assert _payments() == 0


@pytest.mark.parametrize("fragment", ['"1e400"', "1e400", '"Infinity"', "Infinity", '"NaN"', "NaN", '"1.001"',
                                      '"-5.00"', '"0.00"', "12.5", '"1000000000.00"'])
def test_payment_api_refuses_bad_amounts(invoice, client, make_user, fragment):
    token = issue_token(make_user("finance").email)
    response = client.post(f"/api/v1/invoices/{invoice.number}/payments", headers={"Authorization": f"Bearer {token}"},
                           data=f'{{"amount": {fragment}, "paid_on": "2025-05-01"}}', content_type="application/json")
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert "amount" in response.get_data(as_text=True) or response.status_code == 400
    assert _payments() == 0


@pytest.mark.parametrize("paid_on", BAD_DATES)
def test_payment_dates_out_of_the_window_are_refused_at_every_door(invoice, client, login, make_user, app, paid_on):
    with pytest.raises(ActionRefused, match=f"the payment date {paid_on} is outside"):
        invoicing.record_payment(invoice, Decimal("1.00"), date.fromisoformat(paid_on), "", "f")
    login("finance")
    page = client.post(f"/invoices/{invoice.number}/payments", data={"amount": "1.00", "paid_on": paid_on},
                       follow_redirects=True).get_data(as_text=True)
    assert "Payment not recorded: the payment date" in page
    result = app.test_cli_runner().invoke(args=["invoices", "pay", invoice.number, "--amount", "1.00",
                                                "--date", paid_on])
    assert result.exit_code == 1 and "outside" in result.output, result.output
    token = issue_token(make_user("finance", email="api@test.example").email)
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(f"/api/v1/invoices/{invoice.number}/payments", headers=headers,
                           json={"amount": "1.00", "paid_on": paid_on})
    assert response.status_code in (400, 422) and "paid_on" in response.get_json()["detail"], response.get_json()
    # Inside the API's own date range but outside the payment's window: the service's refusal.
    for outside in ("2100-01-01", "2024-12-31"):
        response = client.post(f"/api/v1/invoices/{invoice.number}/payments", headers=headers,
                               json={"amount": "1.00", "paid_on": outside})
        assert response.status_code == 409 and f"the payment date {outside} is outside" in response.get_json()["detail"]
    assert _payments() == 0
    future = date.today() + bounds.FUTURE_MARGIN
    invoicing.record_payment(invoice, Decimal("1.00"), future, "announced", "f")  # the margin itself is fine
    assert _payments() == 1


def test_credit_note_dates_keep_their_series_in_date_order(invoice, client, login, app):
    with pytest.raises(ActionRefused, match="before INV-2025-000001's issue date 2025-04-10"):
        invoicing.issue_credit_note(invoice, "typo", "f", date(2025, 4, 9))
    for bad in (date(9999, 12, 31), date(1900, 1, 1)):
        with pytest.raises(ActionRefused, match="outside the 2025-26 window"):
            invoicing.issue_credit_note(invoice, "typo", "f", bad)
    sims = invoice.lines[0]
    note = invoicing.issue_credit_note(invoice, "part", "f", date(2025, 6, 1), {sims.id: Decimal("10.00")})
    assert note.number == "CRN-2025-000001"
    with pytest.raises(ActionRefused, match="before 2025-06-01, the date of the last credit note"):
        invoicing.issue_credit_note(invoice, "earlier", "f", date(2025, 5, 31))
    result = app.test_cli_runner().invoke(args=["invoices", "credit", invoice.number, "--reason", "x",
                                                "--date", "2025-05-31"])
    assert result.exit_code == 1 and "numbers must stay in date order" in result.output, result.output
    login("finance")
    page = client.post(f"/invoices/{invoice.number}/credit", data={
        "reason": "x", "issue_date": "9999-12-31", "confirmed": "1", "credited_before": "12.00"},
        follow_redirects=True).get_data(as_text=True)
    assert "No credit note issued" in page
    assert db.session.scalar(select(func.count()).select_from(Invoice).where(Invoice.kind == "credit_note")) == 1


def test_credit_line_amounts_on_the_page_are_checked_by_the_same_function(invoice, client, login):
    login("finance")
    sims = invoice.lines[0]
    for raw in ("NaN", "1e400", "1.001"):
        page = client.post(f"/invoices/{invoice.number}/credit", data={
            "reason": "x", "issue_date": "2025-06-01", "scope": "lines", f"line-{sims.id}": raw},
            follow_redirects=True).get_data(as_text=True)
        assert "No credit note issued: line 1" in page, page[:3000]
    assert db.session.scalar(select(func.count()).select_from(Invoice).where(Invoice.kind == "credit_note")) == 0


def test_a_credit_note_never_credits_what_was_paid(invoice):
    invoicing.record_payment(invoice, invoice.gross - Decimal("1.00"), date(2025, 5, 1), "", "f")
    with pytest.raises(ActionRefused, match=r"more than the £1.00 still owed"):
        invoicing.issue_credit_note(invoice, "closed", "f", date(2025, 6, 1))
    assert invoicing.owed(invoice).outstanding == Decimal("1.00")


@pytest.mark.parametrize("when", ["1900-01-01", "9999-12-31", "2025-04-09"])
def test_run_issue_dates_out_of_bounds_leave_no_run_row(invoice, app, client, login, when):
    from contracts_app.models import InvoiceRun

    runs_before = db.session.scalar(select(func.count()).select_from(InvoiceRun))
    result = app.test_cli_runner().invoke(args=["invoices", "run", "--year", "2025", "--term", "autumn",
                                                "--issue-date", when])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert ("window" if when[:4] != "2025" else "date order") in result.output
    login("finance")
    page = client.post("/invoices/runs", data={"year": "2025", "term": "autumn", "issue_date": when,
                                               "confirmed": "1"}).get_data(as_text=True)
    assert "window" in page or "date order" in page
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(InvoiceRun)) == runs_before
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 1

