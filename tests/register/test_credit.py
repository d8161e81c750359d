"""register.credit: the months after an early end credited by the §2.7 pro-rata rule, with a
property test - credited + still owed = invoiced, neither negative (issue #28)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from invoices.allocation import allocate_line
from invoices.schedule import billing_periods
from register.credit import InvoicedLine, credit_for, still_owed

YEAR_START, YEAR_END = date(2026, 4, 1), date(2027, 3, 31)


def _invoiced(annual: Decimal, customer_type: str, line_start: date | None) -> list[InvoicedLine]:
    """The lines an invoice run bills for a full-year agreement (the run's own rule)."""
    periods = billing_periods(customer_type, YEAR_START, YEAR_END)
    start = max(line_start or YEAR_START, YEAR_START)
    amounts = allocate_line(annual, start, YEAR_END, periods)
    return [InvoicedLine(annual, line_start, customer_type, YEAR_START, YEAR_END, p.term, amount)
            for p, amount in zip(periods, amounts)]


def test_maintained_december_to_march_to_the_penny():
    (line,) = _invoiced(Decimal("1277.20"), "maintained", None)
    assert credit_for(line, date(2026, 11, 30)) == Decimal("425.73")  # 1277.20 - 851.47
    assert credit_for(line, date(2026, 11, 30), credit_conversions=False) == Decimal("0.00")  # §2.5 d


def test_academy_summer_kept_autumn_credited_from_the_end():
    summer, autumn = _invoiced(Decimal("1200.00"), "academy", None)
    assert credit_for(summer, date(2026, 11, 30)) == Decimal("0.00")
    assert credit_for(autumn, date(2026, 11, 30)) == Decimal("400.00")
    assert credit_for(summer, date(2026, 6, 30)) == Decimal("200.00")   # July and August
    assert credit_for(autumn, date(2026, 6, 30)) == Decimal("700.00")   # the whole autumn


def test_a_line_starting_after_the_end_is_credited_whole():
    (line,) = _invoiced(Decimal("600.00"), "maintained", date(2027, 1, 15))
    assert credit_for(line, date(2026, 11, 30)) == line.net


@settings(max_examples=300, deadline=None)
@given(pence=st.integers(min_value=0, max_value=10_000_000),
       customer_type=st.sampled_from(["maintained", "academy"]),
       start_offset=st.one_of(st.none(), st.integers(min_value=0, max_value=364)),
       end_offset=st.integers(min_value=-1, max_value=364),
       on=st.booleans())
def test_credited_plus_still_owed_is_invoiced(pence, customer_type, start_offset, end_offset, on):
    annual = Decimal(pence).scaleb(-2)
    line_start = YEAR_START + timedelta(days=start_offset) if start_offset is not None else None
    end = YEAR_START + timedelta(days=end_offset)
    for line in _invoiced(annual, customer_type, line_start):
        owed = still_owed(line, end)
        # The rule itself keeps within what was billed: no clamp needed to stay whole.
        assert Decimal(0) <= owed <= line.net
        credited = credit_for(line, end, on)
        assert credited >= 0
        assert credited + (owed if on else line.net) == line.net
