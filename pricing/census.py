"""School census references (``YYYY-01`` spring, ``YYYY-10`` autumn) and which one prices a year."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pricing.errors import PriceRuleError
from pricing.sla_year import SlaYear

_LABEL = re.compile(r"^(\d{4})-(01|10)$")
_MONTH_NAMES = {1: "January", 10: "October"}
CENSUS_BASES = ("january", "october")


@dataclass(frozen=True, order=True)
class CensusRef:
    """One census: January (spring) or October (autumn) of a year; orders chronologically."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if self.month not in _MONTH_NAMES:
            raise PriceRuleError("census", f"census month must be 1 (January) or 10 (October), not {self.month!r}")
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 1900 <= self.year <= 9999:
            raise PriceRuleError("census", f"census year {self.year!r} is out of range")

    @property
    def label(self) -> str:
        """``2025-01``."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def description(self) -> str:
        """``January 2025``."""
        return f"{_MONTH_NAMES[self.month]} {self.year}"

    def __str__(self) -> str:
        return self.label


def parse_census_label(s: str) -> CensusRef:
    """Parse ``2025-01`` or ``2024-10``; anything else is refused (DESIGN §4 census import)."""
    match = _LABEL.match(s.strip()) if isinstance(s, str) else None
    if not match:
        raise PriceRuleError("census", f"census must be YYYY-01 or YYYY-10, not {s!r}")
    return CensusRef(int(match.group(1)), int(match.group(2)))


def census_for_year(year: SlaYear, basis: str = "january") -> CensusRef:
    """The census whose pupil numbers price an SLA year.

    SLA §2.6: pupil numbers come from the census "in the preceding October or
    January"; change notice 1.2 made January the default. So 2025-26 uses the
    January 2025 census, or October 2024 when the price list chooses ``october``.
    """
    chosen = basis.strip().lower() if isinstance(basis, str) else basis
    if chosen == "january":
        return CensusRef(year.start_year, 1)
    if chosen == "october":
        return CensusRef(year.start_year - 1, 10)
    raise PriceRuleError("census_basis", f"unknown census basis {basis!r} (expected january or october)")
