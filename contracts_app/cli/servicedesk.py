"""`tickets import`, `tickets report`, `calls import` and `emails import`: the service desk's logs and
its SLA performance (§5-7, §11.1)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from contracts_app.cli.common import parse_date as _date
from contracts_app.cli.common import actor, service_command
from contracts_app.services import servicedesk as service
from contracts_app.services.servicedesk import mir as mirs
from contracts_app.services.servicedesk import standards
from contracts_app.services.council import report_issuer
from servicedesk.export import export_csv
from servicedesk.formatting import desk_time, kpi_verdict, london, mir_state, percent, status_text
from servicedesk.period import desk_today, period_from
from servicedesk.report import Tally
from servicedesk.ticket_report import TicketReport
from servicedesk.report_pdf import render_report_pdf
from servicedesk.standards import StandardsReport
from servicedesk.standards_export import standard_limit, standard_share, standard_verdict, standards_csv

tickets_group = AppGroup("tickets", help="Service desk tickets and SLA performance.")
calls_group = AppGroup("calls", help="The telephony system's call log (SLA 11.1 calls answered).")
emails_group = AppGroup("emails", help="The service desk mailbox's log (SLA 11.1 emails replied to).")


@calls_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def calls_import_command(file: Path) -> None:
    """Import the telephony system's call log (CSV or XLSX); re-importing updates calls.

    \b
    Columns: called_at,answered_at[,abandoned][,urn][,reference]
      called_at, answered_at  ISO 8601, e.g. 2026-05-01T09:30:15 (no offset = Europe/London)
      abandoned               yes for a call nobody answered (answered_at empty)
      urn                     the school, where the caller is known
      reference               the call's id (else a call is known by its time and URN)
    A file with any bad row is refused whole, naming each row and column.
    """
    report = standards.import_calls(file, file.name)
    click.echo(f"Call import from {file.name}: {report.summary()}.")


@emails_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def emails_import_command(file: Path) -> None:
    """Import the service desk mailbox's log (CSV or XLSX); re-importing updates emails.

    \b
    Columns: received_at,first_response_at[,urn][,reference]
      first_response_at  empty while the email has had no reply
    A file with any bad row is refused whole, naming each row and column.
    """
    report = standards.import_emails(file, file.name)
    click.echo(f"Email import from {file.name}: {report.summary()}.")


def _standards_lines(report: StandardsReport) -> list[str]:
    """SLA 11.1 calls and emails: the period, then each month with any."""
    lines = []
    for line in (report.total, *report.months):
        for channel, tally, what in (("call", line.calls, "calls answered"), ("email", line.emails, "emails replied to")):
            if tally.decided or tally.waiting:
                verdict = standard_verdict(tally)
                lines.append(f"  {line.label:<16} {what} within {standard_limit(tally, channel)}: {tally.within} of "
                             f"{tally.decided} {standard_share(tally)} (target {tally.target}%)"
                             f"{'  ' + verdict.lower() if verdict else ''}"
                             f"{f', {tally.waiting} waiting' if tally.waiting else ''}")
    return lines


@tickets_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@service_command
def import_command(file: Path) -> None:
    """Import the call logging system's ticket log (CSV); re-importing updates tickets by reference.

    \b
    Columns: reference,urn,type,priority,logged_at,resolved_at[,suspensions][,summary] and the
    optional awaiting_customer,resolved_reason,reopened_at,linked_to,major,priority_history,updates,status
      type         incident | service_request | project
      priority     1-4 (or P1-P4); required for incidents
      logged_at,   ISO 8601, e.g. 2026-05-01T09:30 (no offset = Europe/London);
      resolved_at  resolved_at empty while the ticket is open
      suspensions  time with a third party (SLA 6.6): start/end intervals joined by ';',
                   e.g. 2026-05-01T10:00/2026-05-02T09:00;2026-05-04T11:00/
                   (an empty end: still with the third party)
      awaiting_customer  time waiting for the customer (SLA 6.3), as suspensions
      resolved_reason    fixed | workaround | no_response
      reopened_at        resolved/reopened pairs joined by ';' (SLA 6.4: a re-open
                         after 5 working days is refused: raise a new ticket)
      linked_to          the earlier ticket a new one continues
      major              yes | no (empty: any P1 or P2 is a major incident, SLA 6.5)
      priority_history   e.g. P1@2026-06-01T09:00;P3@2026-06-01T10:10 (ends at the priority)
      updates            the times updates were given, joined by ';'
      status             as the call logging system words it
    A file with any bad row is refused whole, naming each row and column.
    """
    report = service.import_tickets(file, file.name)
    click.echo(f"Ticket import from {file.name}: {report.summary()}.")


@tickets_group.command("mir")
@click.argument("reference")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The Major Incident Report (PDF) to attach.")
@click.option("--reason", default=None, help="Why no Major Incident Report was produced.")
@service_command
def mir_command(reference: str, pdf_file: Path | None, reason: str | None) -> None:
    """Attach a major incident's report (SLA 6.5), or record why none was produced."""
    if (pdf_file is None) == (reason is None):
        raise click.UsageError("give either --pdf FILE or --reason TEXT")
    ticket = mirs.find_ticket(reference)
    if pdf_file is not None:
        mirs.attach_mir(ticket, pdf_file.read_bytes(), pdf_file.name, actor())
        click.echo(f"Ticket {reference}: MIR {pdf_file.name} attached; the school sees it.")
    else:
        mirs.no_mir(ticket, reason or "", actor())
        click.echo(f"Ticket {reference}: why no MIR was produced is recorded.")


def _line(label: str, tally: Tally) -> str:
    """One row of the KPI table as a line of text."""
    verdict = kpi_verdict(tally)
    return (f"  {label:<32} {tally.count:>6} logged {tally.resolved:>6} resolved {tally.met:>6} within SLA "
            f"{tally.breached:>5} breached {percent(tally):>7}{'  KPI ' + verdict.lower() if verdict else ''}")


def _late(value, met: bool | None) -> str:
    """Desk time, marked when it is over SLA 6.5's 30 minutes."""
    return desk_time(value) + (" (over 30 min)" if met is False else "")


def _major_lines(report: TicketReport) -> list[str]:
    """SLA 6.5: each major incident's priority, triage, longest gap between updates and its MIR's state."""
    lines = []
    for t in report.major_incidents:
        m, mir = t.major, report.mirs.get(t.id)
        priority = (f"P{m.original_priority} to P{m.final_priority} at {london(m.downgraded_at)}" if m.downgraded_at
                    else f"P{m.final_priority}")
        triage = _late(m.triage, m.triage_met) if m.triage is not None else "no update"
        gap = _late(m.longest_gap, m.updates_met) if m.longest_gap is not None else "-"
        reason = f" ({mir.reason})" if mir is not None and not mir.shared else ""
        school = "" if report.school_urn else f" {t.school_urn}"
        lines.append(f"  {t.reference}{school} {priority}: triage {triage}, longest gap between updates {gap}, "
                     f"MIR {mir_state(mir)}{reason}")
    return lines


@tickets_group.command("report")
@click.option("--school", "urn", type=int, default=None, help="A school's URN (default: every school).")
@click.option("--from", "start", default=None, help="First day, YYYY-MM-DD (default: start of the SLA year).")
@click.option("--to", "end", default=None, help="Last day, YYYY-MM-DD (default: today).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every ticket of the report to this CSV file.")
@click.option("--standards-csv", "standards_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the SLA 11.1 calls and emails figures to this CSV file.")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the school's PDF report to this file (needs --school).")
@service_command
def report_command(urn: int | None, start: str | None, end: str | None, csv_file: Path | None,
                   standards_file: Path | None, pdf_file: Path | None) -> None:
    """SLA performance for tickets logged in a period: % within SLA against the 95% KPI (SLA 11.1)."""
    if pdf_file is not None and urn is None:
        raise click.UsageError("--pdf needs --school: the PDF report is a school's")
    last = _date(end, "--to")
    first = _date(start, "--from")
    period = period_from(first, last, desk_today())  # ActionRefused when the period ends before it starts
    if urn is not None:
        report = service.school_report(service.find_school(urn), period)
    else:
        report = service.service_report(period)
    who = f"{report.title} (URN {report.school_urn})" if report.school_urn else report.title
    click.echo(f"SLA performance: {who}, tickets logged from {report.period.label} "
               f"(KPI {report.kpi_percent}% within SLA)")
    for line in report.lines:
        click.echo(_line(line.label, line.tally))
    if report.projects.count:
        click.echo(f"  Project requests: {report.projects.count} (targets agreed with the school, not measured)")
    if report.standards is not None and not report.standards.empty:
        click.echo("Calls and emails (SLA 11.1):")
        for text in _standards_lines(report.standards):
            click.echo(text)
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")
    if report.major_incidents:
        click.echo(f"Major incidents (SLA 6.5): {len(report.major_incidents)}")
        for text in _major_lines(report):
            click.echo(text)
    breached = report.breached
    click.echo(f"Breached tickets: {len(breached)}")
    for t in breached:
        school = "" if report.school_urn else f" {t.school_urn}"
        click.echo(f"  {t.reference}{school} {t.category} logged {london(t.clock.logged_at)}: "
                   f"target {t.clock.target.label}, desk time {desk_time(t.clock.elapsed)}: {status_text(t.clock)}")
    if csv_file is not None:
        csv_file.write_bytes(export_csv(report.tickets, report.mirs))
        click.echo(f"Wrote {len(report.tickets)} ticket(s) to {csv_file}.")
    if standards_file is not None and report.standards is not None:
        standards_file.write_bytes(standards_csv(report.standards, report.school_urn, report.title))
        click.echo(f"Wrote the calls and emails figures to {standards_file}.")
    if pdf_file is not None:
        pdf_file.write_bytes(render_report_pdf(report, report_issuer()))
        click.echo(f"Wrote the PDF report to {pdf_file}.")

