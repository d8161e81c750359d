"""The agreement's state machine and the §2.4 notice rules, alone."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements.lifecycle import (
    STATUS_NAMES,
    TRANSITIONS,
    TermsRefused,
    TransitionRefused,
    check_details_change,
    check_transition,
    notice_terms,
    status_on,
)

ALLOWED = {("draft", "active"), ("draft", "cancelled"), ("active", "notice_given"), ("active", "ended"),
           ("active", "cancelled"), ("notice_given", "cancelled"), ("notice_given", "active"),
           ("notice_given", "ended")}


@pytest.mark.parametrize("old", list(STATUS_NAMES))
@pytest.mark.parametrize("new", list(STATUS_NAMES))
def test_every_transition_is_allowed_or_refused_as_designed(old, new):
    if (old, new) in ALLOWED:
        check_transition(old, new)
    else:
        with pytest.raises(TransitionRefused):
            check_transition(old, new)


def test_ended_and_cancelled_are_final():
    assert TRANSITIONS["ended"] == TRANSITIONS["cancelled"] == frozenset()


def test_effective_date_is_90_days_after_notice():
    terms = notice_terms(date(2025, 6, 1), None, given_by="school")
    assert terms.effective_date == date(2025, 8, 30)


def test_a_later_requested_date_wins():
    assert notice_terms(date(2025, 6, 1), date(2025, 12, 31), given_by="council").effective_date == date(2025, 12, 31)


def test_a_requested_date_before_90_days_is_refused():
    with pytest.raises(TransitionRefused, match="earlier than 90 days after the notice"):
        notice_terms(date(2025, 6, 1), date(2025, 8, 29), given_by="school")


def test_fundamental_breach_is_the_councils_and_may_be_immediate():
    terms = notice_terms(date(2025, 6, 1), None, given_by="council", fundamental_breach=True)
    assert terms.effective_date == date(2025, 6, 1) and terms.fundamental_breach
    with pytest.raises(TransitionRefused, match="only the council"):
        notice_terms(date(2025, 6, 1), None, given_by="school", fundamental_breach=True)
    with pytest.raises(TransitionRefused, match="before the notice date"):
        notice_terms(date(2025, 6, 1), date(2025, 5, 1), given_by="council", fundamental_breach=True)


@given(st.dates(date(2020, 1, 1), date(2030, 1, 1)), st.one_of(st.none(), st.integers(0, 400)))
def test_effective_date_is_the_later_of_the_two(notice, requested_after):
    requested = None if requested_after is None else notice + timedelta(days=requested_after)
    if requested is not None and requested < notice + timedelta(days=90):
        with pytest.raises(TransitionRefused):
            notice_terms(notice, requested, given_by="school")
        return
    effective = notice_terms(notice, requested, given_by="school").effective_date
    assert effective == max(notice + timedelta(days=90), requested or notice)


def test_status_on_a_date():
    assert status_on("notice_given", date(2025, 8, 30), date(2026, 3, 31), date(2025, 8, 30)) == "cancelled"
    assert status_on("notice_given", date(2025, 8, 29), date(2026, 3, 31), date(2025, 8, 30)) == "notice_given"
    assert status_on("active", date(2026, 4, 1), date(2026, 3, 31), None) == "ended"
    assert status_on("draft", date(2027, 1, 1), date(2026, 3, 31), None) == "draft"


def test_a_refused_notice_names_the_input_at_fault():
    """Every door (page, command, API) reports §2.4's refusal against the field it came from."""
    notice = date(2026, 9, 1)
    with pytest.raises(TermsRefused) as refused:
        notice_terms(notice, None, given_by="school", fundamental_breach=True)
    assert refused.value.field == "given_by"
    with pytest.raises(TermsRefused) as refused:
        notice_terms(notice, notice + timedelta(days=30), given_by="school")
    assert refused.value.field == "requested_date"
    with pytest.raises(TermsRefused) as refused:
        notice_terms(notice, notice - timedelta(days=1), given_by="council", fundamental_breach=True)
    assert refused.value.field == "requested_date"


def test_details_change_while_the_agreement_lives_and_an_issued_term_is_fixed():
    term = (date(2026, 4, 1), date(2027, 3, 31))
    later = (date(2026, 5, 1), date(2027, 3, 31))
    check_details_change("A", "draft", term, later)
    check_details_change("A", "active", term, term)
    with pytest.raises(TermsRefused, match="is fixed") as refused:
        check_details_change("A", "active", term, later)
    assert refused.value.field == "term_start"
    with pytest.raises(TermsRefused, match="end after it starts") as refused:
        check_details_change("A", "draft", term, (term[1], term[0]))
    assert refused.value.field == "term_end"
    with pytest.raises(TransitionRefused, match="A is ended; it can no longer change."):
        check_details_change("A", "ended", term, term)
