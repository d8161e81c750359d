"""Access to the trust pages (issue #29): staff read them, the SLA team (and admin) edit them;
a school user - a trust user included - has the portal instead (403)."""
from __future__ import annotations

from contracts_app.extensions import db
from contracts_app.models import Trust, TrustContact

STAFF_READ = {"admin", "sla", "finance"}
EXPECTED = {
    "trusts.index": STAFF_READ,
    "trusts.show": STAFF_READ,
    "trusts.details": {"admin", "sla"},
    "trusts.new_contact": {"admin", "sla"},
    "trusts.delete_contact": {"admin", "sla"},
    "trusts.override": {"admin", "sla"},
}


def world(own, other) -> dict:
    trust = Trust(code="4001", name="Access Trust", name_lower="access trust")
    trust.contacts = [TrustContact(name="Finance", role="CFO")]
    db.session.add(trust)
    db.session.commit()
    return {"trust_code": "4001", "trust_contact_id": trust.contacts[0].id}
