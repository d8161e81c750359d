"""The one rule for a refused or failed action: whatever it began in the session is discarded.

Services wrap their refusable actions with ``refusal_rolls_back``, so no door (page,
command, API) has to remember the rollback; the API's error hook calls
``discard_changes`` for a server error.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from contracts_app.extensions import db
from pricing.errors import ActionRefused

P = ParamSpec("P")
R = TypeVar("R")


def discard_changes() -> None:
    """Roll back the session's transaction: nothing half-done is flushed later."""
    db.session.rollback()


def refusal_rolls_back(action: Callable[P, R]) -> Callable[P, R]:
    """Make ``action`` roll back the session before its ActionRefused reaches the caller."""

    @wraps(action)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        """The action, rolled back if refused."""
        try:
            return action(*args, **kwargs)
        except ActionRefused:
            discard_changes()
            raise

    return wrapped
