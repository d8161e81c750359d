"""The API's wire format: marshmallow schemas, from which the OpenAPI document is generated.

Money is always a string with two decimals ("1277.20"), never a float; rates keep
their precision (2 to 4 places). Invoice field names are the finance export's
columns (DESIGN §4) where the two overlap.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from contracts_app.models import STATUSES

CENT = Decimal("0.01")
MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
# More than 0.00 and below a billion, in plain digits: "120.00", "0.50".
MONEY_IN = re.compile(r"^([1-9][0-9]{0,8}\.[0-9]{2}|0\.(0[1-9]|[1-9][0-9]))$")
DATE_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
RATE_PATTERN = r"^-?[0-9]+\.[0-9]{2,4}$"
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
YEARS = validate.Range(min=2000, max=2100)
MAX_ID = 2_147_483_647  # the database's integer columns


# -- fields -----------------------------------------------------------------------------------

class Money(fields.Field):
    """Pounds and pence as a string with two decimals; credit notes are negative."""

    PATTERN, EXAMPLE = MONEY_PATTERN, "1277.20"

    def __init__(self, **kwargs):
        metadata = {"pattern": self.PATTERN, "example": self.EXAMPLE, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        value = Decimal(value).quantize(CENT)
        return format(value if value else Decimal("0.00"), "f")

    def _deserialize(self, value, attr, data, **kwargs):
        # A JSON number would be a float on the way in: money travels as text.
        if not isinstance(value, str) or not MONEY_IN.match(value):
            raise ValidationError('give an amount above 0 as a string of pounds with two decimals, like "120.00"')
        return Decimal(value)


class MoneyIn(Money):
    """Money a client sends: more than 0.00, up to 999,999,999.99."""

    PATTERN, EXAMPLE = MONEY_IN.pattern, "120.00"


class Quantity(Money):
    """A quantity with two decimals, as in the export ("412.00", "2.50")."""

    EXAMPLE = "30.00"


class Rate(fields.Field):
    """A rate or unit price: a string with 2 to 4 decimals ("3.10", "3.565", "0.20")."""

    def __init__(self, **kwargs):
        metadata = {"pattern": RATE_PATTERN, "example": "3.10", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        text = format(Decimal(value).quantize(Decimal("0.0001")), "f")
        whole, _, places = text.partition(".")
        places = places.rstrip("0").ljust(2, "0")
        return f"{whole}.{places}" if text.strip("-0.") else "0.00"


class Text(fields.String):
    """Text a client sends: no NUL or other control characters, valid Unicode only."""

    SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"
    MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        metadata = {"pattern": self.MULTILINE if multiline else self.SINGLE_LINE, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("not valid Unicode text") from None
        allowed = "\n\r\t" if self.multiline else ""
        if any(ord(c) < 32 and c not in allowed for c in text) or "\x7f" in text:
            raise ValidationError("control characters are not allowed")
        return text


def Day(**kwargs) -> fields.Date:  # noqa: N802 - reads like a field class
    """A calendar date (ISO 8601, YYYY-MM-DD), within 2000-2100: anything else is a typo."""
    metadata = {"pattern": DATE_PATTERN, **kwargs.pop("metadata", {})}
    return fields.Date(validate=validate.Range(min=FIRST_DAY, max=LAST_DAY), metadata=metadata, **kwargs)


# -- paging -----------------------------------------------------------------------------------

class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000),
                          metadata={"description": "Page number, from 1 (past the last page gives the last)."})
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500),
                              metadata={"description": "Items per page (1-500)."})


class PageSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Items matching the filter, on all pages."})
    pages = fields.Integer(required=True)


def page_dict(page, items: list) -> dict:
    return {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total,
            "pages": page.pages}


# -- schools ----------------------------------------------------------------------------------

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


# -- agreements -------------------------------------------------------------------------------

class AgreementArgs(PageArgs):
    year = fields.Integer(required=True, validate=YEARS,
                          metadata={"description": "The SLA year by the year it starts: 2025 is 2025-26."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    customer_type = fields.String(validate=validate.OneOf(("maintained", "academy")))
    q = Text(validate=validate.Length(max=100), metadata={"description": "Part of the party's name, or a URN."})


class NoticeSchema(Schema):
    given_by = fields.String(required=True, validate=validate.OneOf(("school", "council")))
    notice_date = fields.Date(required=True)
    requested_date = fields.Date(required=True, allow_none=True)
    effective_date = fields.Date(required=True, metadata={
        "description": "§2.4: the later of the notice date + 90 days and the requested date."})
    fundamental_breach = fields.Boolean(required=True)
    reason = fields.String(required=True)


class PartySchoolSchema(Schema):
    urn = fields.Integer(required=True)
    name = fields.String(required=True)


class AgreementSchema(Schema):
    id = fields.Integer(required=True)
    sla_year = fields.String(required=True, metadata={"example": "2025-26"})
    year = fields.Integer(required=True, metadata={"description": "The year the SLA year starts in."})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    party_name = fields.String(required=True)
    school_urn = fields.Integer(required=True, allow_none=True,
                                metadata={"description": "The school, or null for a group's agreement."})
    group_name = fields.String(required=True, allow_none=True)
    schools = fields.List(fields.Nested(PartySchoolSchema), required=True)
    customer_type = fields.String(required=True)
    term_start = fields.Date(required=True)
    term_end = fields.Date(required=True)
    annual_total = Money(required=True, allow_none=True,
                         metadata={"description": "Null while a draft cannot be priced yet."})
    po_number = fields.String(required=True)
    issued_at = fields.AwareDateTime(required=True, allow_none=True)
    notice = fields.Nested(NoticeSchema, required=True, allow_none=True)


class AgreementLineSchema(Schema):
    service_code = fields.String(required=True)
    title = fields.String(required=True)
    list = fields.String(required=True, validate=validate.OneOf(("subscribed", "additional", "excluded")),
                         metadata={"description": "§4.1 subscribed, §4.2 available at extra charge, "
                                                  "§4.3 specifically excluded."})
    quantity = Quantity(required=True)
    start_date = fields.Date(required=True, allow_none=True)
    end_date = fields.Date(required=True, allow_none=True)
    annual_price = Money(required=True, allow_none=True)
    explanation = fields.String(required=True)
    vat_code = fields.String(required=True, allow_none=True)


class ChargeSchema(Schema):
    kind = fields.String(required=True)
    description = fields.String(required=True)
    amount = Money(required=True)
    vat_code = fields.String(required=True)


class AgreementDetailSchema(AgreementSchema):
    census_label = fields.String(required=True, allow_none=True)
    pupils = fields.Integer(required=True, allow_none=True)
    price_list_version = fields.Integer(required=True, allow_none=True)
    odm_name = fields.String(required=True)
    odm_email = fields.String(required=True)
    lines = fields.List(fields.Nested(AgreementLineSchema), required=True)
    charges = fields.List(fields.Nested(ChargeSchema), required=True)


class AgreementPageSchema(PageSchema):
    items = fields.List(fields.Nested(AgreementSchema), required=True)


class NoticeRequestSchema(Schema):
    notice_date = Day(required=True, metadata={"description": "The date the written notice was given."})
    requested_date = Day(load_default=None, allow_none=True, metadata={
        "description": "The date the notice asks for; at least 90 days after the notice date."})
    reason = Text(load_default="", multiline=True, validate=validate.Length(max=2000))
    given_by = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("school", "council")),
                             metadata={"description": "Staff only: who gave notice (default: the school)."})
    fundamental_breach = fields.Boolean(load_default=False, metadata={
        "description": "Staff only: the council cancels for fundamental breach (§2.4 c)."})


class NoticeResultSchema(Schema):
    agreement_id = fields.Integer(required=True)
    status = fields.String(required=True)
    effective_date = fields.Date(required=True)
    notice = fields.Nested(NoticeSchema, required=True)


# -- invoices ---------------------------------------------------------------------------------

class InvoiceArgs(PageArgs):
    year = fields.Integer(validate=YEARS, metadata={"description": "SLA year by its start: 2025 is 2025-26."})
    term = fields.String(validate=validate.OneOf(("summer", "autumn")))
    status = fields.String(validate=validate.OneOf(("unpaid", "part_paid", "paid", "credited", "overdue")))
    kind = fields.String(validate=validate.OneOf(("invoice", "credit_note")))
    urn = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "One school's."})
    q = Text(validate=validate.Length(max=100),
             metadata={"description": "Part of the customer's name, an invoice number or a URN."})


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
    credited_invoice_number = fields.String(required=True, allow_none=True,
                                            metadata={"description": "For a credit note: the invoice it credits."})
    lines = fields.List(fields.Nested(InvoiceLineSchema), required=True)


class PaymentSchema(Schema):
    paid_on = fields.Date(required=True)
    amount = Money(required=True)
    reference = fields.String(required=True)


class InvoiceDetailSchema(InvoiceSchema):
    payments = fields.List(fields.Nested(PaymentSchema), required=True)
    credit_notes = fields.List(fields.String(), required=True,
                               metadata={"description": "Numbers of the credit notes against it."})


class InvoicePageSchema(PageSchema):
    items = fields.List(fields.Nested(InvoiceSchema), required=True)


class PaymentRequestSchema(Schema):
    amount = MoneyIn(required=True, metadata={"description": "More than 0 and no more than is outstanding."})
    paid_on = Day(required=True)
    reference = Text(load_default="", validate=validate.Length(max=120))


class PaymentResultSchema(PaymentSchema):
    invoice_number = fields.String(required=True)
    status = fields.String(required=True)
    paid = Money(required=True, metadata={"description": "All payments on the invoice so far."})
    outstanding = Money(required=True)


# -- price lists ------------------------------------------------------------------------------

class PriceListArgs(Schema):
    year = fields.Integer(required=True, validate=YEARS, metadata={"description": "2025 is 2025-26."})


class VersionArgs(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=10_000),
                             metadata={"description": "A version; by default the published one."})


class PriceEntrySchema(Schema):
    service_code = fields.String(required=True)
    title = fields.String(required=True)
    customer_type = fields.String(required=True, validate=validate.OneOf(("maintained", "academy", "all")))
    model = fields.String(required=True)
    amount = Money(required=True, allow_none=True)
    rate = Rate(required=True, allow_none=True)
    minimum = Money(required=True, allow_none=True)
    maximum = Money(required=True, allow_none=True)
    bands = fields.String(required=True, allow_none=True, metadata={"example": "0-100:1200;101-250:1800;251-:2400"})
    unit = fields.String(required=True, allow_none=True)
    vat_code = fields.String(required=True, validate=validate.OneOf(("S", "Z", "E", "O")))


class PriceListSchema(Schema):
    sla_year = fields.String(required=True, metadata={"example": "2025-26"})
    year = fields.Integer(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("draft", "published", "superseded")))
    census_basis = fields.String(required=True, validate=validate.OneOf(("january", "october")))
    published_at = fields.AwareDateTime(required=True, allow_none=True)
    entries = fields.List(fields.Nested(PriceEntrySchema), required=True)


class PriceListsSchema(Schema):
    items = fields.List(fields.Nested(PriceListSchema), required=True)


# -- errors -----------------------------------------------------------------------------------

class ErrorSchema(Schema):
    """Every error: a short code to branch on and a sentence for people."""

    error = fields.String(required=True, metadata={"example": "not_found"})
    detail = fields.String(required=True, metadata={"example": "no invoice INV-2025-000099"})
    fields_ = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), data_key="fields",
                          metadata={"description": "Bad input: the reasons per field."})

