"""§11.1 standards measured: the telephony system's call log and the desk mailbox's email log
imported (all or nothing, as the ticket log), and measured for the KPI report against the
standards of each school's own template version (``servicedesk.standards``).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import DeskContact, School
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.imports import FIRST_DATA_ROW, cells, chunked, read_table, require_columns
from contracts_app.services.bounds import MAX_INT
from servicedesk.calendar import ServiceDeskCalendar
from servicedesk.contact_log import CHANNELS, ContactImportReport, ContactRow, parse_contacts
from servicedesk.coverage import TargetTables
from servicedesk.period import Period
from servicedesk.standards import Contact, StandardsReport, measure_contacts
from servicedesk.ticket_log import header_names, urns_named

__all__ = ["CHANNELS", "import_calls", "import_emails", "contact_count", "contact_standards"]

_WHAT = {"call": "a call log (called_at,answered_at[,abandoned][,urn][,reference])",
         "email": "an email log (received_at,first_response_at[,urn][,reference])"}


def _school_ids(urns: Iterable[int]) -> dict[int, int]:
    """URN -> school id for the URNs named, in chunks; a URN past the integer columns is nobody's."""
    found: dict[int, int] = {}
    for chunk in chunked(sorted(u for u in set(urns) if 0 < u <= MAX_INT)):
        found.update(db.session.execute(select(School.urn, School.id).where(School.urn.in_(chunk))).all())
    return found


def _same(stored: DeskContact, row: ContactRow) -> bool:
    return (stored.school_id, stored.started_at, stored.answered_at, stored.abandoned) == (
        row.school_id, row.started_at, row.answered_at, row.abandoned)


def _save(channel: str, rows: list[ContactRow], now: datetime, report: ContactImportReport) -> None:
    """Add each new contact, update one whose log row changed, leave the rest (by key, in chunks)."""
    existing: dict[str, DeskContact] = {}
    for keys in chunked([r.key for r in rows]):
        existing.update((c.key, c) for c in db.session.scalars(
            select(DeskContact).where(DeskContact.channel == channel, DeskContact.key.in_(keys))))
    added = []
    for row in rows:
        stored = existing.get(row.key)
        if stored is not None and _same(stored, row):
            report.unchanged += 1
            continue
        if stored is None:
            added.append({"channel": channel, "key": row.key, "school_id": row.school_id, "started_at": row.started_at,
                          "answered_at": row.answered_at, "abandoned": row.abandoned, "imported_at": now})
            report.added += 1
            continue
        stored.school_id, stored.started_at, stored.answered_at = row.school_id, row.started_at, row.answered_at
        stored.abandoned, stored.imported_at = row.abandoned, now
        report.updated += 1
    if added:
        db.session.execute(DeskContact.__table__.insert(), added)


def _import(channel_name: str, data: bytes | str | Path, source: str, now: datetime | None) -> ContactImportReport:
    channel = CHANNELS[channel_name]
    now = now or utcnow()
    frame = read_table(data, source)
    frame.columns = header_names(list(frame.columns))
    require_columns(frame, channel.columns, source, _WHAT[channel_name])
    columns = {name: cells(frame, name) for name in channel.all_columns}
    rows = parse_contacts(channel, columns, _school_ids(urns_named(columns["urn"])), now, source, FIRST_DATA_ROW)
    report = ContactImportReport(channel_name, ignored_columns=[c for c in frame.columns
                                                                if c not in channel.all_columns])
    _save(channel_name, rows, now, report)
    db.session.flush()
    audit.record("import", "DeskContact", "-", f"{channel_name} import from {source}: {report.summary()}")
    db.session.commit()
    return report


def import_calls(data: bytes | str | Path, source: str = "call log", now: datetime | None = None
                 ) -> ContactImportReport:
    """The telephony system's call log (§11.1 calls answered within the version's seconds); all or nothing;
    re-importing updates a call by its reference (else its time and URN)."""
    return _import("call", data, source, now)


def import_emails(data: bytes | str | Path, source: str = "email log", now: datetime | None = None
                  ) -> ContactImportReport:
    """The desk mailbox's log (§11.1 emails replied to within the version's business days); all or nothing."""
    return _import("email", data, source, now)


def contact_count(channel: str) -> int:
    """How many calls (or emails) are stored, for the import pages."""
    return db.session.scalar(select(func.count(DeskContact.id)).where(DeskContact.channel == channel)) or 0


def _names(ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    found: dict[int, tuple[int, str]] = {}
    for chunk in chunked(sorted(set(ids))):
        found.update((i, (urn, name)) for i, urn, name in db.session.execute(
            select(School.id, School.urn, School.name).where(School.id.in_(chunk))))
    return found


def contact_standards(school_id: int | None, period: Period, now: datetime, tables: TargetTables,
                      calendar: ServiceDeskCalendar) -> StandardsReport:
    """§11.1 calls and emails that came in during *period* (of one school, or all, with each
    school's figures), each against its school's version's standard; one query for the contacts."""
    lo, hi = period.utc_bounds()
    query = (select(DeskContact.channel, DeskContact.school_id, DeskContact.started_at, DeskContact.answered_at,
                    DeskContact.abandoned)
             .where(DeskContact.started_at >= lo, DeskContact.started_at < hi))
    if school_id is not None:
        query = query.where(DeskContact.school_id == school_id)
    contacts = [Contact(*row) for row in db.session.execute(query)]

    def standards_for(school: int | None, day):  # a caller not known: the default version's
        return (tables.for_ticket(school, day) if school is not None else tables.default).kpi

    schools = None if school_id is not None else _names(c.school_id for c in contacts if c.school_id)
    return measure_contacts(contacts, standards_for, period.months(), now, calendar, schools)
