"""A price list downloaded in the very format ``prices import`` reads (DESIGN §4; issue #30), CSV or XLSX.

Written through the one typed writer (``pricing.spreadsheet``): amounts and rates are numbers,
text is formula-safe, so export -> edit in Excel -> import gives back the same prices.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from contracts_app.models import PriceList
from contracts_app.services import price_lists
from pricing.errors import ActionRefused
from pricing.price_list import REQUIRED_COLUMNS
from pricing.sla_year import SlaYear
from pricing.spreadsheet import Column, csv_bytes, write_xlsx

FORMATS = ("csv", "xlsx")
_KINDS = {"amount": "money", "minimum": "money", "maximum": "money", "rate": "rate"}
COLUMNS = [Column(name, _KINDS.get(name, "text")) for name in REQUIRED_COLUMNS]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class PriceExport:
    """The file's bytes, the name to save it as, and its media type."""

    data: bytes
    filename: str
    media_type: str


def chosen_list(year: int, version: int | None = None) -> PriceList:
    """The version asked for, else the published list, else the newest (a draft); refused when none."""
    label = SlaYear(year).label
    if version is not None:
        found = price_lists.version(year, version)
        if found is None:
            raise ActionRefused(f"there is no version {version} of the {label} price list")
        return found
    found = price_lists.published(year) or price_lists.latest(year)
    if found is None:
        raise ActionRefused(f"there is no {label} price list to export")
    return found


def export_price_list(year: int, fmt: str = "csv", version: int | None = None) -> PriceExport:
    """The year's price list (see ``chosen_list``) as CSV or XLSX in the import's columns."""
    if fmt not in FORMATS:
        raise ActionRefused(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    price_list = chosen_list(year, version)
    rows = [[getattr(entry, name) for name in REQUIRED_COLUMNS] for entry in price_list.entries]
    if fmt == "csv":
        data = csv_bytes(COLUMNS, rows)
    else:
        out = io.BytesIO()
        write_xlsx(out, COLUMNS, rows, f"prices {SlaYear(year).label}")
        data = out.getvalue()
    name = f"prices-{SlaYear(year).label}-v{price_list.version}-{price_list.status}.{fmt}"
    return PriceExport(data, name, MEDIA_TYPES[fmt])
