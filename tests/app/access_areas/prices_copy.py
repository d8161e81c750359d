"""Access to next year's price list (issue #30): the SLA team (and admin) makes it; every staff role
that reads price lists can download one in the import's format."""
from __future__ import annotations

EXPECTED = {
    "catalogue.copy_prices": {"admin", "sla"},
    "catalogue.export_prices": {"admin", "sla", "finance"},
}
