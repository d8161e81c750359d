"""Trusts on the wire (issue #29): the list's filter, a trust with its academies and balances, and a
trust signatory's acceptance of its academies' offers."""
from __future__ import annotations

from collections import Counter

from marshmallow import Schema, ValidationError, fields, validate

from register.trusts import BILLING
from rounds.trust import MAX_OFFERS

from contracts_app.api.schemas.common import MAX_ID, Flag, Money, PageArgs, PageSchema, Text
from contracts_app.api.schemas.rounds import AUTHORISED


class TrustArgs(PageArgs):
    q = Text(validate=validate.Length(max=100), metadata={"description": "Part of the name, or the GIAS code."})


class AcademySchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True)


class TrustSchema(Schema):
    code = fields.String(required=True, metadata={"description": "GIAS group UID (`Trusts (code)`)."})
    name = fields.String(required=True)
    billing = fields.String(required=True, validate=validate.OneOf(BILLING),
                            metadata={"description": "per_academy (one invoice per academy, addressed to the "
                                                     "trust) or consolidated (one invoice per run)."})
    academies = fields.List(fields.Nested(AcademySchema), required=True,
                            metadata={"description": "The trust's academies today."})


class TrustPageSchema(PageSchema):
    items = fields.List(fields.Nested(TrustSchema), required=True)


class MembershipSchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True)
    joined_on = fields.Date(required=True, allow_none=True,
                            metadata={"description": "None: a member since before the register knew."})
    left_on = fields.Date(required=True, allow_none=True)
    source = fields.String(required=True, validate=validate.OneOf(("gias", "override")))


class AcademyBalanceSchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True)
    balance = Money(required=True, metadata={"description": "Outstanding on the invoices issued while a member."})


class TrustDetailSchema(TrustSchema):
    companies_house_number = fields.String(required=True)
    address = fields.String(required=True)
    memberships = fields.List(fields.Nested(MembershipSchema), required=True,
                              metadata={"description": "Every membership, past ones included."})
    balances = fields.List(fields.Nested(AcademyBalanceSchema), required=True)
    balance = Money(required=True, metadata={"description": "The sum of the academies' balances."})


def _each_once(ids: list[int]) -> None:
    repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if repeated:
        raise ValidationError(f"offer {', '.join(map(str, repeated))} is listed more than once")


class TrustAcceptanceRequestSchema(Schema):
    """A trust signatory accepting academies' offers in one step (all or nothing)."""

    name = Text(required=True, not_blank=True, validate=validate.Length(min=1, max=200),
                metadata={"description": "The trust signatory's full name, as typed."})
    job_title = Text(required=True, not_blank=True, validate=validate.Length(min=1, max=200))
    authorised = Flag(required=True, validate=validate.Equal(True, error=AUTHORISED), metadata={
        "description": "true: \"I am authorised to commit this spend on behalf of the school\", for each academy."})
    offer_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)), required=True,
                            validate=[validate.Length(min=1, max=MAX_OFFERS), _each_once], metadata={
                                "uniqueItems": True,
                                "description": "The academies' offers to accept (GET /offers?trust=CODE), each "
                                               "once; one that cannot be accepted refuses them all."})


class TrustAcceptanceSchema(Schema):
    offer_id = fields.Integer(required=True)
    agreement_id = fields.Integer(required=True, metadata={"description": "The academy's agreement that follows."})
    document_sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the academy's accepted PDF."})
    acceptance_id = fields.Integer(required=True)
    repeated = fields.Boolean(required=True, metadata={
        "description": "true when this academy's basket was accepted already: nothing new was made for it."})


class TrustAcceptanceResultSchema(Schema):
    acceptances = fields.List(fields.Nested(TrustAcceptanceSchema), required=True)
