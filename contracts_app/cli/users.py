"""The `users` commands: users, API tokens and their revocation."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from contracts_app.cli.common import service_command
from contracts_app.models import ROLES
from contracts_app.services import users as user_service
from contracts_app.services.outbox import accounts

users_group = AppGroup("users", help="Create users and API tokens.")


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@click.option("--school", "school_urn", type=int, help="URN of the school a school user belongs to.")
@click.option("--group", "group_name", help="Name of the group of schools a school user belongs to.")
@click.option("--trust", "trust_code", help="GIAS code of the trust a school user sees every academy of.")
@click.option("--name", default="", help="The user's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--signatory", is_flag=True, help="A school user authorised to commit spending (accepts offers).")
@service_command
def create(email: str, role: str, school_urn: int | None, group_name: str | None, trust_code: str | None,
           name: str, password_stdin: bool, signatory: bool) -> None:
    """Create a user. The password is read from standard input (never the command line)."""
    if not password_stdin:
        raise click.UsageError("pass --password-stdin and give the password on standard input")
    password = sys.stdin.readline().rstrip("\r\n")
    user = user_service.create_user(email, role, password, school_urn=school_urn,
                                    group_name=group_name, name=name, signatory=signatory, trust_code=trust_code)
    linked = f" for school {user.school.urn} {user.school.name}" if user.school else ""
    linked = f" for trust {user.trust.code} {user.trust.name}" if user.trust else linked
    click.echo(f"Created {user.role} user {user.email}{linked}{' (signatory)' if user.signatory else ''}.")


@users_group.command("invite")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@click.option("--school", "school_urn", type=int, help="URN of the school a school user belongs to.")
@click.option("--group", "group_name", help="Name of the group of schools a school user belongs to.")
@click.option("--name", default="", help="The user's name.")
@click.option("--signatory", is_flag=True, help="A school user authorised to commit spending (accepts offers).")
@service_command
def invite(email: str, role: str, school_urn: int | None, group_name: str | None, name: str,
           signatory: bool) -> None:
    """Create a user and email them a link to choose their password (no password is typed)."""
    user = accounts.create_invited(email, role, school_urn=school_urn, group_name=group_name, name=name,
                                   signatory=signatory)
    click.echo(f"Created {user.role} user {user.email}; the invitation is in the outbox.")


@users_group.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@service_command
def password(email: str, password_stdin: bool) -> None:
    """Set EMAIL's password (read from standard input); every session of the user ends."""
    if not password_stdin:
        raise click.UsageError("pass --password-stdin and give the password on standard input")
    user = user_service.set_password(email, sys.stdin.readline().rstrip("\r\n"))
    click.echo(f"Password of {user.email} changed; their sessions have ended.")


@users_group.command("token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for (shown in the token list).")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The last day the token works, YYYY-MM-DD (at most three years ahead); none: until revoked.")
@service_command
def token(email: str, name: str, expires) -> None:
    """Print a new API bearer token for EMAIL (shown once; stored hashed)."""
    click.echo(user_service.issue_token(email, name, expires.date() if expires else None))


@users_group.command("revoke-tokens")
@click.argument("email")
@service_command
def revoke(email: str) -> None:
    """Revoke every API token of EMAIL."""
    user = user_service.find_user(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    click.echo(f"Revoked {user_service.revoke_tokens(user)} token(s) of {user.email}.")
