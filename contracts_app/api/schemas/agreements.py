"""Agreements on the wire: the list's filters, an agreement with its lines and charges, notice, a charge."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from pricing.vat import VAT_RATES

from contracts_app.api.schemas.common import YEARS, Day, Flag, Money, MoneyIn, PageArgs, PageSchema, Quantity, Text
from contracts_app.models import STATUSES


class AgreementArgs(PageArgs):
    year = fields.Integer(required=True, validate=YEARS,
                          metadata={"description": "The SLA year by the year it starts: 2025 is 2025-26."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    customer_type = fields.String(validate=validate.OneOf(("maintained", "academy")))
    q = Text(validate=validate.Length(max=100), metadata={"description": "Part of the party's name, or a URN."})
    trust = Text(validate=validate.Length(min=1, max=20), metadata={
        "description": "A trust's GIAS code: the agreements of its academies (issue #29), the trust being the "
                       "one the academy is in today while the term runs, else at the nearest end of the term. "
                       "An unknown code is 404."})


class NoticeSchema(Schema):
    given_by = fields.String(required=True, validate=validate.OneOf(("school", "council")))
    notice_date = fields.Date(required=True)
    requested_date = fields.Date(required=True, allow_none=True)
    effective_date = fields.Date(required=True, metadata={
        "description": "§2.4: the later of the notice date + 90 days and the requested date."})
    fundamental_breach = fields.Boolean(required=True)
    reason = fields.String(required=True)
    ends_on = fields.Date(required=True, metadata={
        "description": "The day the agreement ends: the effective date, or the term end when that date is "
                       "after the term (the agreement then ends at its term end and is not renewed)."})
    outcome = fields.String(required=True, metadata={"description": "What the notice does, in words."})


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
    trust_code = fields.String(required=True, allow_none=True, metadata={
        "description": "The trust whose academy's agreement this is (GIAS code; the rule as the trust filter's); "
                       "null for none and for a group's agreement."})
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
    notice_date = Day(required=True, metadata={
        "description": "The date the written notice was given. A school giving notice sends today's date "
                       "(§2.4 a; any other date is 400); staff send the date it was received: not in the "
                       "future and within the agreement's term, also once the term is over."})
    requested_date = Day(load_default=None, allow_none=True, metadata={
        "description": "The date the notice asks for; at least 90 days after the notice date."})
    reason = Text(load_default="", multiline=True, validate=validate.Length(max=2000))
    given_by = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("school", "council")),
                             metadata={"description": "Staff only: who gave notice (default: the school)."})
    fundamental_breach = Flag(load_default=False, metadata={
        "description": "Staff only: the council cancels for fundamental breach (§2.4 c)."})


class NoticeResultSchema(Schema):
    agreement_id = fields.Integer(required=True)
    status = fields.String(required=True)
    effective_date = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "As in NoticeSchema."})
    outcome = fields.String(required=True, metadata={"example": "cancelled with effect from 2 March 2027"})
    notice = fields.Nested(NoticeSchema, required=True)


class ChargeRequestSchema(Schema):
    # Not blank, as agreements.charges.check_charge requires (the pattern says so to clients).
    description = Text(required=True, not_blank=True, validate=validate.Length(min=1, max=500),
                       metadata={"example": "SIMS and FMS licence costs on cancellation (§2.5 e)"})
    amount = MoneyIn(required=True, metadata={"description": "Pounds and pence before VAT."})
    vat_code = fields.String(required=True, validate=validate.OneOf(sorted(VAT_RATES)),
                             metadata={"description": "S standard, Z zero rated, E exempt, O outside scope."})


class ChargeResultSchema(ChargeSchema):
    agreement_id = fields.Integer(required=True)


class ReissueResultSchema(Schema):
    agreement_id = fields.Integer(required=True)
    template_version = fields.String(required=True, metadata={
        "description": "The SLA template version the agreement is now issued under (its document and its "
                       "school's service desk report use it).", "example": "3.1"})
    previous_version = fields.String(required=True, allow_none=True, metadata={
        "description": "The version it was issued under before; null when none was recorded."})
    changes = fields.List(fields.String(), required=True, metadata={
        "description": "Each service level that differs between the two versions, as the SLA words it.",
        "example": ["Priority 1 incidents: 0 - 2 Service Desk Hours → 0 - 3 Service Desk Hours"]})
