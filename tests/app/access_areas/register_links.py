"""Access to GIAS's links file upload (issue #28): the SLA team and admin only."""
from __future__ import annotations

EXPECTED = {
    "schools.import_links": {"admin", "sla"},
}
