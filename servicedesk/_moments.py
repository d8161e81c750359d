"""Guards shared by the service desk modules: every moment must be timezone-aware."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

UTC = timezone.utc
ZERO = timedelta(0)


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
