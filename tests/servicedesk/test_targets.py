"""Target resolution times (§6.2, §7.2) as configuration."""
import json
from datetime import timedelta

import pytest

from servicedesk import (
    ACADEMY_2018_19,
    AGREED,
    KPI_PERCENT_MET,
    SLA_2022_23,
    Target,
    TargetTable,
    deadline,
    desk_allowance,
    target_table_from_dict,
)

from tests.servicedesk.helpers import CAL, at


@pytest.mark.parametrize(
    "target, label",
    [
        (Target("desk_hours", 4), "0-4 service desk hours"),
        (Target("working_days", 3), "0-3 working days"),
        (Target("desk_days", 10), "10 service desk days"),
        (AGREED, "agreed with customer"),
    ],
)
def test_labels(target, label):
    assert target.label == label


def test_sla_2022_23():
    assert [SLA_2022_23["incident", p].label for p in (1, 2, 3, 4)] == [
        "0-4 service desk hours", "0-7 service desk hours", "0-3 working days", "0-5 working days",
    ]
    assert SLA_2022_23["service_request", None].label == "10 service desk days"
    assert SLA_2022_23.target_for("service_request", 1) == Target("desk_days", 10)  # priority ignored
    assert SLA_2022_23.target_for("project") == AGREED
    assert not SLA_2022_23.target_for("project").has_clock


def test_academy_2018_19():
    assert [ACADEMY_2018_19.target_for("incident", p) for p in (1, 2, 3, 4)] == [
        Target("desk_hours", 2), Target("desk_hours", 6), Target("desk_days", 3), Target("desk_days", 5),
    ]
    assert ACADEMY_2018_19.target_for("service_request") == Target("desk_days", 10)


def test_kpi_is_95_percent():
    assert KPI_PERCENT_MET == 95


@pytest.mark.parametrize("ticket_type, priority", [("incident", 0), ("incident", 5), ("incident", None),
                                                   ("incident", True), ("problem", 1)])
def test_unknown_lookups_are_refused(ticket_type, priority):
    with pytest.raises(ValueError):
        SLA_2022_23.target_for(ticket_type, priority)


@pytest.mark.parametrize("kind, amount", [("minutes", 5), ("desk_hours", 0), ("working_days", -1), ("agreed", 3)])
def test_bad_targets_are_refused(kind, amount):
    with pytest.raises(ValueError):
        Target(kind, amount)


def test_amount_must_be_an_int():
    with pytest.raises(TypeError):
        Target("desk_hours", 4.0)


@pytest.mark.parametrize("table", [SLA_2022_23, ACADEMY_2018_19])
def test_json_round_trip(table):
    stored = json.dumps(table.to_dict())
    assert target_table_from_dict(json.loads(stored)) == table


def test_from_dict_accepts_int_priority_keys_and_defaults_project():
    data = SLA_2022_23.to_dict()
    data["incident"] = {int(k): v for k, v in data["incident"].items()}
    del data["project"]
    assert target_table_from_dict(data) == SLA_2022_23


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["incident"].pop("4"),
        lambda d: d["incident"].update({"5": {"kind": "desk_hours", "amount": 1}}),
        lambda d: d.pop("service_request"),
        lambda d: d.update({"colour": "red"}),
        lambda d: d["incident"]["1"].update({"hours": 4}),
        lambda d: d["incident"]["1"].pop("kind"),
        lambda d: d["incident"]["1"].update({"kind": "weeks"}),
        lambda d: d.update({"incident": [1, 2, 3, 4]}),
    ],
)
def test_malformed_dicts_are_refused(change):
    data = json.loads(json.dumps(SLA_2022_23.to_dict()))
    change(data)
    with pytest.raises(ValueError):
        target_table_from_dict(data)


def test_table_needs_four_incident_targets():
    with pytest.raises(ValueError):
        TargetTable("short", (Target("desk_hours", 1),) * 3, Target("desk_days", 10))


@pytest.mark.parametrize(
    "priority, logged, due",
    [
        (1, at(2024, 3, 7, 14), at(2024, 3, 8, 9)),  # P1: 3 h Thursday + 1 h Friday
        (2, at(2024, 3, 8, 15), at(2024, 3, 11, 13, 30)),  # P2: 1.5 h Friday + 5.5 h Monday
        (3, at(2024, 3, 4, 10), at(2024, 3, 7, 10)),  # P3: Monday 10:00 -> Thursday 10:00
        (4, at(2024, 3, 4, 10), at(2024, 3, 11, 10)),  # P4: five working days
        (1, at(2024, 3, 9, 10), at(2024, 3, 11, 12)),  # logged Saturday: clock starts Monday 08:00
    ],
)
def test_incident_deadlines(priority, logged, due):
    assert deadline(CAL, logged, SLA_2022_23.target_for("incident", priority)) == due


def test_service_request_deadline_skips_easter():
    # Thursday 21 March 2024 + 10 desk days, Good Friday and Easter Monday closed.
    assert deadline(CAL, at(2024, 3, 21, 11), SLA_2022_23.target_for("service_request")) == at(2024, 4, 8, 11)


def test_agreed_has_no_deadline():
    assert deadline(CAL, at(2024, 3, 4, 10), AGREED) is None
    assert desk_allowance(CAL, at(2024, 3, 4, 10), AGREED) is None


def test_working_day_allowance_depends_on_the_start():
    p3 = SLA_2022_23.target_for("incident", 3)
    assert desk_allowance(CAL, at(2024, 3, 4, 10), p3) == timedelta(hours=27)
    assert desk_allowance(CAL, at(2024, 3, 7, 10), p3) == timedelta(hours=26, minutes=30)
    assert desk_allowance(CAL, at(2024, 3, 7, 10), Target("desk_hours", 4)) == timedelta(hours=4)
