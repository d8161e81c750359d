"""Operator commands: `flask --app contracts_app <group> <command>`."""
from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from contracts_app.cli.adhoc import adhoc_group
    from contracts_app.cli.agreements import agreements_group
    from contracts_app.cli.catalogue import catalogue_group
    from contracts_app.cli.census import census_group
    from contracts_app.cli.demo import demo_command
    from contracts_app.cli.invoices import invoices_group
    from contracts_app.cli.jobs import jobs_group
    from contracts_app.cli.outbox import outbox_group
    from contracts_app.cli.prices import prices_group
    from contracts_app.cli.rounds import round_group
    from contracts_app.cli.schools import schools_group
    from contracts_app.cli.servicedesk import calls_group, emails_group, tickets_group
    from contracts_app.cli.users import users_group

    for command in (users_group, schools_group, census_group, prices_group, agreements_group, invoices_group,
                    adhoc_group, tickets_group, calls_group, emails_group, demo_command, jobs_group, outbox_group,
                    round_group, catalogue_group):
        app.cli.add_command(command)
