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
    status = fields.String(required=True, metadata={"description": "GIAS EstablishmentStatus: Open, Closed, "
                                                                   "\"Open, but proposed to close\", \"Proposed to open\"."})
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


class LinkedSchoolSchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "As GIAS's links file names it, else the register's "
                                                                 "name, else empty."})
    link_type = fields.String(required=True, metadata={
        "description": "As GIAS spells it: Predecessor, Successor, \"Successor - merged\", \"Result of "
                       "Amalgamation\", ..."})
    established_on = fields.Date(required=True, allow_none=True, metadata={"description": "GIAS's "
                                                                                        "LinkEstablishedDate."})


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
    opened_on = fields.Date(required=True, allow_none=True, metadata={"description": "GIAS OpenDate."})
    open_reason = fields.String(required=True, metadata={"description": "GIAS ReasonEstablishmentOpened; "
                                                                        "empty when not applicable."})
    closed_on = fields.Date(required=True, allow_none=True, metadata={
        "description": "GIAS CloseDate (a proposed date while the status is \"Open, but proposed to close\")."})
    close_reason = fields.String(required=True, metadata={"description": "GIAS ReasonEstablishmentClosed, e.g. "
                                                                         "\"Academy converter\"; empty when not applicable."})
    predecessors = fields.List(fields.Nested(LinkedSchoolSchema), required=True, metadata={
        "description": "Schools this one succeeds (GIAS links file, read from both ends)."})
    successors = fields.List(fields.Nested(LinkedSchoolSchema), required=True, metadata={
        "description": "Schools that succeed this one; only proposed while change_proposed is true."})
    change_proposed = fields.Boolean(required=True, metadata={
        "description": "\"Open, but proposed to close\" with a successor: an upcoming change, not acted on."})


class SchoolPageSchema(PageSchema):
    items = fields.List(fields.Nested(SchoolSchema), required=True)
