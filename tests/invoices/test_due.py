from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from invoices.due import AGE_BUCKETS, age_bucket, due_date, is_overdue, outstanding, payment_status

D = Decimal


def test_due_date():
    assert due_date(date(2025, 4, 15)) == date(2025, 5, 15)
    assert due_date(date(2025, 12, 15), 30) == date(2026, 1, 14)
    assert due_date(date(2025, 4, 15), 0) == date(2025, 4, 15)
    assert due_date(date(2024, 2, 1), 28) == date(2024, 2, 29)


def test_due_date_refuses_bad_terms():
    with pytest.raises(ValueError):
        due_date(date(2025, 4, 15), -1)
    with pytest.raises(TypeError):
        due_date(date(2025, 4, 15), "30")


@pytest.mark.parametrize(
    "gross, paid, credited, status",
    [
        (D("120.00"), D("0.00"), D("0.00"), "unpaid"),
        (D("120.00"), D("20.00"), D("0.00"), "part_paid"),
        (D("120.00"), D("120.00"), D("0.00"), "paid"),
        (D("120.00"), D("150.00"), D("0.00"), "paid"),
        (D("120.00"), D("0.00"), D("120.00"), "credited"),
        (D("120.00"), D("0.00"), D("20.00"), "unpaid"),
        (D("120.00"), D("100.00"), D("20.00"), "paid"),
        (D("120.00"), D("50.00"), D("20.00"), "part_paid"),
        (D("120.00"), D("20.00"), D("120.00"), "paid"),
        (D("0.00"), D("0.00"), D("0.00"), "paid"),
    ],
)
def test_payment_status(gross, paid, credited, status):
    assert payment_status(gross, paid, credited) == status


def test_payment_status_credited_defaults_to_zero():
    assert payment_status(D("10.00"), D("0.00")) == "unpaid"


def test_outstanding():
    assert outstanding(D("120.00"), D("50.00"), D("20.00")) == D("50.00")


def test_is_overdue():
    due = date(2025, 5, 15)
    assert is_overdue(due, date(2025, 5, 16), D("0.01"))
    assert not is_overdue(due, date(2025, 5, 15), D("10.00"))
    assert not is_overdue(due, date(2025, 6, 16), D("0.00"))
    assert not is_overdue(due, date(2025, 6, 16), D("-5.00"))


@pytest.mark.parametrize(
    "days_late, bucket",
    [(-10, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"),
     (61, "61-90"), (90, "61-90"), (91, "90+"), (400, "90+")],
)
def test_age_bucket_boundaries(days_late, bucket):
    due = date(2025, 5, 15)
    assert age_bucket(due, date.fromordinal(due.toordinal() + days_late)) == bucket


@given(st.dates(), st.integers(-200, 400))
def test_age_buckets_are_ordered(due, days_late):
    today_ordinal = due.toordinal() + days_late
    if not 1 <= today_ordinal <= date.max.toordinal():
        return
    bucket = age_bucket(due, date.fromordinal(today_ordinal))
    assert bucket in AGE_BUCKETS
    assert (bucket == "current") == (days_late <= 0)


@given(
    st.integers(0, 10**7).map(lambda p: D(p).scaleb(-2)),
    st.integers(0, 10**7).map(lambda p: D(p).scaleb(-2)),
    st.integers(0, 10**7).map(lambda p: D(p).scaleb(-2)),
)
def test_status_agrees_with_outstanding(gross, paid, credited):
    status = payment_status(gross, paid, credited)
    owed = gross - paid - credited
    assert (status in ("unpaid", "part_paid")) == (owed > 0)
    if status == "unpaid":
        assert paid == 0
