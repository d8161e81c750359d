"""Target resolution times as data (SLA §6.2 incidents, §7.2 service requests, §11.1 KPI).

A template version stores its table as JSON via ``TargetTable.to_dict`` and
``target_table_from_dict``; two tables are shipped: the 2022/23 SLA and the older
2018/19 academy page.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from servicedesk.calendar import ServiceDeskCalendar

__all__ = [
    "KPI_PERCENT_MET", "TICKET_TYPES", "INCIDENT_PRIORITIES", "TargetKind", "Target", "AGREED",
    "TargetTable", "target_table_from_dict", "deadline", "desk_allowance",
    "SLA_2022_23", "ACADEMY_2018_19",
]

#: §11.1: "95% of Incidents and service requests completed within SLA".
KPI_PERCENT_MET = Decimal("95")

TICKET_TYPES = ("incident", "service_request", "project")
INCIDENT_PRIORITIES = (1, 2, 3, 4)

TargetKind = Literal["desk_hours", "working_days", "desk_days", "agreed"]
_KINDS = ("desk_hours", "working_days", "desk_days", "agreed")


@dataclass(frozen=True)
class Target:
    """One target resolution time.

    ``desk_hours``: service desk hours (§6.2 P1/P2). ``working_days`` and ``desk_days``
    are counted identically - a day the desk opens - and differ only in the SLA's
    wording ("0-3 working days" in §6.2, "10 service desk days" in §7.2). ``agreed``:
    agreed with the customer, no clock (§7.2 project SR); its amount is 0.
    """

    kind: TargetKind
    amount: int = 0

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"target kind must be one of {', '.join(_KINDS)}, not {self.kind!r}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"target amount must be an int, not {self.amount!r}")
        if self.kind == "agreed":
            if self.amount != 0:
                raise ValueError("an agreed target has no amount")
        elif self.amount < 1:
            raise ValueError(f"a {self.kind} target needs an amount of at least 1, got {self.amount}")

    @property
    def has_clock(self) -> bool:
        """False for targets agreed with the customer, which are not measured."""
        return self.kind != "agreed"

    @property
    def label(self) -> str:
        """The target as the SLA document words it, e.g. ``0-4 service desk hours``."""
        if self.kind == "desk_hours":
            return f"0-{self.amount} service desk hours"
        if self.kind == "working_days":
            return f"0-{self.amount} working days"
        if self.kind == "desk_days":
            return f"{self.amount} service desk days"
        return "agreed with customer"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"kind": ..., "amount": ...}``."""
        return {"kind": self.kind, "amount": self.amount}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        """Inverse of to_dict; unknown keys are refused so typos do not pass silently."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a target must be a mapping, not {data!r}")
        extra = set(data) - {"kind", "amount"}
        if extra:
            raise ValueError(f"unknown target keys: {', '.join(sorted(extra))}")
        if "kind" not in data:
            raise ValueError("a target needs a kind")
        return cls(data["kind"], data.get("amount", 0))


AGREED = Target("agreed")


@dataclass(frozen=True)
class TargetTable:
    """Targets by (ticket_type, priority): incidents by priority 1-4 (§6.2), one
    target for standard service requests whatever the priority (§7.2), and project
    service requests, normally agreed with the customer (§7.2)."""

    name: str
    incident: tuple[Target, Target, Target, Target]
    service_request: Target
    project: Target = field(default=AGREED)

    def __post_init__(self) -> None:
        if len(self.incident) != len(INCIDENT_PRIORITIES):
            raise ValueError(f"incident targets are needed for priorities 1-4, got {len(self.incident)}")
        for target in (*self.incident, self.service_request, self.project):
            if not isinstance(target, Target):
                raise TypeError(f"expected a Target, not {target!r}")

    def target_for(self, ticket_type: str, priority: int | None = None) -> Target:
        """The target for a ticket (§6.2, §7.2); the priority only matters for incidents."""
        if ticket_type == "incident":
            if isinstance(priority, bool) or priority not in INCIDENT_PRIORITIES:
                raise ValueError(f"incident priority must be 1-4, not {priority!r}")
            return self.incident[priority - 1]  # type: ignore[operator]
        if ticket_type == "service_request":
            return self.service_request
        if ticket_type == "project":
            return self.project
        raise ValueError(f"ticket type must be one of {', '.join(TICKET_TYPES)}, not {ticket_type!r}")

    def __getitem__(self, key: tuple[str, int | None]) -> Target:
        ticket_type, priority = key
        return self.target_for(ticket_type, priority)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; incident priorities are string keys as JSON requires."""
        return {
            "name": self.name,
            "incident": {str(p): t.to_dict() for p, t in zip(INCIDENT_PRIORITIES, self.incident)},
            "service_request": self.service_request.to_dict(),
            "project": self.project.to_dict(),
        }


def target_table_from_dict(data: Mapping[str, Any]) -> TargetTable:
    """Build a TargetTable from its to_dict form (as stored in JSON); ValueError when malformed."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a target table must be a mapping, not {data!r}")
    extra = set(data) - {"name", "incident", "service_request", "project"}
    if extra:
        raise ValueError(f"unknown target table keys: {', '.join(sorted(extra))}")
    try:
        name, incidents, standard = data["name"], data["incident"], data["service_request"]
    except KeyError as exc:
        raise ValueError(f"target table is missing {exc.args[0]!r}") from None
    if not isinstance(incidents, Mapping):
        raise ValueError("incident targets must be a mapping of priority to target")
    by_priority = {str(p): t for p, t in incidents.items()}
    if sorted(by_priority) != [str(p) for p in INCIDENT_PRIORITIES]:
        raise ValueError(f"incident targets are needed for exactly priorities 1-4, got {sorted(by_priority)}")
    return TargetTable(
        name=str(name),
        incident=tuple(Target.from_dict(by_priority[str(p)]) for p in INCIDENT_PRIORITIES),  # type: ignore[arg-type]
        service_request=Target.from_dict(standard),
        project=Target.from_dict(data.get("project", AGREED.to_dict())),
    )


def deadline(calendar: ServiceDeskCalendar, start: datetime, target: Target) -> datetime | None:
    """When *target* runs out for a ticket logged at *start*, ignoring suspensions; None if agreed.

    §6.2/§7.2 targets, counted from the next opening (§5.3): desk hours with
    ``add_desk_time``, working/service desk days with ``add_working_days``.
    """
    if target.kind == "desk_hours":
        return calendar.add_desk_time(start, timedelta(hours=target.amount))
    if target.kind in ("working_days", "desk_days"):
        return calendar.add_working_days(start, target.amount)
    return None


def desk_allowance(calendar: ServiceDeskCalendar, start: datetime, target: Target) -> timedelta | None:
    """*target* as service desk time for a ticket whose clock starts at *start*; None if agreed.

    Desk hours are themselves (§6.2 P1/P2). Working days (§6.2 P3/P4, §7.2) become the
    desk time from *start* to ``add_working_days(start, n)``, so they depend on the
    start: 3 working days from Monday 10:00 is 27 h, from Thursday 10:00 26 h 30 min.
    """
    if target.kind == "desk_hours":
        return timedelta(hours=target.amount)
    end = deadline(calendar, start, target)
    return None if end is None else calendar.desk_time_between(start, end)


#: SLA 2022/23: §6.2 P1 0-4 h, P2 0-7 h, P3 0-3 working days, P4 0-5 working days;
#: §7.2 standard SR 10 service desk days, project SR agreed with customer.
SLA_2022_23 = TargetTable(
    name="SLA 2022/23",
    incident=(
        Target("desk_hours", 4),
        Target("desk_hours", 7),
        Target("working_days", 3),
        Target("working_days", 5),
    ),
    service_request=Target("desk_days", 10),
)

#: Academy page 2018/19: P1 0-2 h, P2 0-6 h, P3 0-3 service desk days, P4 3-5 service
#: desk days (the upper bound is the target), service requests 10 service desk days.
ACADEMY_2018_19 = TargetTable(
    name="Academy 2018/19",
    incident=(
        Target("desk_hours", 2),
        Target("desk_hours", 6),
        Target("desk_days", 3),
        Target("desk_days", 5),
    ),
    service_request=Target("desk_days", 10),
)
