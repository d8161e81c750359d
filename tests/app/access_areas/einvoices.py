"""Access to issue #32's e-invoice pages: the UBL download beside the PDF (a school user's own
invoices only: another school's is 404), the run check and its ZIP job finance's."""
from __future__ import annotations

ANY = {"admin", "sla", "finance", "school"}

EXPECTED = {"invoicing.ubl_file": ANY, "invoicing.einvoice_check": {"admin", "finance"}}
SCHOOL_SCOPED = {"invoicing.ubl_file"}
