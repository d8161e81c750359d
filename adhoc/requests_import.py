"""The ad hoc requests file, cell by cell (DESIGN §4: ``adhoc requests import``; SLA §7.3, §9.5).

Its columns, how its estimate and authorisation cells are read, and which SLA year's
rate an imported estimate is at. Whether a request may be created, estimated or
authorised is decided by adhoc.lifecycle, as on the pages.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from adhoc.lifecycle import AdhocRuleBroken
from pricing.sla_year import SlaYear

COLUMNS = ("urn", "reference", "kind", "description", "estimate_hours", "authorised_by", "authorised_on")
OPTIONAL_COLUMNS = ("third_party", "report")
# The longest cells the pages' forms take (and the database keeps) for these columns.
MAX_LENGTHS = {"authorised_by": 200, "third_party": 200}


def parse_hours(text: str) -> Decimal | None:
    """An estimate cell in hours ("2.5"), None when empty; whether the figure is allowed is check_estimate's."""
    text = text.strip()
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise AdhocRuleBroken(f"{text!r} is not a number of hours") from None
    if not hours.is_finite():
        raise AdhocRuleBroken(f"{text!r} is not a number of hours")
    return hours


def check_length(column: str, text: str) -> None:
    """Refuse a cell longer than the page's form would take."""
    limit = MAX_LENGTHS.get(column)
    if limit is not None and len(text) > limit:
        raise AdhocRuleBroken(f"is longer than {limit} characters")


def check_authorisation_cells(authorised_by: str, authorised_on_text: str) -> None:
    """A written authorisation (§7.3) is recorded with who gave it and when; the name alone is not one.

    (A date without a name is refused by adhoc.lifecycle.check_authorisation, as on the page.)
    """
    if authorised_by.strip() and not authorised_on_text.strip():
        raise AdhocRuleBroken("give the date of the school's authorisation (authorised_by is filled in)")


def estimate_year(authorised_on: date | None, today: date) -> int:
    """§7.3, §2.6: an imported estimate is priced at the ad hoc rate of the SLA year the school
    authorised it in, or of the current SLA year while it waits for the school's answer."""
    return SlaYear.containing(authorised_on or today).start_year
