"""Sign-in throttling's counters when they live in the database (issue #27): one row per limit
and key, shared by every worker and process (contracts_app/services/rate_limits.py)."""
from __future__ import annotations

from sqlalchemy import Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from contracts_app.extensions import db


class RateLimitCounter(db.Model):
    """A fixed window's count: `hits` since the window began, until `expires_at`.

    `key` is the SHA-256 of the limiter's key (which holds whatever email was typed), so any
    length and any character fits and no address is kept in clear. `expires_at` is seconds
    since the epoch, as the `limits` library reports a window's end.
    """

    __tablename__ = "rate_limit_counters"
    __table_args__ = (Index("ix_rate_limit_counters_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[int] = mapped_column()
    expires_at: Mapped[float] = mapped_column(Float)
