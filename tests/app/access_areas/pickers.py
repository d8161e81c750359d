"""The pickers' suggestions (issue #30): staff who type a school, invoice or trust in a form or filter."""
from __future__ import annotations

STAFF = {"admin", "sla", "finance"}

EXPECTED = {"pickers.schools": STAFF, "pickers.invoices": STAFF, "pickers.trusts": STAFF}
