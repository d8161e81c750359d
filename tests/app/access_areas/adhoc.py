"""Ad hoc work: staff manage requests, finance reads them, a school user sees and answers its own."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, TimeEntry

STAFF_READ = {"admin", "sla", "finance"}
SLA = {"admin", "sla"}
ANY = {"admin", "sla", "finance", "school"}

EXPECTED = {
    "adhoc.index": STAFF_READ,
    "adhoc.new": SLA,
    "adhoc.import_file": SLA,
    "adhoc.import_requests": SLA,
    "adhoc.portal": {"admin", "school"},
    "adhoc.show": ANY,
    "adhoc.edit": SLA,
    "adhoc.estimate": SLA,
    "adhoc.estimate_pdf": ANY,
    "adhoc.report_pdf": ANY,
    "adhoc.record_authorisation": SLA,
    "adhoc.authorise": {"admin", "school"},
    "adhoc.decline": {"admin", "sla", "school"},
    "adhoc.time": SLA,
    "adhoc.delete_time": SLA,
    "adhoc.complete": SLA,
}
SCHOOL_SCOPED = {"adhoc.show", "adhoc.estimate_pdf", "adhoc.report_pdf", "adhoc.authorise", "adhoc.decline"}


def world(own, other) -> dict:
    """A rework request per school, estimated, authorised in writing, with an hour logged."""
    requests, entries = {}, {}
    day = date.today() - timedelta(days=3)
    for school in (own, other):
        request = AdHocRequest(reference=f"SR{school.urn}", school=school, kind="rework", status="in_progress",
                               description="Put the network right", third_party="Acme AV Ltd",
                               intervention_report="Acme re-cabled the server room without approval.",
                               estimate_hours=Decimal("2"), estimate_rate=Decimal("62.00"), estimate_sla_year=2026,
                               authorised_by_name="Head", authorised_on=day, authorised_via="written")
        entry = TimeEntry(request=request, work_date=day, minutes=60, who="Tech", note="re-patched")
        db.session.add_all([request, entry])
        db.session.commit()
        requests[school.urn], entries[school.urn] = request.id, entry.id
    return {"request_id": requests, "time_entry_id": entries}
