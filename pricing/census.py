"""School census references (``YYYY-01`` spring, ``YYYY-10`` autumn) and which one prices a year."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pricing.errors import PriceRuleError
from pricing.sla_year import SlaYear

_LABEL = re.compile(r"^(\d{4})-(01|10)$")
_MONTH_NAMES = {1: "January", 10: "October"}
CENSUS_BASES = ("january", "october")
# No school has this many pupils; a bigger figure is a typo (and would not fit the column).
MAX_PUPILS = 100_000
MIN_PUPILS = 1


def check_census_pupils(pupils: object) -> int:
    """§2.6: a census figure is the pupils on a school's roll, a whole number from 1 to 100,000.

    A school on the census has at least one pupil, so 0 is as impossible as a negative
    figure: it would price a pupil-based service at its lowest band or minimum instead of
    reporting the school as having no figure. Refused in the ``pupils`` column.
    """
    if isinstance(pupils, bool) or not isinstance(pupils, int):
        raise PriceRuleError(
            "pupils", f"pupils must be a whole number from {MIN_PUPILS} to {MAX_PUPILS:,}, not {pupils!r}")
    if pupils == 0:
        raise PriceRuleError("pupils", "0 pupils is not a census figure: a school on the census has at least 1 pupil")
    if pupils < MIN_PUPILS:
        raise PriceRuleError("pupils", f"{pupils} is less than {MIN_PUPILS}")
    if pupils > MAX_PUPILS:
        raise PriceRuleError("pupils", f"{pupils} is more than {MAX_PUPILS:,} pupils")
    return pupils


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
