"""A trust's statement of account on the wire (issue #29): the trust's balance, and per academy its
balance and the lines of its account, as the statement page shows them."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from invoices.due import AGE_BUCKETS
from invoices.statement import KINDS

from contracts_app.api.schemas.common import Money


class TrustStatementArgs(Schema):
    as_of = fields.Date(metadata={"description": "The statement's date (YYYY-MM-DD); today when left out."})


class StatementLineSchema(Schema):
    date = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    reference = fields.String(required=True, metadata={"description": "The document's number, or the payment's "
                                                                      "reference."})
    invoice_number = fields.String(required=True, metadata={"description": "The invoice the line belongs to."})
    debit = Money(required=True)
    credit = Money(required=True)
    balance = Money(required=True, metadata={"description": "The academy's running balance after this line."})


class AcademyStatementSchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True)
    balance = Money(required=True, metadata={"description": "What the academy owes on the trust's account."})
    overdue = Money(required=True)
    lines = fields.List(fields.Nested(StatementLineSchema), required=True)


class ConsolidatedStatementSchema(Schema):
    balance = Money(required=True, metadata={"description": "What the trust owes on its consolidated invoices."})
    overdue = Money(required=True)
    lines = fields.List(fields.Nested(StatementLineSchema), required=True)


# What is owed per aged-debt bucket ("current": not yet due); the buckets' names are not identifiers.
AgeingSchema = Schema.from_dict({bucket: Money(required=True) for bucket in AGE_BUCKETS}, name="AgeingSchema")


class TrustStatementSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    as_of = fields.Date(required=True)
    balance = Money(required=True, metadata={
        "description": "The sum of the academies' balances and the consolidated invoices' balance, to the penny."})
    overdue = Money(required=True)
    overdue_count = fields.Integer(required=True)
    ageing = fields.Nested(AgeingSchema, required=True)
    academies = fields.List(fields.Nested(AcademyStatementSchema), required=True, metadata={
        "description": "Today's academies, and past ones with invoices issued while they were members."})
    consolidated = fields.Nested(ConsolidatedStatementSchema, required=True, allow_none=True, metadata={
        "description": "The trust's own account: its consolidated invoices (one per run for every academy's lines), "
                       "their credit notes and payments; null when it has none. No academy's balance holds them."})
