"""Errors a user can cause - refused imports and actions, broken pricing rules - so that every
door (page, command, API) can report them to people, never as a traceback."""
from __future__ import annotations

from dataclasses import dataclass

from pricing.text import printable


class PricingError(Exception):
    """Base class for every pricing failure."""


class PriceRuleError(PricingError):
    """A price, price-list value or pricing input breaks a rule.

    ``column`` names the price-list column at fault (``None`` when there is no
    column, e.g. a bare money string), ``reason`` says what is wrong.
    """

    def __init__(self, column: str | None, reason: str) -> None:
        # Both go to args so the exception pickles and reconstructs unchanged.
        super().__init__(column, reason)
        self.column = column
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.column}: {self.reason}" if self.column else self.reason


class MissingCensus(PricingError):
    """A pupil-number price was asked for but the school has no census figure.

    DESIGN §1 (census-based pricing): reported, never silently priced at 0.
    """

    def __init__(self, census_label: str | None) -> None:
        super().__init__(census_label)
        self.census_label = census_label

    def __str__(self) -> str:
        if self.census_label:
            return f"no pupil figure for the {self.census_label} census"
        return "no pupil figure for the pricing census"

MAX_LISTED = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (row, column) and why."""

    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {printable(self.column)}")
        # A cell or a header quoted in a reason never carries a NUL or a line break into a message
        # (PostgreSQL cannot store NUL in the job row that keeps it, issue #27).
        reason = printable(self.reason, 2000)
        return f"{', '.join(where)}: {reason}" if where else reason


class ImportRefused(Exception):
    """A file was refused whole; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem, source: str | None = None):
        self.problems = problems if isinstance(problems, list) else [problems]
        self.source = source
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = f"{printable(self.source)}: import refused" if self.source else "Import refused"
        lines = [str(p) for p in self.problems[:MAX_LISTED]]
        more = len(self.problems) - MAX_LISTED
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        return head + ", nothing was changed:\n" + "\n".join(f"  - {line}" for line in lines)


class ActionRefused(Exception):
    """An action that the rules do not allow (e.g. issuing twice). Nothing was changed."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
