"""The SLA team's year at a glance (issue #30): each step's rule of done / to do / attention."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from rounds.rules import RoundDates
from rounds.year import ATTENTION, DONE, TO_DO, YearFacts, year_tasks

TODAY = date(2026, 12, 7)
BASE = YearFacts(today=TODAY, year_label="2027-28", census_label="January 2027")
OPEN = RoundDates("2027-28 round", date(2026, 12, 1), date(2027, 2, 28), "open")


def task(facts: YearFacts, key: str):
    return next(t for t in year_tasks(facts) if t.key == key)


def test_the_steps_come_in_the_year_s_order():
    assert [t.key for t in year_tasks(BASE)] == ["register", "census", "prices", "round", "drafts", "issued",
                                                 "documents", "changes"]


def test_register_imported_recently_is_done_an_old_one_needs_attention_none_is_to_do():
    assert (task(BASE, "register").status, task(BASE, "register").summary) == (TO_DO, "No GIAS file imported yet.")
    fresh = task(replace(BASE, register_imported_on=date(2026, 12, 1)), "register")
    assert (fresh.status, fresh.summary) == (DONE, "Last GIAS file imported on 1 December 2026.")
    old = task(replace(BASE, register_imported_on=date(2026, 9, 1)), "register")
    assert old.status == ATTENTION and "97 days ago" in old.summary


def test_census_complete_or_n_schools_missing_attention_while_the_round_takes_answers():
    done = task(BASE, "census")
    assert (done.status, done.title) == (DONE, "Complete the census (January 2027)")
    missing = task(replace(BASE, census_missing=3), "census")
    assert (missing.status, missing.summary) == (TO_DO, "3 schools missing.")
    assert task(replace(BASE, census_missing=1), "census").summary == "1 school missing."
    assert task(replace(BASE, census_missing=3, round=OPEN), "census").status == ATTENTION


def test_price_list_published_draft_or_none():
    assert task(replace(BASE, price_list="published"), "prices").status == DONE
    draft = task(replace(BASE, price_list="draft"), "prices")
    assert (draft.status, draft.summary) == (TO_DO, "Draft: check it and publish it.")
    assert task(BASE, "prices").status == TO_DO
    assert task(replace(BASE, round=OPEN), "prices").status == ATTENTION  # a round with no list


def test_round_not_open_opens_open_until_overdue_closing_closed():
    assert (task(BASE, "round").status, task(BASE, "round").summary) == (TO_DO, "Not open yet.")
    running = task(replace(BASE, round=OPEN, offers=12), "round")
    assert (running.status, running.summary) == (TO_DO, "Open until 28 February 2027: 12 offers.")
    later = replace(OPEN, opens_on=date(2027, 1, 4))
    assert task(replace(BASE, round=later, offers=1), "round").summary == \
        "Opens on 4 January 2027, until 28 February 2027: 1 offer."
    overdue = task(replace(BASE, round=OPEN, today=date(2027, 3, 1)), "round")
    assert overdue.status == ATTENTION and "has passed" in overdue.summary
    assert task(replace(BASE, round=replace(OPEN, status="closing")), "round").summary == "Closing: 0 offers."
    closed = task(replace(BASE, round=replace(OPEN, status="closed", closed_on=date(2027, 3, 2)), offers=2), "round")
    assert (closed.status, closed.summary) == (DONE, "Closed on 2 March 2027: 2 offers.")


def test_drafts_and_issued():
    assert task(BASE, "drafts").status == TO_DO and task(BASE, "issued").summary == "None issued yet."
    waiting = replace(BASE, drafts=4, issued=6)
    drafts = task(waiting, "drafts")
    assert (drafts.status, drafts.summary) == (TO_DO, "4 drafts waiting to be issued.")
    assert task(waiting, "issued").summary == "6 agreements issued, 4 drafts still to issue."
    assert task(replace(waiting, round=replace(OPEN, status="closed")), "drafts").status == ATTENTION
    all_issued = replace(BASE, issued=6)
    assert task(all_issued, "drafts").status == DONE
    assert (task(all_issued, "issued").status, task(all_issued, "issued").summary) == (DONE, "6 agreements issued.")


def test_documents_generated_after_the_last_issue_is_done_before_it_needs_attention():
    at = datetime(2026, 12, 5, 10, tzinfo=timezone.utc)
    assert task(BASE, "documents").summary == "Nothing issued to generate yet."
    issued = replace(BASE, issued=2, last_issued_at=at)
    assert task(issued, "documents").summary == "Not generated yet."
    done = task(replace(issued, documents_at=at.replace(hour=11)), "documents")
    assert (done.status, done.summary) == (DONE, "Generated on 5 December 2026.")
    stale = task(replace(issued, documents_at=at.replace(hour=9)), "documents")
    assert stale.status == ATTENTION and "issued since" in stale.summary
    assert task(replace(issued, documents_failed=True), "documents").status == ATTENTION


def test_register_changes_waiting_need_attention():
    assert task(BASE, "changes").status == DONE
    waiting = task(replace(BASE, register_changes=2), "changes")
    assert (waiting.status, waiting.summary, waiting.status_name) == (ATTENTION, "2 changes waiting for confirmation.",
                                                                     "Needs attention")
