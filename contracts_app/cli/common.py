"""What every operator command shares: the audited actor, date options, user errors as messages."""
from __future__ import annotations

import getpass
from datetime import date
from functools import wraps
from typing import Callable

import click

from contracts_app.extensions import db
from contracts_app.services.audit import acting_as
from pricing.errors import ActionRefused, ImportRefused


def actor() -> str:
    """Who a command's changes are attributed to in the audit trail."""
    return f"command line ({getpass.getuser()})"


def parse_date(value: str | None, option: str) -> date | None:
    """An ISO date option, or a usage error naming the option (exit 2, no traceback)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)", param_hint=option) from None


def service_command(func: Callable) -> Callable:
    """Run a command as an audited actor; user errors become a message and exit status 1."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with acting_as(actor()):
                return func(*args, **kwargs)
        except ImportRefused as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        except ActionRefused as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None

    return wrapper
