"""SLA performance figures from measured tickets (SLA §11.1 KPIs, §6.2, §7.2).

Pure aggregation: the caller measures each ticket with ``clock.measure`` and passes
rows of (ticket_type, priority, TicketClock[, ticket_id]).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from servicedesk.clock import TicketClock
from servicedesk.targets import KPI_PERCENT_MET

__all__ = ["ReportRow", "Tally", "SlaReport", "sla_report"]

_ONE_PLACE = Decimal("0.1")


class ReportRow(NamedTuple):
    """One measured ticket; ``ticket_id`` is passed through untouched to the breach list."""

    ticket_type: str
    priority: int | None
    clock: TicketClock
    ticket_id: Any = None


@dataclass(frozen=True)
class Tally:
    """Counts for one group of tickets.

    ``met`` and ``breached`` are disjoint: met = resolved within target; breached =
    resolved late, or still open and already past the deadline. Open tickets within
    target and tickets with no clock (agreed) are neither.
    """

    count: int = 0
    resolved: int = 0
    met: int = 0
    breached: int = 0
    standard: Decimal = KPI_PERCENT_MET  # §11.1: the share the tickets' template version promises

    @property
    def decided(self) -> int:
        """Tickets whose outcome is known: met + breached."""
        return self.met + self.breached

    @property
    def percent_met(self) -> Decimal | None:
        """met / decided as a percentage, 1 decimal place (half up); None with nothing decided."""
        if not self.decided:
            return None
        return (Decimal(self.met * 100) / Decimal(self.decided)).quantize(_ONE_PLACE, ROUND_HALF_UP)

    @property
    def kpi_met(self) -> bool | None:
        """§11.1: at least the promised share (95% in every version so far) completed within SLA,
        judged on the exact ratio (94.96% is not 95%)."""
        if not self.decided:
            return None
        return self.met * 100 >= self.standard * self.decided

    def add(self, clock: TicketClock) -> Tally:
        """This tally with one more ticket counted."""
        return Tally(
            count=self.count + 1,
            resolved=self.resolved + (not clock.is_open),
            met=self.met + (clock.met is True),
            breached=self.breached + clock.breached,
            standard=self.standard,
        )


@dataclass(frozen=True)
class SlaReport:
    """Totals overall, per ticket type, per incident priority, and the breached rows in input order."""

    total: Tally = field(default_factory=Tally)
    by_type: dict[str, Tally] = field(default_factory=dict)
    by_priority: dict[int, Tally] = field(default_factory=dict)
    breached: tuple[ReportRow, ...] = ()

    @property
    def breached_ids(self) -> tuple[Any, ...]:
        """The ticket ids of the breached rows."""
        return tuple(row.ticket_id for row in self.breached)


def sla_report(rows: Iterable[tuple[Any, ...]], standard: Decimal = KPI_PERCENT_MET) -> SlaReport:
    """Aggregate measured tickets into an SlaReport (§11.1).

    Each row is (ticket_type, priority, TicketClock) or with a ticket id as a fourth
    item. Priorities are grouped for incidents only: §7.2 ignores the priority of
    service requests. Types and priorities come out sorted. Every tally is judged against
    *standard*, the §11.1 share the tickets were promised.
    """
    empty = Tally(standard=standard)
    total = empty
    by_type: dict[str, Tally] = {}
    by_priority: dict[int, Tally] = {}
    breached: list[ReportRow] = []
    for raw in rows:
        row = raw if isinstance(raw, ReportRow) else ReportRow(*raw)
        if not isinstance(row.clock, TicketClock):
            raise TypeError(f"expected a TicketClock, not {row.clock!r}")
        total = total.add(row.clock)
        by_type[row.ticket_type] = by_type.get(row.ticket_type, empty).add(row.clock)
        if row.ticket_type == "incident":
            by_priority[row.priority] = by_priority.get(row.priority, empty).add(row.clock)  # type: ignore[index]
        if row.clock.breached:
            breached.append(row)
    return SlaReport(
        total=total,
        by_type=dict(sorted(by_type.items())),
        by_priority=dict(sorted(by_priority.items())),
        breached=tuple(breached),
    )
