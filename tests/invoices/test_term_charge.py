"""What a term charges for a line (§2.7): the same amounts its invoices carry."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from invoices.building import Contract, ContractLine, due_invoices, term_charge
from invoices.schedule import ScheduleError

YEAR = (date(2025, 4, 1), date(2026, 3, 31))


def billed(customer_type: str, annual: Decimal, start: date | None) -> Decimal:
    contract = Contract(1, customer_type, *YEAR, (ContractLine(7, "X", "X", annual, "x", "S", start),))
    return sum((line.net for draft in due_invoices(contract, "autumn", set()) for line in draft.lines), Decimal(0))


@pytest.mark.parametrize("customer_type", ["maintained", "academy"])
@pytest.mark.parametrize("start", [None, date(2025, 4, 1), date(2025, 11, 15), date(2026, 1, 15), date(2026, 3, 31)])
def test_term_charge_is_what_the_invoices_charge(customer_type, start):
    annual = Decimal("6072.70")
    assert term_charge(annual, customer_type, *YEAR, start) == billed(customer_type, annual, start)


def test_whole_term_is_the_annual_price_and_a_late_start_is_pro_rata():
    assert term_charge(Decimal("900.00"), "academy", *YEAR) == Decimal("900.00")
    # from 15 January: (17/31 + 2) months of 12
    assert term_charge(Decimal("900.00"), "maintained", *YEAR, date(2026, 1, 15)) == Decimal("191.13")
    # a six-month term
    assert term_charge(Decimal("1277.20"), "maintained", date(2025, 10, 1), YEAR[1]) == Decimal("638.60")


def test_a_term_no_schedule_fits_is_refused():
    with pytest.raises(ScheduleError, match="one SLA year"):
        term_charge(Decimal("900.00"), "academy", date(2025, 9, 1), date(2026, 6, 30))
