"""The SLA year: 1 April to 31 March, named like ``2025-26`` (DESIGN §1)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from pricing.errors import PriceRuleError

# The council's clock: dates people see (issued on, notice given, KPI days) are London dates.
LONDON = ZoneInfo("Europe/London")
_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class SlaYear:
    """One SLA year, identified by the calendar year it starts in."""

    start_year: int

    def __post_init__(self) -> None:
        # The end date must stay a valid date, hence the upper bound.
        if isinstance(self.start_year, bool) or not isinstance(self.start_year, int):
            raise PriceRuleError("year", f"SLA year must be a whole year, not {self.start_year!r}")
        if not 1900 <= self.start_year <= 9998:
            raise PriceRuleError("year", f"SLA year {self.start_year} is out of range")

    @property
    def label(self) -> str:
        """``2025-26``."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        """1 April of the start year."""
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """31 March of the following year (inclusive)."""
        return self.start + relativedelta(years=1, days=-1)

    @classmethod
    def from_label(cls, label: str) -> SlaYear:
        """Parse ``2025-26``; refuses labels whose two years do not follow on (``2025-27``)."""
        match = _LABEL.match(label.strip()) if isinstance(label, str) else None
        if not match:
            raise PriceRuleError("year", f"SLA year must look like 2025-26, not {label!r}")
        start_year = int(match.group(1))
        if int(match.group(2)) != (start_year + 1) % 100:
            raise PriceRuleError("year", f"{label!r} is not one SLA year (expected {cls(start_year).label})")
        return cls(start_year)

    @classmethod
    def containing(cls, d: date) -> SlaYear:
        """The SLA year a date falls in (January-March belong to the year that began last April)."""
        return cls(d.year if d.month >= 4 else d.year - 1)

    def next(self) -> SlaYear:
        """The following SLA year."""
        return SlaYear(self.start_year + 1)

    def previous(self) -> SlaYear:
        """The preceding SLA year."""
        return SlaYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label
