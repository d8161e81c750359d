"""The round pages' blueprint, shared by the SLA team's round page (``routes``) and each
school's offer (``offers``)."""
from __future__ import annotations

from flask import Blueprint, abort

from pricing.errors import PriceRuleError
from pricing.sla_year import requested_year

from contracts_app.access import viewer_school_ids
from contracts_app.models import Offer
from contracts_app.services.rounds import queries

bp = Blueprint("rounds", __name__, url_prefix="/rounds")
STAFF_READ = ("sla", "finance")
OFFER = "/offers/<int:offer_id>"


@bp.url_value_preprocessor
def _year_in_range(endpoint: str | None, values: dict | None) -> None:
    """A year outside the SLA years is no round at all: 404 before any view runs."""
    if values and "year" in values:
        try:
            requested_year(values["year"])
        except PriceRuleError:
            abort(404)


def offer_or_404(offer_id: int) -> Offer:
    """The offer, or 404 for another school's (a school learns nothing about it)."""
    offer = queries.get_visible(offer_id, viewer_school_ids())
    if offer is None:
        abort(404)
    return offer
