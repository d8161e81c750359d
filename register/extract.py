"""The cells of GIAS's files that say when and why a school opened or closed (issue #28).

Source: GIAS's establishment extract (`edubasealldata*.csv`) and links file: dates are written
`DD-MM-YYYY` and are often blank; `EstablishmentStatus (name)` is one of "Open", "Closed",
"Open, but proposed to close" and "Proposed to open"; a reason GIAS has none for is written
"Not applicable".
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

CLOSED = "Closed"
PROPOSED_TO_CLOSE = "Open, but proposed to close"
PROPOSED_TO_OPEN = "Proposed to open"
NO_REASON = "not applicable"


class BadDate(ValueError):
    """A GIAS date cell that is not a date written DD-MM-YYYY."""


@lru_cache(maxsize=4096)  # a national file repeats a few hundred dates (31-08-YYYY, 01-09-YYYY)
def gias_date(text: str) -> date | None:
    """A GIAS date (`DD-MM-YYYY`, e.g. `01-12-2026`) or None for a blank cell; BadDate otherwise."""
    text = text.strip()
    if not text:
        return None
    day, _, rest = text.partition("-")
    month, _, year = rest.partition("-")
    if not (len(day) == 2 and len(month) == 2 and len(year) == 4
            and (day + month + year).isascii() and (day + month + year).isdigit()):
        raise BadDate(f"{text[:20]!r} is not a date written DD-MM-YYYY")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise BadDate(f"{text[:20]!r} is not a date (no such day)") from None


def is_closed(status: str) -> bool:
    """GIAS `EstablishmentStatus (name)` "Closed": the establishment no longer exists."""
    return status.strip().lower().startswith("closed")


def is_proposed_to_close(status: str) -> bool:
    """"Open, but proposed to close": still open; any successor is only proposed, so nothing is acted on."""
    return status.strip().lower() == PROPOSED_TO_CLOSE.lower()


def reason(text: str) -> str:
    """An open or close reason as GIAS names it, blank where GIAS says "Not applicable"."""
    text = text.strip()
    return "" if text.lower() == NO_REASON else text
