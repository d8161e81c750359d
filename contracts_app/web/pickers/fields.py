"""Pickers instead of typed ids (issue #30): a text field that names its suggestions' URL. picker.js gives
it a native ``<datalist>`` fed as the user types (keyboard and screen-reader usable as the browser's own
list); without JavaScript it is the plain field it was, and a typed URN still works."""
from __future__ import annotations

import re

from flask import url_for
from markupsafe import Markup
from wtforms import StringField


_LEADING_NUMBER = re.compile(r"\s*(\d+)\b")


class PickerField(StringField):
    """A text field whose suggestions come from ``endpoint`` (``?q=`` -> JSON [{value, label}])."""

    endpoint = ""

    def __call__(self, **kwargs: object) -> Markup:
        kwargs.setdefault("data-suggest", url_for(self.endpoint))
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(**kwargs)


class SchoolField(PickerField):
    """A school, by URN: the suggestion chosen, the URN typed, or a pasted "103700 Allesley Primary School".
    ``data`` is the URN (an int) or None; anything else is an error naming what to type."""

    endpoint = "pickers.schools"

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw_data = [raw] if raw else []
        self.data = None
        if not raw:
            return
        match = _LEADING_NUMBER.match(raw)
        if match is None:
            raise ValueError(f"choose a school from the list, or type its URN (not {raw[:40]!r})")
        # A number past the URN column is kept: the service answers "No school with URN ..." as for any other.
        self.data = int(match.group(1)[:40])

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class InvoiceField(PickerField):
    """An invoice or credit note, by number."""

    endpoint = "pickers.invoices"


class TrustField(PickerField):
    """A trust, by its GIAS code."""

    endpoint = "pickers.trusts"
