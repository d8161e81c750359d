"""Price lists on the wire: which year and version, and the entries."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts_app.api.schemas.common import YEARS, Money, Rate


# -50 to 100 with up to 4 decimals: pricing.uplift's range, stated so a client can check it before sending.
PERCENT = r"^(?:-?(?:[0-4]?\d(?:\.\d{1,4})?|50(?:\.0{1,4})?)|[5-9]\d(?:\.\d{1,4})?|100(?:\.0{1,4})?)$"


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


class PriceCopySchema(Schema):
    """POST /price-lists/copy (issue #30): next year's draft from a year's published list, uplifted."""

    from_year = fields.Integer(required=True, validate=YEARS, metadata={"description": "The published list's year."})
    to_year = fields.Integer(required=True, validate=YEARS, metadata={"description": "The new year, with no list yet."})
    uplift = fields.String(required=True, validate=validate.Regexp(PERCENT), metadata={
        "description": "Percentage from -50 to 100 (up to 4 decimals), as text for exactness.", "example": "3.5"})
    # Keys are checked against the source list by the service (409 naming them): a JSON schema cannot say which.
    overrides = fields.Dict(keys=fields.String(),
                            values=fields.String(validate=validate.Regexp(PERCENT)),
                            load_default=dict, validate=validate.Length(max=500),
                            metadata={"description": "Another percentage per service code of the source list.",
                                      "example": {"SIMS-SUPPORT": "0"}})
