"""Invoices on the wire: the list's filters, an invoice with its lines, payments.

Field names are the finance export's columns (DESIGN §4) where the two overlap.
"""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from invoices import bounds
from pricing.errors import ActionRefused

from contracts_app.api.schemas.common import (
    MAX_ID,
    YEARS,
    Day,
    Money,
    MoneyIn,
    PageArgs,
    PageSchema,
    Quantity,
    Rate,
    Text,
)


class InvoiceArgs(PageArgs):
    year = fields.Integer(validate=YEARS, metadata={"description": "SLA year by its start: 2025 is 2025-26."})
    term = fields.String(validate=validate.OneOf(("summer", "autumn")))
    status = fields.String(validate=validate.OneOf(("unpaid", "part_paid", "paid", "credited", "overdue",
                                                    "outstanding")),
                           metadata={"description": "outstanding: every invoice with a balance, part-paid included."})
    kind = fields.String(validate=validate.OneOf(("invoice", "credit_note")))
    urn = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "One school's."})
    run = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                         metadata={"description": "The invoices one invoice run raised, whatever their terms."})
    q = Text(validate=validate.Length(max=100),
             metadata={"description": "Part of the customer's name, an invoice number or a URN."})
    trust = Text(validate=validate.Length(min=1, max=20), metadata={
        "description": "A trust's GIAS code: the invoices that are its (issue #29), those on its statement: "
                       "issued while their school was its academy. An unknown code is 404."})


class InvoiceLineSchema(Schema):
    position = fields.Integer(required=True)
    service_code = fields.String(required=True)
    description = fields.String(required=True)
    explanation = fields.String(required=True)
    quantity = Quantity(required=True)
    unit_price = Rate(required=True)
    net = Money(required=True)
    vat_code = fields.String(required=True)
    vat_rate = Rate(required=True, metadata={"example": "0.20"})


class InvoiceSchema(Schema):
    invoice_number = fields.String(required=True, metadata={"example": "INV-2025-000001"})
    kind = fields.String(required=True, validate=validate.OneOf(("invoice", "credit_note")))
    school_urn = fields.Integer(required=True)
    school_name = fields.String(required=True)
    customer_type = fields.String(required=True)
    sla_year = fields.String(required=True, metadata={"example": "2025-26"})
    term = fields.String(required=True, allow_none=True)
    period_start = fields.Date(required=True, allow_none=True)
    period_end = fields.Date(required=True, allow_none=True)
    issue_date = fields.Date(required=True)
    due_date = fields.Date(required=True)
    invoice_net = Money(required=True)
    invoice_vat = Money(required=True)
    invoice_gross = Money(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ("unpaid", "part_paid", "paid", "credited", "credit_note")))
    overdue = fields.Boolean(required=True)
    paid = Money(required=True)
    credited = Money(required=True, metadata={"description": "Gross of the credit notes against it."})
    outstanding = Money(required=True)
    po_number = fields.String(required=True)
    description = fields.String(required=True)
    agreement_id = fields.Integer(required=True, allow_none=True)
    trust_code = fields.String(required=True, allow_none=True, metadata={
        "description": "The trust the invoice is the trust's of: its school was that trust's academy on the "
                       "invoice's date (GIAS code); null for none."})
    trust_name = fields.String(required=True, allow_none=True, metadata={"description": "That trust's name."})
    trust_billing = fields.String(required=True, allow_none=True, validate=validate.OneOf(
        ("per_academy", "consolidated")), metadata={
        "description": "How the trust was billed: per_academy (addressed to the trust, for its academy) or "
                       "consolidated (one invoice for its academies); null when addressed to the school."})
    credited_invoice_number = fields.String(required=True, allow_none=True,
                                            metadata={"description": "For a credit note: the invoice it credits."})
    credits_invoice = fields.String(required=True, metadata={
        "description": "The finance export's column: the invoice a credit note credits, empty for an invoice."})
    lines = fields.List(fields.Nested(InvoiceLineSchema), required=True)


class PaymentSchema(Schema):
    paid_on = fields.Date(required=True)
    amount = Money(required=True)
    reference = fields.String(required=True)


class PaymentEntrySchema(PaymentSchema):
    """A payment as recorded, or the reversing entry of one (a negative amount naming it)."""

    id = fields.Integer(required=True, metadata={"description": "What `POST /payments/{id}/reversal` takes."})
    method = fields.String(required=True, validate=validate.OneOf(("manual", "import", "reversal")))
    reversed = fields.Boolean(required=True, metadata={"description": "True once a reversing entry names it."})
    reverses_payment_id = fields.Integer(required=True, allow_none=True,
                                         metadata={"description": "For a reversing entry: the payment it reverses."})
    reason = fields.String(required=True, metadata={"description": "Why it was reversed (reversing entries)."})


class InvoiceDetailSchema(InvoiceSchema):
    payments = fields.List(fields.Nested(PaymentEntrySchema), required=True,
                           metadata={"description": "Payments and reversing entries, oldest first."})
    credit_notes = fields.List(fields.String(), required=True,
                               metadata={"description": "Numbers of the credit notes against it."})


class InvoicePageSchema(PageSchema):
    items = fields.List(fields.Nested(InvoiceSchema), required=True)


def _amount(value: Decimal) -> bool:
    """invoices.bounds.amount, the one amount check every door calls."""
    try:
        bounds.amount(value, "the amount")
    except ActionRefused as exc:
        raise ValidationError(exc.message) from None
    return True


class PaymentRequestSchema(Schema):
    amount = MoneyIn(required=True, validate=_amount,
                     metadata={"description": "More than 0 and no more than is outstanding."})
    paid_on = Day(required=True)
    reference = Text(load_default="", validate=validate.Length(max=120))


class PaymentResultSchema(PaymentSchema):
    invoice_number = fields.String(required=True)
    status = fields.String(required=True)
    paid = Money(required=True, metadata={"description": "All payments on the invoice so far."})
    outstanding = Money(required=True)


class PaymentListArgs(Schema):
    invoice = Text(validate=validate.Length(max=20), metadata={"description": "Only this invoice's payments."})
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=10_000))


class PaymentEntryListedSchema(PaymentEntrySchema):
    invoice_number = fields.String(required=True)
    school_urn = fields.Integer(required=True)


class PaymentListSchema(Schema):
    items = fields.List(fields.Nested(PaymentEntryListedSchema), required=True)


class ReversalRequestSchema(Schema):
    reason = Text(required=True, multiline=True, not_blank=True, validate=validate.Length(min=1, max=500),
                  metadata={"description": "Why the payment is reversed (audited)."})
    reversed_on = Day(load_default=None, metadata={"description": "The reversal's date; today if not given."})


class ReversalResultSchema(PaymentEntryListedSchema):
    status = fields.String(required=True)
    paid = Money(required=True, metadata={"description": "What the invoice has been paid, net of reversals."})
    outstanding = Money(required=True)
