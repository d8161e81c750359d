"""Access to the SLA performance reports: staff see every school's and the whole service's;
a school user its own school's only (another school's is 404)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from contracts_app.extensions import db
from contracts_app.models import DeskContact, MajorIncidentReport, Ticket, TicketSuspension

STAFF_READ = {"admin", "sla", "finance"}
ANY = STAFF_READ | {"school"}

EXPECTED = {
    "reports.index": STAFF_READ,
    "reports.service_chart": STAFF_READ,
    "reports.service_csv": STAFF_READ,
    "reports.school": ANY,
    "reports.school_chart": ANY,
    "reports.school_pdf": ANY,
    "reports.school_csv": ANY,
    "reports.portal": {"admin", "school"},
    "reports.import_tickets": {"admin", "sla"},
    "reports.import_calls": {"admin", "sla"},
    "reports.import_emails": {"admin", "sla"},
    "reports.service_standards_csv": STAFF_READ,
    "reports.ticket_mir": {"admin", "sla"},
    "reports.mir_pdf": ANY,
    "reports.school_standards_csv": ANY,
}
SCHOOL_SCOPED = {"reports.school", "reports.school_chart", "reports.school_pdf", "reports.school_csv",
                 "reports.school_standards_csv", "reports.mir_pdf"}


def world(own, other) -> dict:
    """A ticket or two per school, so every report page has something to render."""
    logged = datetime.now(timezone.utc) - timedelta(days=3)
    for school in (own, other):
        db.session.add(Ticket(reference=f"T-{school.urn}-1", school=school, type="incident", priority=3,
                              summary="Printer offline", logged_at=logged, resolved_at=logged + timedelta(hours=5)))
        db.session.add(Ticket(reference=f"T-{school.urn}-2", school=school, type="service_request", priority=None,
                              summary="New starter", logged_at=logged, suspensions=[
                                  TicketSuspension(start=logged + timedelta(hours=1))]))
        db.session.add(DeskContact(channel="call", key=f"ref:C-{school.urn}", school=school, started_at=logged,
                                   answered_at=logged + timedelta(seconds=30)))
        db.session.add(DeskContact(channel="email", key=f"ref:M-{school.urn}", school=school, started_at=logged))
    db.session.commit()
    # A major incident with its MIR per school: the MIR URLs name each school's own.
    ids, mirs = {}, {}
    for school in (own, other):
        ticket = Ticket(reference=f"MAJOR-{school.urn}", school=school, type="incident", priority=1, summary="",
                        logged_at=logged, resolved_at=logged + timedelta(hours=2))
        mir = MajorIncidentReport(ticket=ticket, pdf=b"%PDF-1.4 test", file_name="mir.pdf", sha256="0" * 64)
        db.session.add_all([ticket, mir])
        db.session.flush()
        ids[school.urn], mirs[school.urn] = ticket.id, mir.id
    db.session.commit()
    return {"ticket_id": ids, "mir_id": mirs}
