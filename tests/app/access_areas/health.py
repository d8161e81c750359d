"""Health answers: open to anyone, signed in or not (load balancers carry no session)."""
from __future__ import annotations

ANY = {"admin", "sla", "finance", "school"}

EXPECTED = {"health.healthz": ANY, "health.readyz": ANY}
PUBLIC = {"health.healthz", "health.readyz"}
