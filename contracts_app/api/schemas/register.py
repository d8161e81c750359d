"""Register changes on the wire (issue #28): what GIAS implies, its consequences, applying one."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts_app.api.schemas.common import Day, Money, PageSchema, Text

STATES = ("pending", "upcoming", "applied")
KINDS = ("conversion", "merger", "amalgamation", "split", "succession", "closure")


class CreditSchema(Schema):
    invoice = fields.String(required=True, metadata={"description": "The invoice credited (INV-...)."})
    net = Money(required=True, metadata={"description": "Net credited: the months after the end (§2.7)."})
    gross = Money(required=True, metadata={"description": "With VAT, as the credit note will carry it."})


class SuccessorSchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True)
    issued = fields.Boolean(required=True, metadata={
        "description": "true: an agreement issued at the successor's prices (a conversion); false: a draft."})
    term_start = fields.Date(required=True, allow_none=True)
    term_end = fields.Date(required=True, allow_none=True)
    annual_total = Money(required=True, allow_none=True)
    term_total = Money(required=True, allow_none=True, metadata={
        "description": "What its term charges before VAT (pro rata from its start, §2.7)."})
    left_out = fields.List(fields.String(), required=True, metadata={
        "description": "Service codes with no price for the successor's customer type, left out."})
    note = fields.String(required=True)


class RegisterChangeSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The id of the predecessor's agreement it ends."})
    state = fields.String(required=True, validate=validate.OneOf(STATES), metadata={
        "description": "pending (can be applied), upcoming (GIAS only proposes it: never applied), applied."})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    urn = fields.Integer(required=True)
    school_name = fields.String(required=True)
    agreement_id = fields.Integer(required=True)
    successor_urns = fields.List(fields.Integer(), required=True)
    end_date = fields.Date(required=True, metadata={"description": "The last day of the predecessor's agreement."})
    credit_kept_owed = fields.Boolean(required=True, metadata={
        "description": "true: CONVERSION_CREDIT=false keeps the term owed (§2.5 d), nothing is credited."})
    credited = Money(required=True)
    credits = fields.List(fields.Nested(CreditSchema), required=True)
    successors = fields.List(fields.Nested(SuccessorSchema), required=True)
    consequences = fields.List(fields.String(), required=True, metadata={
        "description": "What applying does (or did), in the confirmation page's words."})
    problems = fields.List(fields.String(), required=True, metadata={
        "description": "What stops it being applied now (empty when it can be)."})
    applied_at = fields.DateTime(required=True, allow_none=True)
    applied_by = fields.String(required=True, allow_none=True)


class RegisterChangePageSchema(PageSchema):
    items = fields.List(fields.Nested(RegisterChangeSchema), required=True)


class ApplyRequestSchema(Schema):
    po_number = Text(load_default="", validate=validate.Length(max=60), metadata={
        "description": "The successor's new purchase-order number (the predecessor's is not carried over)."})
    credit_date = Day(load_default=None, allow_none=True, metadata={
        "description": "The credit notes' date (default today), within the SLA year's invoice window."})


class ApplyResultSchema(Schema):
    changed = fields.Boolean(required=True, metadata={"description": "false: applied before, nothing changed."})
    message = fields.String(required=True)
    credit_notes = fields.List(fields.String(), required=True)
    change = fields.Nested(RegisterChangeSchema, required=True)
