"""A ticket's life after it is logged: waiting for the customer, closing for no response (§6.3)
and re-opening (§6.4). Days are the desk's working days (§5.3-5.4).

- §6.3: a ticket may be resolved for no response only after at least 3 working days awaiting
  the customer; waiting for the customer stops the clock, as a §6.6 suspension does. A ticket
  that continues one closed for no response is a new ticket with its own clock (``linked_to``).
- §6.4: a re-open within 5 working days of the resolution continues the same ticket (the clock
  resumes; the time it stood resolved does not count); later, a new ticket is raised.

Pure Python: the caller passes the desk calendar.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from servicedesk.calendar import ServiceDeskCalendar
from servicedesk.clock import Suspension

__all__ = ["NO_RESPONSE_DAYS", "REOPEN_DAYS", "RESOLVED_REASONS", "TicketLife", "awaiting_days",
           "no_response_too_soon", "reopen_deadline", "reopen_in_time"]

#: §6.3: working days awaiting the customer before a ticket may be closed for no response.
NO_RESPONSE_DAYS = 3
#: §6.4: working days after its resolution within which a re-open continues the same ticket.
REOPEN_DAYS = 5
RESOLVED_REASONS = ("fixed", "workaround", "no_response")


@dataclass(frozen=True)
class TicketLife:
    """What the log says beyond the clock: time awaiting the customer (§6.3), each resolution
    and its re-open (§6.4), why it was resolved, and the earlier ticket it continues."""

    awaiting: tuple[Suspension, ...] = ()
    reopened: tuple[Suspension, ...] = ()  # from a resolution to its re-open: the clock stands still
    resolved_reason: str | None = None
    linked_to: str | None = None

    @property
    def pauses(self) -> tuple[Suspension, ...]:
        """Time that does not count against the target: awaiting the customer, and resolved before a re-open."""
        return self.awaiting + self.reopened


def awaiting_days(calendar: ServiceDeskCalendar, awaiting: Iterable[Suspension], until: datetime) -> Fraction:
    """§6.3: working days awaiting the customer before *until* (an open wait runs to it)."""
    total = Fraction(0)
    for wait in awaiting:
        end = until if wait.end is None else min(wait.end, until)
        total += calendar.working_days_between(wait.start, end)
    return total


def no_response_too_soon(calendar: ServiceDeskCalendar, life: TicketLife, resolved: datetime | None) -> bool:
    """§6.3: resolved for no response with fewer than 3 working days awaiting the customer."""
    if life.resolved_reason != "no_response" or resolved is None:
        return False
    return awaiting_days(calendar, life.awaiting, resolved) < NO_RESPONSE_DAYS


def reopen_deadline(calendar: ServiceDeskCalendar, resolved: datetime) -> datetime:
    """§6.4: the last moment a resolved ticket may be re-opened (5 working days after)."""
    return calendar.add_working_days(resolved, REOPEN_DAYS)


def reopen_in_time(calendar: ServiceDeskCalendar, resolved: datetime, reopened: datetime) -> bool:
    """§6.4: whether a re-open continues the same ticket (else: raise a new ticket)."""
    return reopened <= reopen_deadline(calendar, resolved)
