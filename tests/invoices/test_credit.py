import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from invoices.credit import CreditRefused, CreditRequest, check_credit, full_credit

D = Decimal
LINES = {1: D("100.00"), 2: D("250.50"), 3: D("70.00")}
ALREADY = {3: D("50.00")}


def test_partial_credit_allowed():
    check_credit(LINES, ALREADY, [CreditRequest(1, D("40.00")), CreditRequest(3, D("20.00"))])


def test_too_much_refused_with_clear_message():
    with pytest.raises(CreditRefused) as info:
        check_credit(LINES, ALREADY, [CreditRequest(3, D("50.00"))])
    assert str(info.value) == "line 3: £50.00 requested but only £20.00 left to credit"
    assert info.value.line_id == 3
    assert isinstance(info.value, ValueError)


def test_duplicates_in_one_request_are_counted_together():
    check_credit(LINES, ALREADY, [CreditRequest(3, D("10.00")), CreditRequest(3, D("10.00"))])
    with pytest.raises(CreditRefused, match=r"line 3: .*£20\.01 in all.* only £20\.00 left"):
        check_credit(LINES, ALREADY, [CreditRequest(3, D("10.00")), CreditRequest(3, D("10.01"))])


@pytest.mark.parametrize(
    "request_, reason",
    [
        (CreditRequest(1, D("0")), "more than zero"),
        (CreditRequest(1, D("-5.00")), "more than zero"),
        (CreditRequest(9, D("5.00")), "not a line"),
        (CreditRequest(1, D("5.001")), "2 decimal places"),
        (CreditRequest(1, 5.0), "Decimal"),
        (CreditRequest(1, D("NaN")), "finite"),
    ],
)
def test_bad_requests_refused(request_, reason):
    with pytest.raises(CreditRefused, match=reason):
        check_credit(LINES, ALREADY, [request_])


def test_empty_request_refused():
    with pytest.raises(CreditRefused):
        check_credit(LINES, ALREADY, [])


def test_fully_credited_line_has_nothing_left():
    with pytest.raises(CreditRefused, match="only £0.00 left"):
        check_credit({1: D("10.00")}, {1: D("10.00")}, [CreditRequest(1, D("0.01"))])


def test_negative_already_credited_refused():
    with pytest.raises(CreditRefused, match="must not be negative"):
        check_credit(LINES, {1: D("-10.00")}, [CreditRequest(1, D("1.00"))])


def test_full_credit():
    assert full_credit(LINES, ALREADY) == [
        CreditRequest(1, D("100.00")),
        CreditRequest(2, D("250.50")),
        CreditRequest(3, D("20.00")),
    ]
    assert full_credit(LINES, {1: D("100.00"), 2: D("250.50"), 3: D("70.00")}) == []
    assert full_credit({1: D("0.00")}, {}) == []


def test_full_credit_passes_check_and_nothing_more_does():
    requests = full_credit(LINES, ALREADY)
    check_credit(LINES, ALREADY, requests)
    with pytest.raises(CreditRefused):
        check_credit(LINES, ALREADY, requests + [CreditRequest(2, D("0.01"))])


def test_credit_request_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CreditRequest(1, D("1.00")).amount = D("2.00")


pence = st.integers(min_value=0, max_value=1_000_000)


@st.composite
def invoices_and_requests(draw):
    nets = draw(st.lists(pence, min_size=1, max_size=5))
    lines = {i: D(n).scaleb(-2) for i, n in enumerate(nets)}
    already = {i: D(draw(st.integers(0, n))).scaleb(-2) for i, n in enumerate(nets)}
    requests = draw(
        st.lists(
            st.builds(CreditRequest, st.integers(0, len(nets) - 1), st.integers(1, 1_000_000).map(lambda p: D(p).scaleb(-2))),
            min_size=1,
            max_size=6,
        )
    )
    return lines, already, requests


@given(invoices_and_requests())
def test_accepts_exactly_when_every_line_stays_within_what_is_left(case):
    lines, already, requests = case
    asked = {}
    for r in requests:
        asked[r.line_id] = asked.get(r.line_id, 0) + r.amount
    allowed = all(total <= lines[i] - already[i] for i, total in asked.items())
    if allowed:
        check_credit(lines, already, requests)
    else:
        with pytest.raises(CreditRefused):
            check_credit(lines, already, requests)


@given(invoices_and_requests())
def test_full_credit_is_what_is_left(case):
    lines, already, _ = case
    requests = full_credit(lines, already)
    assert {r.line_id: r.amount for r in requests} == {
        i: lines[i] - already[i] for i in lines if lines[i] - already[i] > 0
    }
    if requests:
        check_credit(lines, already, requests)
