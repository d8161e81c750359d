"""Pure-Python invoicing rules: schedules, pro rata, rounding, VAT, numbering,
credit notes, ad hoc charges and due dates. No Flask or SQLAlchemy here."""

from invoices.allocation import AllocationError, allocate_line, exact_share, line_total, prorated_amount
from invoices.credit import CreditRefused, CreditRequest, check_credit, full_credit
from invoices.due import (
    AGE_BUCKETS,
    DEFAULT_PAYMENT_TERMS_DAYS,
    PAYMENT_STATUSES,
    age_bucket,
    due_date,
    is_overdue,
    outstanding,
    payment_status,
)
from invoices.money import PENNY, format_gbp, require_pennies, round_half_up
from invoices.numbering import KINDS, PREFIXES, NumberError, format_number, parse_number
from invoices.proration import months_between, overlap
from invoices.schedule import (
    CUSTOMER_TYPES,
    TERMS,
    BillingPeriod,
    ScheduleError,
    billing_periods,
    period_for,
    schedule_description,
)
from invoices.vat import VAT_RATES, InvoiceTotals, VatBreakdown, VatError, invoice_totals, vat_summary

__all__ = [
    "AGE_BUCKETS",
    "CUSTOMER_TYPES",
    "DEFAULT_PAYMENT_TERMS_DAYS",
    "VAT_RATES",
    "KINDS",
    "PAYMENT_STATUSES",
    "PENNY",
    "PREFIXES",
    "TERMS",
    "AllocationError",
    "BillingPeriod",
    "CreditRefused",
    "CreditRequest",
    "InvoiceTotals",
    "NumberError",
    "ScheduleError",
    "VatBreakdown",
    "VatError",
    "age_bucket",
    "allocate_line",
    "billing_periods",
    "check_credit",
    "due_date",
    "exact_share",
    "format_gbp",
    "format_number",
    "full_credit",
    "invoice_totals",
    "is_overdue",
    "line_total",
    "months_between",
    "outstanding",
    "overlap",
    "parse_number",
    "payment_status",
    "period_for",
    "prorated_amount",
    "require_pennies",
    "round_half_up",
    "schedule_description",
    "vat_summary",
]
