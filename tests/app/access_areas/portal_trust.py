"""Access to a trust user's round page in the portal (issue #29): school users and admin pass the
role check; a user with no trust (admin, a user of one school) is sent back to its portal (302),
so it sees nothing of a trust. Trust users per role: tests/trusts/test_round.py."""
from __future__ import annotations

EXPECTED = {
    "portal.trust": {"admin", "school"},
    "portal.trust_accept": {"admin", "school"},
}
