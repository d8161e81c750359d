"""All models, imported in one place so Alembic sees the whole schema."""
from .adhoc import REQUEST_KINDS, REQUEST_STATUSES, AdHocRequest, TimeEntry
from .agreement import STATUSES, Agreement, AgreementCharge, AgreementLine, CancellationNotice
from .audit import AuditEvent
from .sla_template import SlaTemplate
from .ticket import TICKET_TYPES, Ticket, TicketSuspension
from .invoice import KINDS, Invoice, InvoiceLine, InvoiceRun, NumberSeries, Payment
from .catalogue import LIST_NAMES, LISTS, PriceList, PriceListEntry, Service
from .school import CUSTOMER_TYPES, CensusFigure, KeyStakeholder, School, SchoolGroup, school_group_members
from .user import ROLES, ApiToken, User

__all__ = [
    "AdHocRequest", "REQUEST_KINDS", "REQUEST_STATUSES", "SlaTemplate", "TICKET_TYPES", "Ticket",
    "TicketSuspension", "TimeEntry",
    "Invoice", "InvoiceLine", "InvoiceRun", "KINDS", "NumberSeries", "Payment",
    "Agreement", "AgreementCharge", "AgreementLine", "CancellationNotice", "STATUSES",
    "ApiToken", "AuditEvent", "LISTS", "LIST_NAMES", "PriceList", "PriceListEntry", "Service", "CUSTOMER_TYPES", "CensusFigure", "KeyStakeholder", "ROLES",
    "School", "SchoolGroup", "User", "school_group_members",
]
