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


# The SLA years anyone may ask for, by the year they start: outside this it is a typo (year 1, 99999).
FIRST_YEAR, LAST_YEAR = 2000, 2100
_START_YEAR = re.compile(r"^\d{1,6}$")


def requested_year(value: object) -> SlaYear:
    """§1: the SLA year a person or client asks for, by its start (2025 means 2025-26) or its label.

    Every door that takes a year (pages, API, commands) calls this one function, so a year out
    of 2000-01 .. 2100-01, or one that is not a year at all, is refused the same way everywhere
    with a PriceRuleError that says so - never a traceback deeper down.
    """
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if _LABEL.match(text):
        start_year = int(text[:4])
        if text != SlaYear(start_year).label:
            raise PriceRuleError("year", f"{text!r} is not one SLA year (expected {SlaYear(start_year).label})")
    elif _START_YEAR.match(text):
        start_year = int(text)
    else:
        raise PriceRuleError("year", f"{value!r} is not an SLA year: give the year it starts, "
                                     f"e.g. 2025 for 2025-26")
    if not FIRST_YEAR <= start_year <= LAST_YEAR:
        raise PriceRuleError("year", f"{start_year} is not an SLA year: give the year it starts, from "
                                     f"{FIRST_YEAR} to {LAST_YEAR} (2025 means 2025-26)")
    return SlaYear(start_year)
