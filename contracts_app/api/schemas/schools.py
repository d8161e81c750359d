"""Schools on the wire: the list's filters, a school, its stakeholders and census figures."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts_app.api.schemas.common import PageArgs, PageSchema, Text


class SchoolArgs(PageArgs):
    q = Text(validate=validate.Length(max=100),
             metadata={"description": "Part of the name, the URN or the start of the postcode."})
    customer_type = fields.String(validate=validate.OneOf(("maintained", "academy")))


class SchoolSchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True)
    customer_type = fields.String(required=True, validate=validate.OneOf(("maintained", "academy")),
                                  metadata={"description": "SLA §3: maintained by this council, or academy."})
    establishment_type = fields.String(required=True)
    phase = fields.String(required=True)
    status = fields.String(required=True)
    la_code = fields.Integer(required=True)
    la_name = fields.String(required=True)
    town = fields.String(required=True)
    postcode = fields.String(required=True)


class StakeholderSchema(Schema):
    name = fields.String(required=True)
    role = fields.String(required=True)
    email = fields.String(required=True)
    phone = fields.String(required=True)


class CensusSchema(Schema):
    census = fields.String(required=True, metadata={"description": "YYYY-01 (January) or YYYY-10 (October)."})
    pupils = fields.Integer(required=True)
    source = fields.String(required=True, metadata={"description": "census, or override (entered by hand)."})


class SchoolDetailSchema(SchoolSchema):
    street = fields.String(required=True)
    telephone = fields.String(required=True)
    head_name = fields.String(required=True)
    gias_pupils = fields.Integer(required=True, allow_none=True)
    customer_type_derived = fields.String(required=True)
    customer_type_override = fields.String(required=True, allow_none=True)
    key_stakeholders = fields.List(fields.Nested(StakeholderSchema), required=True)
    census = fields.List(fields.Nested(CensusSchema), required=True)
    groups = fields.List(fields.String(), required=True, metadata={"description": "Groups of schools it is in."})


class SchoolPageSchema(PageSchema):
    items = fields.List(fields.Nested(SchoolSchema), required=True)
