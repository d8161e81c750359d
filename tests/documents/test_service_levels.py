"""A template version's service levels read from its own §6.2, §7.2 and §11.1 (issue #15 item 15)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from documents.service_levels import corrected_levels, level_values, read_service_levels, read_target
from documents.template import TemplateRefused
from documents.versions import check_service_levels
from pricing.errors import ActionRefused, ImportRefused
from servicedesk import ACADEMY_2018_19, SLA_2022_23, Target
from servicedesk.targets import KpiStandards
from tests.documents.samples import DEFAULT, SEED, academy_markdown, needs_seed


def test_the_default_template_states_the_2022_23_levels():
    table = read_service_levels(DEFAULT.read_text(encoding="utf-8"), "SLA 2022/23")
    assert table == SLA_2022_23
    assert table.kpi == KpiStandards(Decimal(95), Decimal(80), 60, Decimal(95), 1)


@needs_seed
def test_the_customers_tab_separated_sla_reads_the_same():
    assert read_service_levels(SEED.read_text(encoding="utf-8"), "SLA 2022/23") == SLA_2022_23


def test_an_academy_template_promises_its_own_levels():
    table = read_service_levels(academy_markdown(), "SLA template v3.0")
    assert [table.target_for("incident", p) for p in (1, 2, 3, 4)] == [
        Target("desk_hours", 2), Target("desk_hours", 6), Target("desk_days", 3), Target("desk_days", 5)]
    assert table.service_request == Target("desk_days", 10) and not table.project.has_clock
    assert (table.kpi.calls_percent, table.kpi.calls_seconds) == (Decimal(80), 20)
    assert table.kpi.resolved_percent == Decimal(95)
    assert (table.incident, table.service_request, table.kpi) == (ACADEMY_2018_19.incident,
                                                                  ACADEMY_2018_19.service_request, ACADEMY_2018_19.kpi)


@pytest.mark.parametrize("text, expected", [
    ("0 – 4 Service Desk Hours", Target("desk_hours", 4)), ("3-5 Service Desk Days", Target("desk_days", 5)),
    ("0 - 3 Working days", Target("working_days", 3)), ("10 Service Desk Days", Target("desk_days", 10)),
    ("Agreed with customer.", Target("agreed")), ("soon", None), ("5 - 3 Working Days", None), ("0 hours", None),
])
def test_a_target_as_the_sla_words_it(text, expected):
    assert read_target(text) == expected


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_target_that_cannot_be_read_is_refused_with_its_line():
    text = DEFAULT.read_text(encoding="utf-8").replace("0 - 7 Service Desk Hours", "same day")
    with pytest.raises(TemplateRefused) as caught:
        read_service_levels(text, "x")
    assert caught.value.problems == [f"line {_line_of(text, 'same day')}: section 6.2 priority 2: 'same day' is not a "
                                     "target resolution time (e.g. '0 - 4 Service Desk Hours', '0 - 3 Working Days', "
                                     "'10 Service Desk Days' or 'Agreed with the customer')"]


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("| 4 | Low Impact |", "| 5 | Low Impact |"), "'5' is not an incident priority"),
    (lambda t: t.replace("| Target Resolution Time |", "| Notes |"), "section 6.2 has no table with a Priority"),
    (lambda t: t.replace("| 10 Service Desk Days |", "| ten days |"), "section 7.2 standard request: 'ten days'"),
    (lambda t: t.replace("- 95% of incidents and service requests closed within the SLA targets\n", ""),
     "section 11.1 does not say what share of incidents"),
])
def test_unreadable_tables_are_refused_naming_the_line(change, expected):
    with pytest.raises(TemplateRefused) as caught:
        read_service_levels(change(DEFAULT.read_text(encoding="utf-8")), "x")
    assert any(expected in p and p.startswith("line ") for p in caught.value.problems), caught.value.problems


def test_the_import_check_is_an_import_refusal():
    with pytest.raises(ImportRefused) as caught:
        check_service_levels(DEFAULT.read_text(encoding="utf-8").replace("0 - 7 Service Desk Hours", "x"),
                             "new.md", "2.0")
    assert "section 6.2 priority 2: 'x'" in caught.value.message
    assert check_service_levels(academy_markdown(), "a.md", "3.0").name == "SLA template v3.0"


def test_corrections_are_read_as_the_tables_are():
    values = level_values(SLA_2022_23)
    assert corrected_levels(values, SLA_2022_23.name) == SLA_2022_23
    fixed = corrected_levels({**values, "p1": "0 - 2 Service Desk Hours", "calls_seconds": "20"}, "v")
    assert fixed.target_for("incident", 1) == Target("desk_hours", 2) and fixed.kpi.calls_seconds == 20
    with pytest.raises(ActionRefused, match="Priority 3 incidents: 'whenever' is not a target"):
        corrected_levels({**values, "p3": "whenever"}, "v")
    with pytest.raises(ActionRefused, match="at most 100"):
        corrected_levels({**values, "resolved_percent": "120"}, "v")
    with pytest.raises(ActionRefused, match="needs both"):
        corrected_levels({**values, "calls_seconds": ""}, "v")
