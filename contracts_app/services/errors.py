"""Errors a user can cause, turned into a message by the view or command - never a traceback."""
from __future__ import annotations

from dataclasses import dataclass

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
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class ImportRefused(Exception):
    """A file was refused whole; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem, source: str | None = None):
        self.problems = problems if isinstance(problems, list) else [problems]
        self.source = source
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = f"{self.source}: import refused" if self.source else "Import refused"
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
