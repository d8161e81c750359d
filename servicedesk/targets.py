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
    "SLA_2022_23", "ACADEMY_2018_19", "KpiStandards", "KPI_2022_23",
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


def _percent(value: Any, what: str) -> Decimal:
    try:
        percent = Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"{what} must be a percentage, not {value!r}") from None
    if not percent.is_finite() or not 0 < percent <= 100:
        raise ValueError(f"{what} must be a percentage above 0 and at most 100, not {value}")
    return percent


@dataclass(frozen=True)
class KpiStandards:
    """§11.1 performance standards: the share of incidents and service requests completed
    within SLA (which the reports measure), and the call and email standards (stated, not
    measured: the call log has no answer times). ``None`` when a version does not state one."""

    resolved_percent: Decimal = KPI_PERCENT_MET
    calls_percent: Decimal | None = None
    calls_seconds: int | None = None
    emails_percent: Decimal | None = None
    emails_days: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "resolved_percent", _percent(self.resolved_percent, "the KPI"))
        for percent, amount, what in ((self.calls_percent, self.calls_seconds, "calls"),
                                      (self.emails_percent, self.emails_days, "emails")):
            if (percent is None) != (amount is None):
                raise ValueError(f"the {what} standard needs both its percentage and its time")
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount < 1):
                raise ValueError(f"the {what} standard's time must be a whole number of at least 1, not {amount!r}")
        for name in ("calls_percent", "emails_percent"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _percent(getattr(self, name), name.replace("_", " ")))

    @property
    def labels(self) -> list[str]:
        """The standards as the SLA words them (§11.1)."""
        lines = []
        if self.calls_percent is not None:
            lines.append(f"{self.calls_percent}% of calls to the service desk answered within {self.calls_seconds} "
                         "seconds")
        if self.emails_percent is not None:
            lines.append(f"{self.emails_percent}% of emails given a reply within {self.emails_days} business "
                         f"day{'s' if self.emails_days != 1 else ''}")
        lines.append(f"{self.resolved_percent}% of incidents and service requests completed within SLA")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; percentages as strings, so that they stay exact."""
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)
        return {"resolved_percent": text(self.resolved_percent), "calls_percent": text(self.calls_percent),
                "calls_seconds": self.calls_seconds, "emails_percent": text(self.emails_percent),
                "emails_days": self.emails_days}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KpiStandards:
        """Inverse of to_dict; unknown keys are refused."""
        if not isinstance(data, Mapping):
            raise ValueError(f"KPI standards must be a mapping, not {data!r}")
        extra = set(data) - {"resolved_percent", "calls_percent", "calls_seconds", "emails_percent", "emails_days"}
        if extra:
            raise ValueError(f"unknown KPI keys: {', '.join(sorted(extra))}")
        return cls(**{key: value for key, value in data.items() if value is not None})


#: SLA 2022/23 §11.1: 80% of calls answered within 60 seconds, 95% of emails within 1 business
#: day, 95% of incidents and service requests completed within SLA.
KPI_2022_23 = KpiStandards(Decimal("95"), Decimal("80"), 60, Decimal("95"), 1)


@dataclass(frozen=True)
class TargetTable:
    """Targets by (ticket_type, priority): incidents by priority 1-4 (§6.2), one
    target for standard service requests whatever the priority (§7.2), and project
    service requests, normally agreed with the customer (§7.2)."""

    name: str
    incident: tuple[Target, Target, Target, Target]
    service_request: Target
    project: Target = field(default=AGREED)
    kpi: KpiStandards = field(default=KPI_2022_23)

    def __post_init__(self) -> None:
        if not isinstance(self.kpi, KpiStandards):
            raise TypeError(f"expected KpiStandards, not {self.kpi!r}")
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
            "kpi": self.kpi.to_dict(),
        }


def target_table_from_dict(data: Mapping[str, Any]) -> TargetTable:
    """Build a TargetTable from its to_dict form (as stored in JSON); ValueError when malformed."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a target table must be a mapping, not {data!r}")
    extra = set(data) - {"name", "incident", "service_request", "project", "kpi"}
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
        # Versions stored before §11.1 was read carry no KPI: theirs were 2022/23's.
        kpi=KpiStandards.from_dict(data["kpi"]) if data.get("kpi") else KPI_2022_23,
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
    kpi=KpiStandards(KPI_PERCENT_MET, Decimal("80"), 20, Decimal("95"), 1),
)
