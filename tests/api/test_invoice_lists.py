"""Issue 15 items 9-10 through the API: invoices still owed (part-paid included), and a run's own."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from contracts_app.services.invoicing import balances as invoicing, runs as invoice_run
from tests.api.conftest import OTHER, OWN


def numbers(api, query: str) -> list[str]:
    response = api("GET", "/invoices" + query, "finance")
    assert response.status_code == 200, response.get_json()
    return sorted(i["invoice_number"] for i in response.get_json()["items"])


def test_outstanding_lists_part_paid_and_unpaid(world, api):
    invoicing.record_payment(invoicing.by_number(world.invoices[OWN]), Decimal("100.00"), date(2025, 4, 20), "", "f")
    assert numbers(api, "?status=unpaid") == [world.invoices[OTHER]]
    assert numbers(api, "?status=outstanding") == sorted(world.invoices.values())


def test_run_filter_lists_one_runs_invoices(world, api):
    first = invoice_run.recent_runs()[0].id
    assert numbers(api, f"?run={first}") == sorted(world.invoices.values())
    assert numbers(api, f"?run={first + 1}") == []
