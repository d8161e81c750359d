"""The service desk (SLA §5-7, §11.1): load -> the pure ``servicedesk`` package -> save, one job a module:

- ``tickets``: the ticket log import and the SLA performance reports (§5.3-5.4, §6.2-6.6, §7.2);
- ``standards``: the call and email logs and their §11.1 figures in those reports;
- ``mir``: §6.5 Major Incident Reports attached, or why none was produced.

The names below are the package's front door (``from contracts_app.services import servicedesk as
service``); the package's own modules import each other directly.
"""
from contracts_app.services.servicedesk.tickets import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    ActionRefused,
    Period,
    TicketImportReport,
    agreement_targets,
    find_school,
    import_tickets,
    measured_tickets,
    school_by_urn,
    school_report,
    schools_of,
    schools_page,
    service_report,
    ticket_count,
)

__all__ = [
    "COLUMNS", "OPTIONAL_COLUMNS", "ActionRefused", "Period", "TicketImportReport", "agreement_targets",
    "find_school", "import_tickets", "measured_tickets", "school_by_urn", "school_report", "schools_of",
    "schools_page", "service_report", "ticket_count",
]
