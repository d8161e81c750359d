"""register.changes and register.successor: which change GIAS implies, its end date, the
successor's term, schedule and services (issue #28). Pure: no database."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from register.changes import (
    AMALGAMATION, CLOSURE, CONVERSION, MERGER, SPLIT_SCHOOL, SUCCESSION, Establishment, implied_change,
    is_academy_or_free_school, is_closed,
)
from register.successor import CarriedLine, carried_lines, left_out, successor_schedule, successor_term

CLOSED = Establishment(990003, "Old", "Closed", "Community school", date(1990, 9, 1), date(2026, 11, 30),
                       "Academy converter")


def academy(urn: int, opened: date = date(2026, 12, 1), kind: str = "Academy converter") -> Establishment:
    return Establishment(urn, f"New {urn}", "Open", kind, opened)


def test_conversion_ends_the_day_before_the_academy_opens():
    register = {150003: academy(150003, date(2026, 12, 2))}
    change = implied_change(CLOSED, [(990003, 150003, "Successor"), (150003, 990003, "Predecessor")], register)
    assert (change.kind, change.successors, change.end_date, change.upcoming) == (
        CONVERSION, (150003,), date(2026, 12, 1), False)


def test_conversion_read_from_the_successors_end_only():
    change = implied_change(CLOSED, [(150003, 990003, "Predecessor")], {150003: academy(150003)})
    assert change.kind == CONVERSION and change.end_date == date(2026, 11, 30)


def test_free_school_successor_is_a_conversion_but_a_maintained_one_is_a_succession():
    links = [(990003, 150003, "Successor")]
    assert implied_change(CLOSED, links, {150003: academy(150003, kind="Free schools")}).kind == CONVERSION
    maintained = academy(150003, kind="Foundation school")
    assert implied_change(CLOSED, links, {150003: maintained}).kind == SUCCESSION


def test_merged_amalgamated_split_and_closure():
    register = {150003: academy(150003), 150004: academy(150004)}
    assert implied_change(CLOSED, [(990003, 150003, "Successor - merged")], register).kind == MERGER
    assert implied_change(CLOSED, [(990003, 150003, "Result of Amalgamation")], register).kind == AMALGAMATION
    assert implied_change(CLOSED, [(990003, 150003, "Successor"), (990003, 150004, "Successor")],
                          register).kind == SPLIT_SCHOOL
    assert implied_change(CLOSED, [(990003, 150003, "Successor - Split School")], register).kind == SPLIT_SCHOOL
    # A plain successor with a second predecessor is a merger, ending on the close date.
    two = [(990003, 150003, "Successor"), (990004, 150003, "Successor")]
    change = implied_change(CLOSED, two, register)
    assert (change.kind, change.end_date) == (MERGER, date(2026, 11, 30))
    assert implied_change(CLOSED, [(990003, 150003, "Sixth Form Centre Link")], register).kind == CLOSURE


def test_proposed_to_close_is_upcoming_and_an_open_school_has_no_change():
    proposed = Establishment(990003, "Old", "Open, but proposed to close", "Community school", None,
                             date(2027, 3, 31))
    assert implied_change(proposed, [], {}).upcoming
    assert implied_change(Establishment(1, "Open", "Open", "Community school"), [], {}) is None
    assert is_closed("Closed") and not is_closed("Open, but proposed to close")
    assert is_academy_or_free_school("Academy sponsor led") and not is_academy_or_free_school("Community school")


def test_successor_term_and_schedule_clipped_to_its_start():
    start, end = successor_term(date(2026, 12, 1), date(2026, 11, 30))
    assert (start, end) == (date(2026, 12, 1), date(2027, 3, 31))
    assert [(p.term, p.start, p.end) for p in successor_schedule("academy", start, end)] == [
        ("autumn", date(2026, 12, 1), date(2027, 3, 31))]
    july = successor_schedule("academy", *successor_term(date(2026, 7, 1), date(2026, 6, 30)))
    assert [(p.term, p.start) for p in july] == [("summer", date(2026, 7, 1)), ("autumn", date(2026, 9, 1))]
    # A successor that opened long before (a merger into an open school) starts the day after.
    assert successor_term(date(2001, 9, 1), date(2026, 12, 31))[0] == date(2027, 1, 1)


def test_carried_lines_and_services_left_out():
    lines = [CarriedLine("ADMIN", "subscribed", Decimal(1)), CarriedLine("SIMS", "subscribed", Decimal(1)),
             CarriedLine("AV", "subscribed", Decimal(30), date(2027, 1, 15)),
             CarriedLine("GONE", "subscribed", Decimal(1), None, date(2026, 10, 31)),
             CarriedLine("WEB", "excluded", Decimal(1))]
    carried = carried_lines(lines, date(2026, 12, 1))
    assert [(l.service_code, l.start_date) for l in carried] == [
        ("ADMIN", None), ("SIMS", None), ("AV", date(2027, 1, 15)), ("WEB", None)]
    kept, dropped = left_out(carried, {"ADMIN", "AV"})
    assert [l.service_code for l in kept] == ["ADMIN", "AV", "WEB"] and dropped == ["SIMS"]
