"""Register changes (issue #28): the SLA team's pages (admin too); finance and schools get 403."""
from __future__ import annotations

from datetime import date, datetime, timezone

from contracts_app.extensions import db
from contracts_app.models import Agreement, School

EXPECTED = {
    "schools.changes.index": {"admin", "sla"},
    "schools.changes.confirm": {"admin", "sla"},
    "schools.changes.apply_all": {"admin", "sla"},
}


def world(own, other) -> dict:
    """A third school GIAS has closed, with an issued agreement: the change the confirm page names."""
    closed = School(urn=333333, name="Closed School", establishment_type="Community school", la_code=141,
                    la_name="Coventry", postcode="CV1 1AA", status="Closed", closed_on=date(2026, 11, 30), close_reason="Closure",
                    customer_type_derived="maintained")
    closed.refresh_derived_fields()
    agreement = Agreement(sla_year=2026, school=closed, status="active", term_start=date(2026, 4, 1),
                          term_end=date(2027, 3, 31), customer_type="maintained",
                          issued_at=datetime.now(timezone.utc))
    db.session.add_all([closed, agreement])
    db.session.commit()
    return {"change_id": agreement.id}
