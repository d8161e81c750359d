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
    check_notice_date,
    check_transition,
    notice_outcome,
    notice_terms,
    status_on,
)

ALLOWED = {("draft", "active"), ("draft", "cancelled"), ("active", "notice_given"), ("active", "ended"),
           ("active", "cancelled"), ("notice_given", "cancelled"), ("notice_given", "active"),
           ("notice_given", "ended"), ("ended", "cancelled")}


@pytest.mark.parametrize("old", list(STATUS_NAMES))
@pytest.mark.parametrize("new", list(STATUS_NAMES))
def test_every_transition_is_allowed_or_refused_as_designed(old, new):
    if (old, new) in ALLOWED:
        check_transition(old, new)
    else:
        with pytest.raises(TransitionRefused):
            check_transition(old, new)


def test_cancelled_is_final_and_ended_only_takes_a_late_paper_notice():
    assert TRANSITIONS["cancelled"] == frozenset()
    assert TRANSITIONS["ended"] == frozenset({"cancelled"})  # a notice entered after the term (§2.4)


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


TERM = (date(2026, 4, 1), date(2027, 3, 31))


def test_a_schools_own_notice_is_dated_the_day_it_is_given():
    """§2.4 a: a school giving notice itself dates it today; it may ask for a later date, never an earlier one."""
    today = date(2026, 9, 1)
    check_notice_date(today, entered_by="school", today=today, term=TERM)
    for other in (date(2026, 6, 1), date(2026, 9, 2)):
        with pytest.raises(TermsRefused, match="dated the day it is given") as refused:
            check_notice_date(other, entered_by="school", today=today, term=TERM)
        assert refused.value.field == "notice_date"


def test_a_notice_recorded_by_staff_is_not_in_the_future_and_within_the_term():
    today = date(2026, 9, 1)
    check_notice_date(date(2026, 4, 1), entered_by="staff", today=today, term=TERM)
    with pytest.raises(TermsRefused, match="in the future") as refused:
        check_notice_date(date(2030, 1, 1), entered_by="staff", today=today, term=TERM)
    assert refused.value.field == "notice_date"
    with pytest.raises(TermsRefused, match="within the agreement's term") as refused:
        check_notice_date(date(2025, 6, 1), entered_by="staff", today=today, term=TERM)
    assert refused.value.field == "notice_date"
    # The term is over: a paper notice received during it can still be entered.
    check_notice_date(date(2027, 1, 10), entered_by="staff", today=date(2027, 6, 1), term=TERM)
    with pytest.raises(TermsRefused, match="within the agreement's term"):
        check_notice_date(date(2027, 4, 2), entered_by="staff", today=date(2027, 6, 1), term=TERM)
    with pytest.raises(TermsRefused, match="within the agreement's term"):
        check_notice_date(date(2026, 3, 1), entered_by="school", today=date(2026, 3, 1), term=TERM)


def test_an_effective_date_after_the_term_ends_the_agreement_at_its_term_end_unrenewed():
    within = notice_outcome(date(2027, 1, 31), TERM[1])
    assert (within.ends_on, within.at_term_end) == (date(2027, 1, 31), False)
    assert within.text == "cancelled with effect from 31 January 2027"
    after = notice_outcome(date(2027, 6, 30), TERM[1])
    assert (after.ends_on, after.at_term_end) == (date(2027, 3, 31), True)
    assert after.text == ("the notice takes effect on 30 June 2027, after the term: the agreement ends at its "
                          "term end on 31 March 2027 and is not renewed")
    # settle applies the same rule, even when it first runs after the effective date
    assert status_on("notice_given", date(2027, 7, 1), TERM[1], date(2027, 6, 30)) == "ended"
    assert status_on("notice_given", date(2027, 3, 31), TERM[1], date(2027, 6, 30)) == "notice_given"
