"""Issue #20 in the API: payments listed with their ids, a payment reversed with a reason."""
from __future__ import annotations

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Payment
from tests.api.conftest import OWN, assert_error


def _pay(api, number, amount="600.00"):
    response = api("POST", f"/invoices/{number}/payments", "finance",
                   json={"amount": amount, "paid_on": "2025-05-01", "reference": "BACS 77"})
    assert response.status_code == 201, response.get_json()


def test_a_payment_is_reversed_and_the_invoice_is_owed_again(world, api):
    number = world.invoices[OWN]
    _pay(api, number, "2603.64")
    listed = api("GET", f"/payments?invoice={number}", "finance").get_json()["items"]
    assert [(p["amount"], p["method"], p["reversed"]) for p in listed] == [("2603.64", "manual", False)]
    payment_id = listed[0]["id"]
    response = api("POST", f"/payments/{payment_id}/reversal", "finance",
                   json={"reason": "paid by another school", "reversed_on": "2025-05-03"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["amount"], body["reverses_payment_id"], body["method"], body["reason"]) == (
        "-2603.64", payment_id, "reversal", "paid by another school")
    assert (body["status"], body["paid"], body["outstanding"]) == ("unpaid", "0.00", "2603.64")
    shown = api("GET", f"/invoices/{number}", "finance").get_json()
    assert [(p["amount"], p["reversed"]) for p in shown["payments"]] == [("2603.64", True), ("-2603.64", False)]
    assert shown["outstanding"] == "2603.64"
    assert_error(api("POST", f"/payments/{payment_id}/reversal", "finance", json={"reason": "again"}), 409,
                 "conflict", mentions="reversed already")
    assert_error(api("POST", f"/payments/{body['id']}/reversal", "finance", json={"reason": "undo"}), 409,
                 mentions="itself a reversal")


def test_reversal_input_and_access(world, api):
    _pay(api, world.invoices[OWN], "10.00")
    payment_id = db.session.scalar(select(Payment.id))
    url = f"/payments/{payment_id}/reversal"
    assert_error(api("POST", url, "finance", json={}), 400)
    assert_error(api("POST", url, "finance", json={"reason": ""}), 400)
    assert_error(api("POST", url, "finance", json={"reason": "x" * 501}), 400)
    assert_error(api("POST", url, "finance", json={"reason": "x", "reversed_on": "1999-01-01"}), 400)
    for role in ("sla", "school"):
        assert_error(api("POST", url, role, json={"reason": "x"}), 403)
        assert_error(api("GET", "/payments", role), 403)
    assert_error(api("POST", url, None, json={"reason": "x"}), 401)
    assert_error(api("POST", "/payments/999999/reversal", "finance", json={"reason": "x"}), 404)
    assert_error(api("GET", "/payments?invoice=INV-2025-999999", "finance"), 404)
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_the_openapi_document_has_the_reversal(world, api):
    spec = api("GET", "/openapi.json", "finance").get_json()
    operation = spec["paths"]["/api/v1/payments/{payment_id}/reversal"]["post"]
    assert {"201", "404", "409"} <= set(operation["responses"])
    assert "/api/v1/payments" in spec["paths"]
