import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from invoices.vat import VAT_RATES, InvoiceTotals, VatBreakdown, VatError, invoice_totals, vat_summary

D = Decimal


def half_up(value: Fraction) -> Decimal:
    """Independent oracle: round to the penny, halves away from zero, via integer floor."""
    pence = math.floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(-pence if value < 0 else pence) / 100


def test_default_rates():
    assert dict(VAT_RATES) == {"S": D("0.20"), "Z": D("0"), "E": D("0"), "O": D("0")}
    assert all(isinstance(rate, Decimal) for rate in VAT_RATES.values())


def test_vat_is_on_the_sum_not_per_line():
    lines = [("S", D("0.02"))] * 3
    # per line 0.004 -> 0.00 each; on the sum 0.06 x 20% = 0.012 -> 0.01
    assert vat_summary(lines, VAT_RATES) == [VatBreakdown("S", D("0.20"), D("0.06"), D("0.01"))]


def test_rounding_half_up_on_the_code_total():
    assert vat_summary([("S", D("10.03")), ("S", D("10.03"))])[0].vat == D("4.01")  # 4.012
    assert vat_summary([("S", D("1.25")), ("S", D("1.00"))])[0].vat == D("0.45")  # exact
    ten_percent = {"T": D("0.10")}
    assert vat_summary([("T", D("0.25"))], ten_percent)[0].vat == D("0.03")  # 0.025, half up
    assert vat_summary([("T", D("-0.25"))], ten_percent)[0].vat == D("-0.03")  # and away from zero
    assert vat_summary([("T", D("0.24"))], ten_percent)[0].vat == D("0.02")  # 0.024


def test_grouped_and_sorted_by_code():
    lines = [("Z", D("5.00")), ("S", D("100.00")), ("E", D("7.50")), ("S", D("50.00"))]
    assert vat_summary(lines) == [
        VatBreakdown("E", D("0.00"), D("7.50"), D("0.00")),
        VatBreakdown("S", D("0.20"), D("150.00"), D("30.00")),
        VatBreakdown("Z", D("0.00"), D("5.00"), D("0.00")),
    ]
    assert invoice_totals(lines) == InvoiceTotals(D("162.50"), D("30.00"), D("192.50"))


def test_credit_note_mirrors_invoice():
    invoice = [("S", D("10.03")), ("S", D("10.03")), ("Z", D("1.00"))]
    credit = [(code, -net) for code, net in invoice]
    totals, credit_totals = invoice_totals(invoice), invoice_totals(credit)
    assert credit_totals == InvoiceTotals(-totals.net, -totals.vat, -totals.gross)
    assert credit_totals.vat == D("-4.01")


def test_empty_invoice():
    assert vat_summary([]) == []
    assert invoice_totals([]) == InvoiceTotals(D("0.00"), D("0.00"), D("0.00"))


def test_custom_rates():
    assert invoice_totals([("R", D("100.00"))], {"R": D("0.05")}).vat == D("5.00")


def test_refusals():
    with pytest.raises(VatError, match="unknown VAT code"):
        vat_summary([("X", D("1.00"))])
    with pytest.raises(VatError, match="2 decimal places"):
        vat_summary([("S", D("1.001"))])
    # Longer than the default 28-digit context: must not be rounded into whole pence.
    with pytest.raises(VatError, match="2 decimal places"):
        vat_summary([("S", D("1.00000000000000000000000000001"))])
    with pytest.raises(VatError, match="2 decimal places"):
        vat_summary([("S", D("123456789012345678901234567.891"))])
    assert vat_summary([("Z", D("123456789012345678901234567.89"))])[0].net == D("123456789012345678901234567.89")
    with pytest.raises(VatError):
        vat_summary([("S", 1.5)])
    with pytest.raises(VatError):
        vat_summary([("S", D("1.00"))], {"S": D("-0.2")})
    assert issubclass(VatError, ValueError)


codes = st.sampled_from(sorted(VAT_RATES))
nets = st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda p: Decimal(p).scaleb(-2))
rates = st.sampled_from([D("0.20"), D("0.05"), D("0.175"), D("0"), D("0.125")])


@given(st.lists(st.tuples(codes, nets), max_size=30), st.fixed_dictionaries({c: rates for c in "SZEO"}))
def test_matches_en16931_rule_computed_with_fractions(lines, rate_table):
    summary = vat_summary(lines, rate_table)
    assert [b.code for b in summary] == sorted({code for code, _ in lines})
    for breakdown in summary:
        code_sum = sum((Fraction(net) for code, net in lines if code == breakdown.code), Fraction(0))
        assert Fraction(breakdown.net) == code_sum
        assert breakdown.rate == rate_table[breakdown.code]
        assert breakdown.vat == half_up(Fraction(rate_table[breakdown.code]) * code_sum)
    totals = invoice_totals(lines, rate_table)
    assert Fraction(totals.net) == sum((Fraction(net) for _, net in lines), Fraction(0))
    assert totals.vat == sum((b.vat for b in summary), D("0"))
    assert totals.gross == totals.net + totals.vat
    assert invoice_totals([(c, -n) for c, n in lines], rate_table) == InvoiceTotals(
        -totals.net, -totals.vat, -totals.gross
    )
