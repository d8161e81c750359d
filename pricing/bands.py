"""Pupil-number bands for the ``banded`` price model (DESIGN §1, §4 ``bands`` column)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pricing.errors import PriceRuleError
from pricing.money import to_decimal

# "101-250:1800", "251-:2400" or "251+:2400" (open top).
_BAND = re.compile(r"^(\d+)\s*(?:-\s*(\d*)|\+)\s*:\s*(.+)$")


@dataclass(frozen=True)
class Band:
    """Pupil counts ``low``..``high`` inclusive cost ``amount`` a year; ``high`` None = no top."""

    low: int
    high: int | None
    amount: Decimal

    @property
    def label(self) -> str:
        """``0-100``, or ``251+`` for an open top band."""
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"

    def contains(self, pupils: int) -> bool:
        """Whether this band holds the pupil count (both ends inclusive)."""
        return self.low <= pupils and (self.high is None or pupils <= self.high)


def parse_bands(text: str) -> tuple[Band, ...]:
    """Parse ``0-100:1200;101-250:1800;251-:2400``. Shape only; see ``validate_bands``."""
    if not isinstance(text, str) or not text.strip():
        raise PriceRuleError("bands", "no bands given")
    bands = []
    # A trailing ";" is a harmless spreadsheet habit, so empty pieces are skipped.
    for piece in (p.strip() for p in text.split(";")):
        if not piece:
            continue
        match = _BAND.match(piece)
        if not match:
            raise PriceRuleError("bands", f"band {piece!r} should look like 0-100:1200 or 251-:2400")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else None
        try:
            amount = to_decimal(match.group(3))
        except PriceRuleError as exc:
            raise PriceRuleError("bands", f"band {piece!r}: {exc.reason}") from None
        bands.append(Band(low, high, amount))
    if not bands:
        raise PriceRuleError("bands", "no bands given")
    return tuple(bands)


def format_bands(bands: Iterable[Band]) -> str:
    """The inverse of ``parse_bands``: ``0-100:1200;251-:2400``."""
    return ";".join(
        f"{b.low}-{'' if b.high is None else b.high}:{format(b.amount, 'f')}" for b in bands
    )


def validate_bands(bands: Sequence[Band]) -> tuple[Band, ...]:
    """Check a band table is usable and return it as a tuple.

    Bands must start at 0 and follow on (next low = previous high + 1), so every
    count falls in exactly one band; only the last may be open-ended; amounts are
    not negative. Raises ``PriceRuleError("bands", ...)`` naming the band at fault.
    """
    table = tuple(bands)
    if not table:
        raise PriceRuleError("bands", "no bands given")
    for band in table:
        if not isinstance(band, Band):
            raise PriceRuleError("bands", f"{band!r} is not a band")
        if isinstance(band.low, bool) or not isinstance(band.low, int) or band.low < 0:
            raise PriceRuleError("bands", f"band {band.label} must start at a whole number of pupils, 0 or more")
        if band.high is not None and (isinstance(band.high, bool) or not isinstance(band.high, int)):
            raise PriceRuleError("bands", f"band {band.label} must end at a whole number of pupils")
        if band.high is not None and band.high < band.low:
            raise PriceRuleError("bands", f"band {band.label} ends below where it starts")
        if not isinstance(band.amount, Decimal) or not band.amount.is_finite():
            raise PriceRuleError("bands", f"band {band.label} amount must be a Decimal")
        if band.amount < 0:
            raise PriceRuleError("bands", f"band {band.label} has a negative amount ({band.amount})")
    if table[0].low != 0:
        raise PriceRuleError("bands", f"the first band must start at 0, not {table[0].low} ({table[0].label})")
    for prev, band in zip(table, table[1:]):
        if prev.high is None:
            raise PriceRuleError("bands", f"only the last band may be open-ended, but {prev.label} is followed by {band.label}")
        if band.low < prev.low:
            raise PriceRuleError("bands", f"{band.label} comes after {prev.label}; list bands from the lowest")
        if band.low <= prev.high:
            raise PriceRuleError("bands", f"{band.label} overlaps {prev.label}")
        if band.low > prev.high + 1:
            raise PriceRuleError("bands", f"gap between {prev.high} and {band.low}")
    return table


def band_for(bands: Sequence[Band], pupils: int) -> Band:
    """The band holding a pupil count; a count above a closed top band is refused."""
    if isinstance(pupils, bool) or not isinstance(pupils, int) or pupils < 0:
        raise PriceRuleError("pupils", f"pupil count must be a whole number, 0 or more, not {pupils!r}")
    for band in bands:
        if band.contains(pupils):
            return band
    top = bands[-1] if bands else None
    if top is not None and top.high is not None and pupils > top.high:
        raise PriceRuleError("bands", f"{pupils} pupils is above the top band {top.label}; the price list has no band for it")
    raise PriceRuleError("bands", f"no band holds {pupils} pupils")
