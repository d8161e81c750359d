"""§11.1 call and email standards measured (issue #31), and the call/email log checks."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pricing.errors import ImportRefused
from servicedesk.contact_log import CHANNELS, parse_contacts
from servicedesk.standards import Contact, call_outcome, email_deadline, email_outcome, measure_contacts
from servicedesk.standards_export import standard_limit, standards_csv
from servicedesk.targets import ACADEMY_2018_19, KPI_2022_23
from tests.servicedesk.helpers import CAL, at

S = timedelta(seconds=1)


def test_a_call_is_answered_within_the_standard_or_not():
    rang = at(2026, 3, 2, 9)
    assert call_outcome(rang, rang + 60 * S, 60) == "within"
    assert call_outcome(rang, rang + 61 * S, 60) == "late"
    assert call_outcome(rang, rang + 21 * S, 20) == "late"
    assert call_outcome(rang, None, 60) == "late"  # abandoned: nobody answered


@pytest.mark.parametrize("received, deadline", [
    (at(2026, 3, 2, 10), at(2026, 3, 3, 10)),  # Monday 10:00 -> Tuesday 10:00
    (at(2026, 3, 5, 16, 45), at(2026, 3, 6, 16, 30)),  # Thursday 16:45 -> Friday's close, 16:30
    (at(2026, 3, 6, 18), at(2026, 3, 9, 17)),  # Friday evening -> the end of Monday
    (at(2026, 4, 2, 10), at(2026, 4, 7, 10)),  # Thursday before Good Friday -> Tuesday after Easter Monday
])
def test_one_business_day_is_the_desks_day(received, deadline):
    assert email_deadline(CAL, received, 1) == deadline


def test_an_email_is_within_late_or_waiting():
    received, now = at(2026, 3, 2, 10), at(2026, 3, 10, 9)
    assert email_outcome(CAL, received, at(2026, 3, 3, 10), 1, now) == "within"
    assert email_outcome(CAL, received, at(2026, 3, 3, 10, 1), 1, now) == "late"
    assert email_outcome(CAL, received, None, 1, now) == "late"
    assert email_outcome(CAL, received, None, 1, at(2026, 3, 2, 15)) == "waiting"


def test_each_school_is_measured_against_its_own_versions_standard():
    """Done when: 100 calls give the share within 20 s for an academy and 60 s for a maintained school."""
    kpi = {1: ACADEMY_2018_19.kpi, 2: KPI_2022_23}
    calls = []
    for n in range(100):  # answered after 0, 1, ..., 99 seconds; half each school
        rang = at(2026, 3, 2, 9) + n * 60 * S
        calls.append(Contact("call", 1 + n % 2, rang, rang + n * S))
    report = measure_contacts(calls, lambda school, day: kpi[school], [date(2026, 3, 1)], at(2026, 4, 1),
                              CAL, {1: (140001, "Academy"), 2: (103700, "Maintained")})
    by_urn = {s.urn: s.line.calls for s in report.schools}
    academy, maintained = by_urn[140001], by_urn[103700]
    assert (academy.within, academy.decided, academy.percent) == (11, 50, Decimal("22.0"))  # 0, 2, ..., 20 s
    assert (maintained.within, maintained.decided, maintained.percent) == (30, 50, Decimal("60.0"))  # 1, ..., 59 s
    assert academy.target == maintained.target == Decimal("80") and academy.met is False
    assert standard_limit(academy, "call") == "20 seconds" and standard_limit(report.total.calls, "call") == \
        "20 or 60 seconds"
    assert report.total.calls.within == 41 and report.months[0].calls.decided == 100
    text = standards_csv(report).decode()
    assert "140001,Academy,Total,calls answered,20 seconds,80,11,39,0,22.0,Not met" in text


def test_a_version_without_a_standard_leaves_its_contacts_unmeasured():
    from servicedesk.targets import KpiStandards
    report = measure_contacts([Contact("email", 1, at(2026, 3, 2, 9), None)], lambda s, d: KpiStandards(),
                              [date(2026, 3, 1)], at(2026, 4, 1), CAL)
    assert report.unmeasured == 1 and report.empty


def _columns(channel, rows):
    names = CHANNELS[channel].all_columns
    return {name: [row.get(name, "") for row in rows] for name in names}


def test_the_call_log_is_checked_row_by_row():
    rows = [{"called_at": "2026-03-02T09:00", "answered_at": "2026-03-02T09:00:30", "urn": "140001"},
            {"called_at": "2026-03-02T09:01", "abandoned": "yes"},
            {"called_at": "2026-03-02T09:02"},
            {"called_at": "2026-03-02T09:03", "answered_at": "2026-03-02T09:02"},
            {"called_at": "2026-03-02T09:04", "answered_at": "2026-03-02T09:05", "abandoned": "yes"},
            {"called_at": "2026-03-02T09:00", "answered_at": "2026-03-02T09:00:10", "urn": "140001"},
            {"called_at": "2026-03-02T09:06", "abandoned": "maybe", "urn": "999"},
            {"called_at": "yesterday"}]
    with pytest.raises(ImportRefused) as caught:
        parse_contacts(CHANNELS["call"], _columns("call", rows), {140001: 1}, at(2026, 4, 1), "calls.csv", 2)
    message = caught.value.message
    for expected in ("row 4, column answered_at: is empty: give the time the call was answered, or abandoned=yes",
                     "row 5, column answered_at: is before the call came in",
                     "row 6, column abandoned: is yes, but the call has an answered_at time",
                     "row 7, column called_at: the call at this time from this school appears twice (also on row 2)",
                     "row 8, column urn: no school with URN 999", "row 8, column abandoned: 'maybe' is not yes or no",
                     "row 9, column called_at: 'yesterday' is not an ISO 8601 date and time"):
        assert expected in message, expected


def test_the_email_log_is_checked_and_read():
    rows = [{"received_at": "2026-03-02T09:00", "first_response_at": "2026-03-02T11:00", "reference": "M1"},
            {"received_at": "2026-03-02T10:00", "reference": "M2"}]
    parsed = parse_contacts(CHANNELS["email"], _columns("email", rows), {}, at(2026, 4, 1), "mail.csv", 2)
    assert [(r.key, r.answered_at is None) for r in parsed] == [("ref:M1", False), ("ref:M2", True)]
    with pytest.raises(ImportRefused, match="row 2, column received_at: 2026-05-01 09:00 is in the future"):
        parse_contacts(CHANNELS["email"], _columns("email", [{"received_at": "2026-05-01T09:00"}]), {},
                       at(2026, 4, 1), "mail.csv", 2)
    with pytest.raises(ImportRefused, match="no email rows"):
        parse_contacts(CHANNELS["email"], _columns("email", []), {}, at(2026, 4, 1), "mail.csv", 2)
