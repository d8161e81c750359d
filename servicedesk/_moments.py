"""Shared by the service desk modules: every moment timezone-aware, and the logs' ISO 8601 times read."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from pricing.sla_year import LONDON

UTC = timezone.utc
ZERO = timedelta(0)
_DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")


def require_aware(value: datetime, name: str = "moment") -> datetime:
    """Return *value* unchanged, refusing anything but a timezone-aware datetime.

    A naive datetime is ambiguous across the clock changes, so it is a ValueError.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


def to_utc(value: datetime, name: str = "moment") -> datetime:
    """*value* as a UTC datetime (after checking it is aware).

    Arithmetic is done in UTC because Python subtracts two datetimes sharing one
    tzinfo by wall clock, which is an hour out across a clock change.
    """
    return require_aware(value, name).astimezone(UTC)


def require_duration(value: timedelta, name: str = "duration") -> timedelta:
    """Return *value*, refusing anything but a non-negative timedelta."""
    if not isinstance(value, timedelta):
        raise TypeError(f"{name} must be a timedelta, not {type(value).__name__}")
    if value < ZERO:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date and time from the call log, as an aware UTC datetime.

    A time without an offset is Europe/London wall-clock time (the desk's clock, §5.3).
    A wall-clock time skipped when the clocks go forward does not exist and is refused;
    one repeated when they go back is read as the first (BST) occurrence. UTC comes
    back because Python never finds a repeated-hour London time equal to anything in
    another zone. Raises ValueError with a reason fit for the user.
    """
    value = text.strip()
    if _DATE_ONLY.match(value):
        raise ValueError(f"{text!r} has no time of day (use e.g. 2026-05-01T09:30)")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date and time (e.g. 2026-05-01T09:30)") from None
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    local = moment.replace(tzinfo=LONDON)
    if local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != moment:
        raise ValueError(f"{text!r} does not exist in Europe/London (the clocks went forward)")
    return local.astimezone(UTC)
