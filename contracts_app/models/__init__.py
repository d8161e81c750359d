"""All models, imported in one place so Alembic sees the whole schema."""
from contracts_app.models.adhoc import REQUEST_KINDS, REQUEST_STATUSES, AdHocRequest, TimeEntry
from contracts_app.models.agreement import (
    STATUSES,
    Agreement,
    AgreementCharge,
    AgreementLine,
    CancellationNotice,
)
from contracts_app.models.audit import AuditEvent
from contracts_app.models.blob import Blob
from contracts_app.models.sla_template import SlaTemplate
from contracts_app.models.ticket import TICKET_TYPES, DeskContact, MajorIncidentReport, Ticket, TicketSuspension
from contracts_app.models.invoice import KINDS, Invoice, InvoiceLine, InvoiceRun, NumberSeries, Payment
from contracts_app.models.outbox import CONCERNS, OUTBOX_STATES, OutboxAttachment, OutboxMessage
from contracts_app.models.catalogue import LIST_NAMES, LISTS, PriceList, PriceListEntry, Service
from contracts_app.models.school import (
    CUSTOMER_TYPES,
    CensusFigure,
    KeyStakeholder,
    School,
    SchoolGroup,
    SchoolLink,
    school_group_members,
)
from contracts_app.models.user import ROLES, ApiToken, User
from contracts_app.models.round import (
    OFFER_STATES,
    BuyingRound,
    Offer,
    OfferAcceptance,
    OfferDecline,
    OfferLine,
    OfferReminder,
)
from contracts_app.models.job import JOB_STATES, Job, JobChunk, JobConsumer
from contracts_app.models.rate_limit import RateLimitCounter
from contracts_app.models.register import RegisterChange
from contracts_app.models.trust import Trust, TrustContact, TrustMembership

__all__ = [
    "AdHocRequest", "REQUEST_KINDS", "REQUEST_STATUSES", "SlaTemplate", "TICKET_TYPES", "Ticket", "DeskContact", "MajorIncidentReport",
    "TicketSuspension", "TimeEntry",
    "Invoice", "InvoiceLine", "InvoiceRun", "KINDS", "NumberSeries", "Payment",
    "Agreement", "AgreementCharge", "AgreementLine", "CancellationNotice", "STATUSES",
    "ApiToken", "AuditEvent", "Blob", "LISTS", "LIST_NAMES", "PriceList", "PriceListEntry", "Service", "CUSTOMER_TYPES", "CensusFigure", "KeyStakeholder", "ROLES",
    "School", "SchoolGroup", "SchoolLink", "User", "school_group_members",
    "CONCERNS", "OUTBOX_STATES", "OutboxAttachment", "OutboxMessage",
    "BuyingRound", "OFFER_STATES", "Offer", "OfferAcceptance", "OfferDecline", "OfferLine", "OfferReminder",
    "JOB_STATES", "Job", "JobChunk", "JobConsumer",
    "RateLimitCounter", "RegisterChange", "Trust", "TrustContact", "TrustMembership",
]
