"""Which target table measures a ticket (§6.2, §7.2): the one of the template version of
the agreement covering the school on the day the ticket was logged, else SLA 2022/23."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from servicedesk.targets import SLA_2022_23, TargetTable, target_table_from_dict

__all__ = ["DEFAULT_TARGETS", "AgreementTerm", "TargetTables", "target_tables"]

#: Targets for a ticket whose school has no agreement with a template version that sets them.
DEFAULT_TARGETS = SLA_2022_23


@dataclass(frozen=True)
class AgreementTerm:
    """An agreement's term, the schools it covers, and its template version's targets as stored."""

    agreement_id: int
    school_ids: tuple[int, ...]
    cancelled: bool
    start: date
    end: date
    version: str | None
    targets: Mapping[str, Any] | None


@dataclass(frozen=True)
class _Cover:
    """An agreement's term and the target table of its template version."""

    start: date
    end: date
    cancelled: bool
    agreement_id: int
    table: TargetTable


class TargetTables:
    """Which targets apply to a school's ticket: those of the template version of the
    agreement covering the day it was logged (§6.2, §7.2), else the default (SLA 2022/23)."""

    def __init__(self, covers: Mapping[int, list[_Cover]], warnings: Sequence[str] = (),
                 default: TargetTable = DEFAULT_TARGETS) -> None:
        # A live agreement wins over a cancelled one for the same day, then the newest.
        self._covers = {school: sorted(items, key=lambda c: (c.cancelled, -c.agreement_id))
                        for school, items in covers.items()}
        self.warnings = tuple(warnings)
        self.default = default

    def for_ticket(self, school_id: int, logged: date) -> TargetTable:
        """The table for a ticket of *school_id* logged on the (London) date *logged*."""
        for cover in self._covers.get(school_id, ()):
            if cover.start <= logged <= cover.end:
                return cover.table
        return self.default


def target_tables(terms: Iterable[AgreementTerm]) -> TargetTables:
    """The target tables of these agreements, each template version read once.

    A version whose targets cannot be read must not hide the report: its agreements use
    the default, and a warning says so.
    """
    tables: dict[str, TargetTable] = {}
    warnings: list[str] = []
    covers: dict[int, list[_Cover]] = defaultdict(list)
    for term in terms:
        table = DEFAULT_TARGETS
        if term.targets:
            if term.version not in tables:
                try:
                    tables[term.version] = target_table_from_dict(term.targets)  # type: ignore[index]
                except (ValueError, TypeError) as exc:
                    tables[term.version] = DEFAULT_TARGETS  # type: ignore[index]
                    warnings.append(f"SLA template v{term.version} has targets that cannot be read ({exc}); "
                                    f"{DEFAULT_TARGETS.name} targets were used instead.")
            table = tables[term.version]  # type: ignore[index]
        for school_id in term.school_ids:
            covers[school_id].append(_Cover(term.start, term.end, term.cancelled, term.agreement_id, table))
    return TargetTables(covers, warnings)
