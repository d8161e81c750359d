"""Ad hoc work charged by the hour (SLA §2.6, §7.2-7.4, §9.4-9.5), one job a module:

- ``rates``: the published ad hoc rates per SLA year and customer type;
- ``lifecycle``: creating, estimating, authorising, declining, booking time, completing;
- ``charges``: what the booked time comes to, today or as invoiced;
- ``queries``: one request, its page, the lists and counts;
- ``documents``: the estimate (§7.3) and the §9.5 rework report, as data and PDFs;
- ``attachments``: the §9.5 report printed after a rework invoice;
- ``time_log``: the service desk's time log import;
- ``requests_import``: requests raised in the call-logging system, created, estimated and
  authorised by ``lifecycle``, all or nothing.

The names below are the package's front door for callers that want the whole of it
(the demo, tests); the package's own modules import each other directly.
"""
from contracts_app.services.adhoc.charges import Charge, charge, invoice_of
from contracts_app.services.adhoc.documents import estimate_document, estimate_pdf, report_pdf, rework_report
from contracts_app.services.adhoc.lifecycle import (
    AdhocRefused,
    authorise,
    complete,
    create_request,
    decline,
    delete_time,
    find,
    log_time,
    set_estimate,
    update_details,
)
from contracts_app.services.adhoc.time_log import TimeLogReport, import_time_log

__all__ = [
    "AdhocRefused", "Charge", "TimeLogReport", "authorise", "charge", "complete", "create_request", "decline",
    "delete_time", "estimate_document", "estimate_pdf", "find", "import_time_log", "invoice_of", "log_time",
    "report_pdf", "rework_report", "set_estimate", "update_details",
]
