"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes, stored as naive UTC (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


# Wide enough that scaleb is exact for any Decimal (the default 28 digits would round).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


class ScaledDecimal(TypeDecorator):
    """An exact Decimal stored as a scaled integer (pence for money).

    SQLite's NUMERIC is a float underneath; integers are exact everywhere.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int = 2):
        super().__init__()
        self.places = places
        self.factor = Decimal(10) ** places

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be a Decimal, never a float")
        # scaleb moves the decimal point, in a context that never rounds: a bulk run binds millions.
        scaled = (value if isinstance(value, Decimal) else Decimal(value)).scaleb(self.places, _EXACT)
        whole = int(scaled)
        if whole != scaled:
            raise ValueError(f"{value} has more than {self.places} decimal places")
        return whole

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.places)

    def result_processor(self, dialect, coltype):
        """process_result_value without TypeDecorator's wrapper, remembering what it made:
        a national export reads millions of amounts, most of them the same few thousand.
        Decimals are immutable, so one may be handed out many times."""
        places, cache = -self.places, {}
        impl = self.impl_instance.result_processor(dialect, coltype)  # None for integers on our drivers

        def process(value):
            if impl is not None:
                value = impl(value)
            if value is None:
                return None
            try:
                return cache[value]
            except KeyError:
                if len(cache) >= 100_000:
                    cache.clear()
                result = cache[value] = Decimal(int(value)).scaleb(places)
                return result

        return process


def Money() -> ScaledDecimal:  # noqa: N802 - reads like a type in the models
    return ScaledDecimal(2)


def Rate() -> ScaledDecimal:  # noqa: N802
    """Rates may carry sub-penny precision (e.g. £3.565 per pupil)."""
    return ScaledDecimal(4)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
