"""The API's wire format, shared by every area: its fields, paging and the error body.

The schemas of each area (schools, agreements, invoices, prices) are in this package's
other modules; flask-smorest generates the OpenAPI document from them all.

Money is always a string with two decimals ("1277.20"), never a float; rates keep
their precision (2 to 4 places). Invoice field names are the finance export's
columns (DESIGN §4) where the two overlap.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from pricing.errors import PriceRuleError
from pricing.sla_year import FIRST_YEAR, LAST_YEAR, requested_year

from contracts_app.services.bounds import MAX_INT
from contracts_app.services.queries import Page

CENT = Decimal("0.01")
MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
# More than 0.00 and below a billion, in plain digits: "120.00", "0.50".
MONEY_IN = re.compile(r"^([1-9][0-9]{0,8}\.[0-9]{2}|0\.(0[1-9]|[1-9][0-9]))$")
DATE_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
RATE_PATTERN = r"^-?[0-9]+\.[0-9]{2,4}$"
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


class _SlaYears(validate.Range):
    """The SLA years a client may ask for: pricing.sla_year.requested_year is the one bound
    (a Range, so the OpenAPI document shows its minimum and maximum)."""

    def __init__(self) -> None:
        super().__init__(min=FIRST_YEAR, max=LAST_YEAR)

    def __call__(self, value: int) -> int:
        try:
            requested_year(value)
        except PriceRuleError as exc:
            raise ValidationError(exc.reason) from None
        return value


YEARS = _SlaYears()
MAX_ID = MAX_INT  # the database's integer columns, written once in services/bounds.py


# -- fields -----------------------------------------------------------------------------------

class Money(fields.Field):
    """Pounds and pence as a string with two decimals; credit notes are negative."""

    PATTERN, EXAMPLE = MONEY_PATTERN, "1277.20"

    def __init__(self, **kwargs):
        metadata = {"pattern": self.PATTERN, "example": self.EXAMPLE, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value: Decimal | None, attr: str | None, obj: object, **kwargs: object) -> str | None:
        if value is None:
            return None
        value = Decimal(value).quantize(CENT)
        return format(value if value else Decimal("0.00"), "f")

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> Decimal:
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

    def _serialize(self, value: Decimal | None, attr: str | None, obj: object, **kwargs: object) -> str | None:
        if value is None:
            return None
        text = format(Decimal(value).quantize(Decimal("0.0001")), "f")
        whole, _, places = text.partition(".")
        places = places.rstrip("0").ljust(2, "0")
        return f"{whole}.{places}" if text.strip("-0.") else "0.00"


# One character of text: no control characters (a multi-line text keeps tab, CR and LF).
_SINGLE_LINE_CHAR = r"[^\x00-\x1f\x7f]"
_MULTILINE_CHAR = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# A character that is not blank: neither a control character nor one str.strip() takes away
# (str.isspace; the Unicode spaces are literal characters, read alike by every regex engine).
_NOT_BLANK_CHAR = "[^\\x00-\\x20\\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def text_pattern(*, multiline: bool = False, not_blank: bool = False) -> str:
    """The OpenAPI pattern of a Text field: exactly what its _deserialize accepts."""
    char = _MULTILINE_CHAR if multiline else _SINGLE_LINE_CHAR
    return f"^{char}*{_NOT_BLANK_CHAR}{char}*$" if not_blank else f"^{char}*$"


class Text(fields.String):
    """Text a client sends: no NUL or other control characters, valid Unicode only; with
    not_blank, more than spaces (what the services refuse as blank, refused here as a 400)."""

    SINGLE_LINE = text_pattern()
    MULTILINE = text_pattern(multiline=True)

    def __init__(self, *, multiline: bool = False, not_blank: bool = False, **kwargs):
        self.multiline, self.not_blank = multiline, not_blank
        metadata = {"pattern": text_pattern(multiline=multiline, not_blank=not_blank), **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("not valid Unicode text") from None
        allowed = "\n\r\t" if self.multiline else ""
        if any(ord(c) < 32 and c not in allowed for c in text) or "\x7f" in text:
            raise ValidationError("control characters are not allowed")
        if self.not_blank and not text.strip():
            raise ValidationError("must not be blank")
        return text


class Flag(fields.Boolean):
    """true or false, as JSON booleans only (what the document's `boolean` says). marshmallow's
    Boolean also takes "yes", "1", 1 and 0 - and 0 and 1 even when told {False} and {True},
    since they are equal to them."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


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


def page_dict(page: Page, items: list) -> dict:
    """One page of a list in the wire format: its items and where it is in the whole."""
    return {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total,
            "pages": page.pages}


# -- errors -----------------------------------------------------------------------------------

class ErrorSchema(Schema):
    """Every error: a short code to branch on and a sentence for people."""

    error = fields.String(required=True, metadata={"example": "not_found"})
    detail = fields.String(required=True, metadata={"example": "no invoice INV-2025-000099"})
    fields_ = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), data_key="fields",
                          metadata={"description": "Bad input: the reasons per field."})
