"""Access to bringing a retired service back (issue #30): the SLA team (and admin), as retiring it."""
from __future__ import annotations

EXPECTED = {"catalogue.reinstate_service": {"admin", "sla"}}
