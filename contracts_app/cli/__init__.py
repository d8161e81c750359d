"""Operator commands: `flask --app contracts_app <group> <command>`."""
from __future__ import annotations

import getpass
from datetime import date
from functools import wraps
from typing import Callable

import click
from flask import Flask

from ..extensions import db
from ..services.audit import acting_as
from ..services.errors import ActionRefused, ImportRefused


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


def register_commands(app: Flask) -> None:
    from .adhoc import adhoc_group
    from .agreements import agreements_group
    from .census import census_group
    from .demo import demo_command
    from .invoices import invoices_group
    from .prices import prices_group
    from .schools import schools_group
    from .tickets import tickets_group
    from .users import users_group

    for command in (users_group, schools_group, census_group, prices_group, agreements_group, invoices_group,
                    adhoc_group, tickets_group, demo_command):
        app.cli.add_command(command)
