"""What an ad hoc invoice carries after it: the §9.5 report of a rework invoice."""
from __future__ import annotations

from contracts_app.models import Invoice
from contracts_app.services.adhoc.documents import rework_report
from invoices.adhoc_documents import report_summary


def invoice_attachments(invoice: Invoice) -> tuple[str, ...]:
    """The §9.5 report printed after a rework invoice, so the report travels with the invoice."""
    request = invoice.adhoc_request
    if invoice.kind != "invoice" or request is None or request.kind != "rework":
        return ()
    return report_summary(rework_report(request, invoice))
