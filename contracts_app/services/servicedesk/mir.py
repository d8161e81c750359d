"""§6.5 Major Incident Reports: the SLA team attaches a major incident's MIR (a PDF) or records
why none was produced; the school sees its own in the portal (its report page).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import MajorIncidentReport, School, Ticket
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.bounds import MAX_INT
from contracts_app.services.imports import chunked
from contracts_app.services.transactions import refusal_rolls_back
from pricing.errors import ActionRefused
from pricing.text import printable
from servicedesk.major_incidents import is_major
from servicedesk.major_log import read_history

__all__ = ["MAX_MIR_BYTES", "MirStatus", "attach_mir", "find_ticket", "mir_file", "mir_statuses", "no_mir",
           "ticket_by_id"]

MAX_MIR_BYTES = 20 * 1024 * 1024  # a report of a few pages with screenshots
MAX_REASON = 1000


@dataclass(frozen=True)
class MirStatus:
    """Whether a major incident's MIR was shared (``mir_id`` of the PDF) or why none was produced."""

    mir_id: int
    shared: bool
    reason: str
    recorded_at: datetime


def ticket_by_id(ticket_id: int) -> Ticket | None:
    return db.session.get(Ticket, ticket_id) if 0 < ticket_id <= MAX_INT else None


def find_ticket(reference: str) -> Ticket:
    """The ticket with this reference, or ActionRefused naming it."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is None:
        raise ActionRefused(f"no ticket with reference {reference!r}")
    return ticket


def _major(ticket: Ticket) -> None:
    if ticket.type != "incident" or not is_major(ticket.priority, read_history(ticket.priority_history),
                                                 ticket.major):
        raise ActionRefused(f"ticket {ticket.reference} is not a major incident (a P1 or P2, or one the log marks "
                            "major): it has no Major Incident Report (§6.5)")


def _record(ticket: Ticket) -> MajorIncidentReport:
    found = db.session.scalar(select(MajorIncidentReport).where(MajorIncidentReport.ticket_id == ticket.id))
    if found is None:
        found = MajorIncidentReport(ticket=ticket)
        db.session.add(found)
    return found


@refusal_rolls_back
def attach_mir(ticket: Ticket, data: bytes, file_name: str, by: str) -> MajorIncidentReport:
    """Attach the MIR PDF (replacing any earlier one or a recorded reason); audited."""
    _major(ticket)
    if not data.startswith(b"%PDF-"):
        raise ActionRefused(f"{printable(file_name, 120)} is not a PDF: attach the Major Incident Report as a PDF")
    if len(data) > MAX_MIR_BYTES:
        raise ActionRefused(f"{printable(file_name, 120)} is over {MAX_MIR_BYTES // (1024 * 1024)} MB")
    mir = _record(ticket)
    mir.pdf, mir.file_name, mir.sha256 = data, printable(file_name, 120), hashlib.sha256(data).hexdigest()
    mir.reason, mir.recorded_by, mir.recorded_at = "", by, utcnow()
    db.session.flush()
    audit.record("update", "MajorIncidentReport", mir.id, f"MIR for ticket {ticket.reference} attached: "
                                                          f"{mir.file_name} (SHA-256 {mir.sha256[:12]}…) by {by}")
    db.session.commit()
    return mir


@refusal_rolls_back
def no_mir(ticket: Ticket, reason: str, by: str) -> MajorIncidentReport:
    """Record why no MIR was produced (replacing any attached PDF); audited."""
    _major(ticket)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionRefused("say why no Major Incident Report was produced")
    if len(reason) > MAX_REASON:
        raise ActionRefused(f"the reason is {len(reason)} characters long: at most {MAX_REASON}")
    mir = _record(ticket)
    mir.pdf, mir.file_name, mir.sha256 = None, "", ""
    mir.reason, mir.recorded_by, mir.recorded_at = reason, by, utcnow()
    db.session.flush()
    audit.record("update", "MajorIncidentReport", mir.id, f"no MIR for ticket {ticket.reference}: {reason} (by {by})")
    db.session.commit()
    return mir


def mir_statuses(ticket_ids: Iterable[int]) -> dict[int, MirStatus]:
    """Ticket id -> its MIR's status, for the report's major incidents (in chunks, no PDF loaded)."""
    found: dict[int, MirStatus] = {}
    for chunk in chunked(sorted(set(ticket_ids))):
        for row in db.session.execute(select(MajorIncidentReport.id, MajorIncidentReport.ticket_id,
                                             MajorIncidentReport.sha256, MajorIncidentReport.reason,
                                             MajorIncidentReport.recorded_at)
                                      .where(MajorIncidentReport.ticket_id.in_(chunk))):
            found[row.ticket_id] = MirStatus(row.id, bool(row.sha256), row.reason, row.recorded_at)
    return found


def mir_file(mir_id: int) -> tuple[MajorIncidentReport, School] | None:
    """A MIR with a PDF and its ticket's school (the view applies the school-access rule), or None."""
    if not 0 < mir_id <= MAX_INT:
        return None
    mir = db.session.get(MajorIncidentReport, mir_id)
    if mir is None or not mir.sha256:
        return None
    return mir, mir.ticket.school
