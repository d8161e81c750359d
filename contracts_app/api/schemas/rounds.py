"""The buying round on the wire: offers, their priced lines and invoice schedule, basket edits,
acceptance and decline."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from contracts_app.api.schemas.common import YEARS, Flag, Money, PageArgs, PageSchema, Quantity, Text
from contracts_app.models import OFFER_STATES
from contracts_app.models.catalogue import LISTS
from rounds.rules import OUTCOMES


class OfferArgs(PageArgs):
    year = fields.Integer(required=True, validate=YEARS,
                          metadata={"description": "The round's SLA year by the year it starts: 2027 is 2027-28."})
    state = fields.String(validate=validate.OneOf(OFFER_STATES), metadata={"description": "Staff: one state only."})
    trust = Text(validate=validate.Length(min=1, max=20), metadata={
        "description": "A trust's GIAS code: only the offers to its academies of today (issue #29)."})


class OfferLineSchema(Schema):
    service_code = fields.String(required=True)
    title = fields.String(required=True)
    list = fields.String(required=True, metadata={"description": "subscribed, additional, excluded, or available "
                                                                  "(a catalogue service not in the basket)"})
    quantity = Quantity(required=True)
    annual_price = Money(required=True, allow_none=True)
    explanation = fields.String(required=True)
    vat_code = fields.String(required=True, allow_none=True)
    problem = fields.String(required=True, metadata={"description": "Why the line cannot be priced, if it cannot."})


class ScheduledInvoiceSchema(Schema):
    term = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    net = Money(required=True)
    vat = Money(required=True)
    gross = Money(required=True)


class MemberSchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True)


class OfferSummarySchema(Schema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    sla_year = fields.String(required=True)
    school_urn = fields.Integer(required=True)
    school_name = fields.String(required=True)
    trust_code = fields.String(required=True, allow_none=True, metadata={
        "description": "The trust the school is an academy of today (GIAS code); null for none."})
    group_name = fields.String(required=True, allow_none=True, metadata={
        "description": "A group sharing one agreement (§2.1): its name, and the school is the member answering "
                       "for it; null for one school's offer."})
    members = fields.List(fields.Nested(MemberSchema), required=True, metadata={
        "description": "The schools the offer covers (a group's members, each priced on its own census)."})
    state = fields.String(required=True, validate=validate.OneOf(OFFER_STATES))
    total = Money(required=True, allow_none=True, metadata={"description": "Null while it cannot be priced."})
    problem = fields.String(required=True)
    agreement_id = fields.Integer(required=True, allow_none=True)
    closes_on = fields.Date(required=True)
    accepted_total = Money(required=True, allow_none=True, metadata={
        "description": "The latest acceptance's annual total: it stands until another acceptance or a decline."})
    pending_changes = fields.Boolean(required=True, metadata={
        "description": "true when the basket changed after the acceptance and the changes are not yet accepted."})
    outcome = fields.String(required=True, allow_none=True, validate=validate.OneOf(OUTCOMES), metadata={
        "description": "What the close gave the school (null until the close)."})
    outcome_reason = fields.String(required=True, metadata={"description": "Why, where it gets no agreement."})


class OfferListSchema(PageSchema):
    items = fields.List(fields.Nested(OfferSummarySchema), required=True)


class AcceptanceSummarySchema(Schema):
    id = fields.Integer(required=True)
    accepted_at = fields.AwareDateTime(required=True)
    user_email = fields.String(required=True)
    full_name = fields.String(required=True)
    job_title = fields.String(required=True)
    total = Money(required=True)
    document_sha256 = fields.String(required=True)
    agreement_id = fields.Integer(required=True, allow_none=True)


class OfferDetailSchema(OfferSummarySchema):
    customer_type = fields.String(required=True)
    census = fields.String(required=True, allow_none=True)
    pupils = fields.Integer(required=True, allow_none=True)
    revision = fields.Integer(required=True)
    po_number = fields.String(required=True)
    lines = fields.List(fields.Nested(OfferLineSchema), required=True)
    invoice_schedule = fields.List(fields.Nested(ScheduledInvoiceSchema), required=True)
    problems = fields.List(fields.String(), required=True)
    can_accept = fields.Boolean(required=True)
    signatories = fields.String(required=True, metadata={"description": "Who may accept for the school."})
    acceptances = fields.List(fields.Nested(AcceptanceSummarySchema), required=True)


def _quantity(value) -> None:
    if value is not None and not (0 < value <= 100000):
        raise ValidationError("a quantity is more than 0 and at most 100,000")


class LineInSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the priced fields a GET returns (title, annual_price, ...) are read-only

    service_code = Text(required=True, validate=validate.Length(min=1, max=40))
    list = fields.String(required=True, validate=validate.OneOf((*LISTS, "available")), metadata={
        "description": "subscribed, additional or excluded; available (as GET shows a service not in the "
                       "basket) leaves it out"})
    # A function validator rather than Range: Range on a Decimal field puts its bounds in the
    # OpenAPI document as strings ("0.00"), which is not JSON Schema.
    quantity = fields.Decimal(load_default=None, allow_none=True, places=2, as_string=True, validate=_quantity,
                              metadata={"description": "For subscribed per-unit services; 1 when left out.",
                                        "minimum": 0.01, "maximum": 100000})


class LinesRequestSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the whole offer as GET returns it can be PUT back: only ``lines`` is read

    lines = fields.List(fields.Nested(LineInSchema), required=True, validate=validate.Length(max=500))


AUTHORISED = 'tick "I am authorised to commit this spend on behalf of the school" to accept'


class AcceptanceRequestSchema(Schema):
    name = Text(required=True, not_blank=True, validate=validate.Length(min=1, max=200),
                metadata={"description": "The signatory's full name, as typed."})
    job_title = Text(required=True, not_blank=True, validate=validate.Length(min=1, max=200))
    # Only true: the schema says so (enum), and false is refused as the page refuses it.
    authorised = Flag(required=True, validate=validate.Equal(True, error=AUTHORISED), metadata={
        "description": "true: \"I am authorised to commit this spend on behalf of the school\"."})
    po_number = Text(load_default=None, allow_none=True, validate=validate.Length(max=60))


class AcceptanceResultSchema(Schema):
    agreement_id = fields.Integer(required=True)
    document_sha256 = fields.String(required=True)
    acceptance_id = fields.Integer(required=True)
    agreement_status = fields.String(required=True)
    repeated = fields.Boolean(required=True, metadata={
        "description": "true when this basket was accepted already: nothing new was made (200)."})


class DeclineRequestSchema(Schema):
    reason = Text(required=True, multiline=True, not_blank=True, validate=validate.Length(min=1, max=2000))


class DeclineResultSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True)
    reason = fields.String(required=True)
