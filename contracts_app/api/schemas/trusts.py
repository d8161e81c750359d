"""Trusts on the wire (issue #29): the list's filter, a trust with its academies and balances."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from register.trusts import BILLING

from contracts_app.api.schemas.common import Money, PageArgs, PageSchema, Text


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
