import pytest
from hypothesis import given, strategies as st

from invoices.numbering import KINDS, PREFIXES, NumberError, format_number, parse_number


def test_prefixes():
    assert dict(PREFIXES) == {"invoice": "INV", "credit_note": "CRN"}
    assert KINDS == ("invoice", "credit_note")


def test_format():
    assert format_number("invoice", 2025, 1) == "INV-2025-000001"
    assert format_number("credit_note", 2025, 1) == "CRN-2025-000001"
    assert format_number("invoice", 2026, 999_999) == "INV-2026-999999"
    assert format_number("invoice", 2026, 1_000_000) == "INV-2026-1000000"


def test_parse():
    assert parse_number("INV-2025-000001") == ("invoice", 2025, 1)
    assert parse_number("CRN-2031-000123") == ("credit_note", 2031, 123)
    assert parse_number("INV-2026-1000000") == ("invoice", 2026, 1_000_000)


@pytest.mark.parametrize(
    "kind, year, seq",
    [("bill", 2025, 1), ("invoice", 25, 1), ("invoice", 2025, 0), ("invoice", 2025, -3),
     ("invoice", 2025, True), ("invoice", "2025", 1), ("invoice", 2025, 1.0)],
)
def test_format_refuses(kind, year, seq):
    with pytest.raises(NumberError):
        format_number(kind, year, seq)


@pytest.mark.parametrize(
    "text",
    ["", "INV-2025-00001", "INV-2025-0000001", "inv-2025-000001", "INV-25-000001", "ABC-2025-000001",
     "INV-2025-000000", " INV-2025-000001", "INV-2025-000001\n", "INV_2025_000001", "INV-2025-٠٠٠٠٠١",
     "CRN-2025-00000a", None, 12],
)
def test_parse_refuses(text):
    with pytest.raises(NumberError):
        parse_number(text)


def test_number_error_is_value_error():
    assert issubclass(NumberError, ValueError)


@given(st.sampled_from(KINDS), st.integers(1000, 9999), st.integers(1, 10**9))
def test_round_trip(kind, year, seq):
    number = format_number(kind, year, seq)
    assert parse_number(number) == (kind, year, seq)
    assert number.startswith(PREFIXES[kind] + f"-{year}-")


@given(st.integers(1, 999_999), st.integers(1, 999_999))
def test_order_of_numbers_follows_seq_within_six_digits(a, b):
    # zero padding keeps text order equal to issue order within one series
    assert (format_number("invoice", 2025, a) < format_number("invoice", 2025, b)) == (a < b)
