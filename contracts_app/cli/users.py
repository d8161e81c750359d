"""The `users` commands: users, API tokens and their revocation."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from contracts_app.cli.common import service_command
from contracts_app.models import ROLES
from contracts_app.services import users as user_service

users_group = AppGroup("users", help="Create users and API tokens.")


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@click.option("--school", "school_urn", type=int, help="URN of the school a school user belongs to.")
@click.option("--group", "group_name", help="Name of the group of schools a school user belongs to.")
@click.option("--name", default="", help="The user's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@service_command
def create(email: str, role: str, school_urn: int | None, group_name: str | None, name: str,
           password_stdin: bool) -> None:
    """Create a user. The password is read from standard input (never the command line)."""
    if not password_stdin:
        raise click.UsageError("pass --password-stdin and give the password on standard input")
    password = sys.stdin.readline().rstrip("\r\n")
    user = user_service.create_user(email, role, password, school_urn=school_urn,
                                    group_name=group_name, name=name)
    linked = f" for school {user.school.urn} {user.school.name}" if user.school else ""
    click.echo(f"Created {user.role} user {user.email}{linked}.")


@users_group.command("token")
@click.argument("email")
@service_command
def token(email: str) -> None:
    """Print a new API bearer token for EMAIL (shown once; stored hashed)."""
    click.echo(user_service.issue_token(email))


@users_group.command("revoke-tokens")
@click.argument("email")
@service_command
def revoke(email: str) -> None:
    """Revoke every API token of EMAIL."""
    user = user_service.find_user(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    click.echo(f"Revoked {user_service.revoke_tokens(user)} token(s) of {user.email}.")
