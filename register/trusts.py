"""Trusts (issue #29, §2.1 "a group of schools"): which trust an academy belongs to on a date,
and how a GIAS extract's `Trusts (code)` moves an academy between trusts.

Pure Python: memberships are anything with ``trust_code``, ``joined_on`` and ``left_on``.
A membership is a half-open interval: a member from ``joined_on`` (None: since before the
register knew) up to the day before ``left_on`` (None: still a member). A move on day D ends
the old membership with ``left_on = D`` and starts the new one with ``joined_on = D``, so on
every date an academy belongs to at most one trust and history is kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Protocol, TypeVar

BILLING = ("per_academy", "consolidated")
MAX_CODE = 20


class MembershipLike(Protocol):
    trust_code: str
    joined_on: date | None
    left_on: date | None


M = TypeVar("M", bound=MembershipLike)


def is_member_on(joined_on: date | None, left_on: date | None, day: date) -> bool:
    """Whether a membership joined on ``joined_on`` and left on ``left_on`` holds on ``day``."""
    return (joined_on is None or joined_on <= day) and (left_on is None or day < left_on)


def membership_on(memberships: Iterable[M], day: date) -> M | None:
    """The academy's membership on ``day`` (at most one holds), or None."""
    for membership in memberships:
        if is_member_on(membership.joined_on, membership.left_on, day):
            return membership
    return None


def agreement_trust_day(term_start: date, term_end: date, today: date) -> date:
    """The day whose trust an agreement belongs to (issue #29: lists and the API name it): today while
    its term runs, else the nearest end of its term - a past year's agreement stays with the trust its
    academy was in when the term ended, next year's goes with the trust it will start in."""
    return min(max(today, term_start), term_end)


def trust_on(memberships: Iterable[MembershipLike], day: date) -> str | None:
    """The code of the trust the academy belongs to on ``day``, or None."""
    membership = membership_on(memberships, day)
    return membership.trust_code if membership is not None else None


@dataclass(frozen=True)
class Move:
    """What the extract says of one academy: leave its current trust (``leave``), join ``join``."""

    leave: bool
    join: str | None
    on: date | None


def move_for(current_code: str | None, extract_code: str | None, current_joined: date | None,
             move_date: date, first_joined: date | None) -> Move | None:
    """The move the extract implies for an academy whose open membership is ``current_code``.

    None when nothing changes. A first membership starts on ``first_joined`` (GIAS's open date,
    or None: unknown); a change of trust happens on ``move_date`` (the date GIAS gives), never
    before the current membership began.
    """
    if current_code == extract_code:
        return None
    if current_code is None:
        return Move(leave=False, join=extract_code, on=first_joined)
    on = move_date if current_joined is None or move_date > current_joined else current_joined
    return Move(leave=True, join=extract_code, on=on)


def check_code(code: str) -> str | None:
    """Why a trust code cannot be kept (None: it can): GIAS's group UIDs are short numbers."""
    if len(code) > MAX_CODE:
        return f"is longer than {MAX_CODE} characters"
    if not code.isdigit():
        return f"{code!r} is not a GIAS group code (a number)"
    return None
