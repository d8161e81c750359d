"""Operator commands for the buying round: open, status, close (the default applied, with progress)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from tqdm import tqdm

from pricing.sla_year import SlaYear

from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.rounds import queries
from contracts_app.services.rounds.closing import close_round, remind
from contracts_app.services.rounds.opening import RoundSettings, open_round, require_round
from contracts_app.models.round import OFFER_STATE_NAMES
from rounds.rules import OUTCOME_NAMES
from contracts_app.cli.common import actor, parse_date, service_command

round_group = AppGroup("round", help="The buying round: next year's offers to schools.")
OPTIONS = {"opens_on": "--opens", "closes_on": "--closes", "default_action": "--default", "approval": "--approval"}
YEAR = click.option("--year", type=int, required=True, help="The round's SLA year by its start: 2027 means 2027-28.")


@round_group.command("open")
@YEAR
@click.option("--opens", required=True, help="First day schools see their offer (YYYY-MM-DD).")
@click.option("--closes", required=True, help="Last day schools may answer (YYYY-MM-DD).")
@click.option("--default", "default_action", required=True, type=click.Choice(("renew", "lapse")),
              help="What happens to schools that do not answer by the close.")
@click.option("--approval", type=click.Choice(("immediate", "approval")), default="immediate", show_default=True,
              help="immediate: an acceptance issues the agreement; approval: it waits for the SLA team.")
@service_command
def open_command(year: int, opens: str, closes: str, default_action: str, approval: str) -> None:
    """Open the year's round on its published price list, an offer for every open school."""
    settings = RoundSettings(year, parse_date(opens, "--opens"), parse_date(closes, "--closes"), default_action,
                             approval)
    try:
        buying_round = open_round(settings, actor())
    except InputRefused as exc:
        raise click.BadParameter(exc.message, param_hint=OPTIONS.get(exc.field, exc.field)) from None
    click.echo(f"Opened the {SlaYear(year).label} buying round on {buying_round.price_list.name}: "
               f"{len(buying_round.offers)} offers, {settings.opens_on} to {settings.closes_on}, "
               f"default {default_action}, {approval}.")


@round_group.command("status")
@YEAR
@service_command
def status_command(year: int) -> None:
    """Schools and annual value by state, and the schools that cannot be priced."""
    buying_round = require_round(year)
    click.echo(f"{buying_round.name}: {buying_round.status}, {buying_round.opens_on} to {buying_round.closes_on}, "
               f"default {buying_round.default_action}, {buying_round.approval}")
    for figure in queries.figures(buying_round):
        click.echo(f"  {OFFER_STATE_NAMES[figure.state]:<12} {figure.schools:>6} school(s)  £{figure.annual_value:,.2f}")
    unpriced = queries.round_page(year, "", "", True, 1, 1000).offers.items
    if unpriced:
        click.echo(f"Cannot be priced ({len(unpriced)}):")
        for offer in unpriced:
            click.echo(f"  {offer.school.urn} {offer.party_name}: {offer.problem}")


@round_group.command("close")
@YEAR
@click.option("--early", is_flag=True, help="Close before the closing date (schools that have not answered "
                                            "lose the chance to).")
@service_command
def close_command(year: int, early: bool) -> None:
    """Close the round: every school gets one outcome; those left without an agreement are listed, with why."""
    bar = tqdm(total=0, unit="school", disable=None)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        report = close_round(year, actor(), progress, early=early)
    finally:
        bar.close()
    click.echo(f"Closed the {SlaYear(year).label} buying round: " +
               ", ".join(f"{v} {k}" for k, v in report.summary().items()) + ".")
    for name in report.discarded:
        click.echo(f"  changes never accepted, discarded (the acceptance stands): {name}")
    for name, why in report.left_as_drafts:
        click.echo(f"  left as a draft: {name}: {why}")
    missing = report.without_agreement
    if missing:
        click.echo(f"No agreement for {SlaYear(year).label} ({len(missing)}):")
        for row in missing:
            click.echo(f"  {row.urn} {row.school}: {OUTCOME_NAMES[row.outcome].lower()}: {row.reason}")


@round_group.command("remind")
@YEAR
@click.option("--offer", "offer_ids", type=int, multiple=True, help="One offer (repeatable); default every "
                                                                    "school that has not answered.")
@service_command
def remind_command(year: int, offer_ids: tuple[int, ...]) -> None:
    """Remind schools that have not answered, through the outbox; each reminder recorded."""
    sent, skipped = remind(year, list(offer_ids) or None, actor())
    click.echo(f"Reminded {len(sent)} school(s) that have not answered.")
    if skipped:
        click.echo(f"Not reminded ({len(skipped)}):")
    for name, why in skipped:
        click.echo(f"  {name}: {why}")
