"""Access to the trust's statement of account (issue #29): staff who read statements (finance, SLA
team, admin), and a trust's own users; a school user of one school is 404 (TRUST_SCOPED), as is a
user of another trust (tests/trusts/test_statement_doors.py)."""
from __future__ import annotations

ALLOWED = {"admin", "sla", "finance", "school"}
EXPECTED = {
    "trusts.statement.show": ALLOWED,
    "trusts.statement.pdf": ALLOWED,
}
# The URL names a trust: a school user not scoped to that trust gets 404 (the trust comes from
# the trusts area's world).
TRUST_SCOPED = set(EXPECTED)
