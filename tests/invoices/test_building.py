"""invoices.building: which periods a run bills, the lines' amounts and texts, and totals."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from invoices.allocation import line_total
from invoices.building import (
    Contract,
    ContractLine,
    DraftInvoice,
    DraftLine,
    charges_invoice,
    due_invoices,
    line_key,
    OneOffCharge,
)
from invoices.vat import VatError, invoice_totals

APR, MAR = date(2025, 4, 1), date(2026, 3, 31)


def contract(kind, *lines, start=APR, end=MAR):
    return Contract(7, kind, start, end, tuple(lines))


def line(line_id, annual, start=None, vat="S", code="ISP"):
    return ContractLine(line_id, code, code.title(), Decimal(annual), f"explained {line_id}", vat, start)


def test_maintained_school_gets_one_summer_invoice_for_the_whole_term():
    drafts = due_invoices(contract("maintained", line(1, "1234.50"), line(2, "600.00", vat="Z")), "summer", set())
    assert len(drafts) == 1
    (draft,) = drafts
    assert (draft.period.term, draft.period.start, draft.period.end) == ("summer", APR, MAR)
    assert [(l.billing_key, l.net, l.unit_price, l.quantity, l.agreement_line_id) for l in draft.lines] == [
        ("line:1:summer", Decimal("1234.50"), Decimal("1234.50"), Decimal(1), 1),
        ("line:2:summer", Decimal("600.00"), Decimal("600.00"), Decimal(1), 2)]
    assert draft.lines[0].explanation == "explained 1. 1 Apr 2025 to 31 Mar 2026: 12 months of 12 of £1,234.50"
    assert (draft.net, draft.vat, draft.gross) == (Decimal("1834.50"), Decimal("246.90"), Decimal("2081.40"))
    # Nothing is due from a maintained school in the autumn once the summer invoice is raised.
    assert due_invoices(contract("maintained", line(1, "1234.50")), "autumn", {line_key(1, "summer")}) == []


def test_academy_summer_then_autumn():
    c = contract("academy", line(1, "1200.00"))
    (summer,) = due_invoices(c, "summer", set())
    assert (summer.period.term, summer.period.end, summer.net) == ("summer", date(2025, 8, 31), Decimal("500.00"))
    assert summer.lines[0].explanation.endswith("1 Apr 2025 to 31 Aug 2025: 5 months of 12 of £1,200.00")
    (autumn,) = due_invoices(c, "autumn", {"line:1:summer"})
    assert (autumn.period.term, autumn.net) == ("autumn", Decimal("700.00"))
    # An autumn run also raises a summer period nobody billed (an agreement made after the summer run).
    assert [d.period.term for d in due_invoices(c, "autumn", set())] == ["summer", "autumn"]


def test_billed_lines_are_left_out_and_a_fully_billed_period_raises_nothing():
    c = contract("academy", line(1, "1200.00"), line(2, "120.00"))
    (summer,) = due_invoices(c, "summer", {"line:1:summer"})
    assert [l.billing_key for l in summer.lines] == ["line:2:summer"]
    assert due_invoices(c, "summer", {"line:1:summer", "line:2:summer"}) == []


def test_a_line_starting_mid_term_is_charged_pro_rata_by_calendar_month():
    # 15 Nov - 31 Mar: 16/30 of November + 4 months = 4.53 months (DESIGN §1 "Invoice schedule").
    c = contract("academy", line(1, "1200.00", start=date(2025, 11, 15)))
    (autumn,) = due_invoices(c, "autumn", set())
    assert autumn.net == Decimal("453.33")
    assert autumn.lines[0].explanation.endswith("15 Nov 2025 to 31 Mar 2026: 4.53 months of 12 of £1,200.00")
    assert due_invoices(c, "summer", set()) == []


def test_unknown_term_is_refused():
    with pytest.raises(ValueError, match="summer or autumn"):
        due_invoices(contract("academy", line(1, "1.00")), "spring", set())


pennies = st.integers(min_value=0, max_value=5_000_000).map(lambda p: Decimal(p).scaleb(-2))
starts = st.dates(min_value=APR, max_value=MAR)
vat_codes = st.sampled_from("SZEO")


@given(st.lists(st.tuples(pennies, starts, vat_codes), min_size=1, max_size=15),
       st.sampled_from(["maintained", "academy"]))
def test_a_full_terms_invoices_sum_to_each_lines_charge_to_the_penny(lines, kind):
    c = contract(kind, *(line(i, annual, start, vat) for i, (annual, start, vat) in enumerate(lines, start=1)))
    summer = due_invoices(c, "summer", set())
    billed = {l.billing_key for d in summer for l in d.lines}
    autumn = due_invoices(c, "autumn", billed)
    charged: dict[int, Decimal] = {}
    for draft in summer + autumn:
        # The totals summed on the way equal the EN 16931 rule applied to the lines afterwards.
        expected = invoice_totals([(l.vat_code, l.net) for l in draft.lines])
        assert (draft.net, draft.vat, draft.gross) == (expected.net, expected.vat, expected.gross)
        for l in draft.lines:
            charged[l.agreement_line_id] = charged.get(l.agreement_line_id, Decimal(0)) + l.net
    for i, (annual, start, _) in enumerate(lines, start=1):
        assert charged.get(i, Decimal("0.00")) == line_total(annual, max(start, APR), MAR, APR, MAR)
    # Nothing is billed twice: no key appears on two drafts.
    keys = [l.billing_key for d in summer + autumn for l in d.lines]
    assert len(keys) == len(set(keys))


signed_pennies = st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda p: Decimal(p).scaleb(-2))


@given(st.lists(st.tuples(st.sampled_from("SZEO"), signed_pennies), max_size=20))
def test_draft_totals_follow_the_en16931_rule(lines):
    rates = {"S": Decimal("0.20"), "Z": Decimal("0"), "E": Decimal("0"), "O": Decimal("0")}
    draft = DraftInvoice(None, None)
    for code, net in lines:
        draft.lines.append(DraftLine("X", "x", "", Decimal(1), net, net, code, rates[code], None))
        # Totals are cached per number of lines, so appending after reading them is safe.
        expected = invoice_totals([(l.vat_code, l.net) for l in draft.lines], rates)
        assert (draft.net, draft.vat, draft.gross) == (expected.net, expected.vat, expected.gross)
    assert sum((b.net for b in draft.vat_breakdown), Decimal(0)) == draft.net


def test_a_sub_penny_line_is_refused_when_totalled():
    draft = DraftInvoice(None, None)
    draft.lines.append(DraftLine("X", "x", "", Decimal(1), Decimal("0.005"), Decimal("0.005"), "S",
                                 Decimal("0.20"), None))
    with pytest.raises(VatError, match="more than 2 decimal places"):
        draft.vat


def test_one_off_charges_go_on_one_invoice_once():
    charges = [OneOffCharge(3, "Cancellation charge", Decimal("250.00"), "S"),
               OneOffCharge(4, "Removal", Decimal("10.00"), "Z")]
    draft = charges_invoice(7, charges, set())
    assert [(l.billing_key, l.net) for l in draft.lines] == [("charge:3", Decimal("250.00")),
                                                             ("charge:4", Decimal("10.00"))]
    assert draft.gross == Decimal("310.00")
    assert charges_invoice(7, charges, {"charge:3", "charge:4"}) is None
