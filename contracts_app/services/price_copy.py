"""Next year's price list from this year's (issue #30): preview, then a draft, in one transaction.

The rule is ``pricing.uplift``; this module loads the published list, checks the request,
and saves the uplifted rows as the new year's draft (version 1), audited.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from contracts_app.extensions import db
from contracts_app.models import PriceList, PriceListEntry
from contracts_app.services import audit, price_lists
from pricing.errors import ActionRefused, PriceRuleError
from pricing.price_list import PriceRow
from pricing.sla_year import SlaYear, requested_year
from pricing.uplift import Uplift, parse_overrides, parse_percent, uplift_rows


class CopyRefused(ActionRefused):
    """A copy refused; ``field`` names what was wrong (from, to, uplift, overrides) for the page."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CopyLine:
    """One price row: this year's and next year's, side by side."""

    old: PriceRow
    new: PriceRow
    percent: Decimal


@dataclass(frozen=True)
class CopyPlan:
    """What a copy would make, before anything is saved."""

    source: PriceList
    to_year: int
    uplift: Uplift
    lines: list[CopyLine]

    @property
    def summary(self) -> str:
        overrides = ", ".join(f"{code} {pct}%" for code, pct in self.uplift.overrides.items())
        return (f"{len(self.lines)} prices from {self.source.name} raised by {self.uplift.percent}%"
                + (f" ({overrides})" if overrides else ""))


def _year(value: object, field: str) -> int:
    try:
        return requested_year(value).start_year
    except PriceRuleError as exc:
        raise CopyRefused(field, f"{field} year: {exc.reason}") from None


def plan_copy(from_year: object, to_year: object, uplift: object, overrides: Iterable[str] = ()) -> CopyPlan:
    """Check a copy request and work out every new price; raises ``CopyRefused`` naming the field."""
    source_year, target_year = _year(from_year, "from"), _year(to_year, "to")
    try:
        percent = parse_percent(uplift if isinstance(uplift, (str, int, Decimal)) else str(uplift))
    except PriceRuleError as exc:
        raise CopyRefused("uplift", exc.reason) from None
    try:
        chosen = Uplift(percent, parse_overrides(overrides))
    except PriceRuleError as exc:
        raise CopyRefused("overrides", exc.reason) from None
    source = price_lists.published(source_year)
    if source is None:
        current = price_lists.latest(source_year)
        state = f" (it has only {current.name}, {current.status})" if current else ""
        raise CopyRefused("from", f"the {SlaYear(source_year).label} price list is not published{state}; "
                                  "copy from a year with a published list")
    existing = price_lists.latest(target_year)
    if existing is not None:
        raise CopyRefused("to", f"{SlaYear(target_year).label} already has a price list: {existing.name} "
                                f"({existing.status}); change that one instead")
    old_rows = [entry.price_row() for entry in source.entries]
    unknown = chosen.unknown_codes(row.service_code for row in old_rows)
    if unknown:
        raise CopyRefused("overrides", f"override for {', '.join(unknown)}: no such service code in "
                                       f"{source.name}")
    new_rows = uplift_rows(old_rows, chosen)
    _check_storable(new_rows)
    lines = [CopyLine(old, new, chosen.percent_for(old.service_code)) for old, new in zip(old_rows, new_rows)]
    return CopyPlan(source, target_year, chosen, lines)


def _check_storable(rows: Sequence[PriceRow]) -> None:
    """A raised price too big to store is refused, naming the service (the import's own check)."""
    raw = [{k: (v or "") for k, v in row.model.to_fields().items()} | {
        "service_code": row.service_code, "title": row.title} for row in rows]
    problems = price_lists._check_places(raw)
    if problems:
        problem = problems[0]
        row = rows[(problem.row or 2) - 2]
        raise CopyRefused("uplift", f"{row.service_code} ({row.customer_type}) {problem.column}: {problem.reason}")


def copy_price_list(from_year: object, to_year: object, uplift: object, overrides: Iterable[str] = ()) -> tuple[PriceList, CopyPlan]:
    """Make the new year's DRAFT price list from the chosen year's published one, uplifted; one transaction."""
    plan = plan_copy(from_year, to_year, uplift, overrides)
    target = PriceList(sla_year=plan.to_year, version=1, status="draft", census_basis=plan.source.census_basis,
                       source=f"{plan.source.name} + {plan.uplift.percent}%"[:200])
    target.entries.extend(PriceListEntry(**price_lists._entry_values(line.new)) for line in plan.lines)
    db.session.add(target)
    try:
        db.session.flush()
    except IntegrityError:
        # Another copy or import made the year's list between the check and this insert.
        db.session.rollback()
        raise CopyRefused("to", f"{SlaYear(plan.to_year).label} got a price list meanwhile; look at it") from None
    audit.record("copy", "PriceList", target.id, f"{target.name}: {plan.summary}",
                 {"from": plan.source.name, "uplift": str(plan.uplift.percent),
                  "overrides": {code: str(pct) for code, pct in plan.uplift.overrides.items()}})
    db.session.commit()
    return target, plan
