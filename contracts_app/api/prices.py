"""Price lists by SLA year: every version, or the published one, with their rows."""
from __future__ import annotations

from pricing.sla_year import SlaYear

from contracts_app.models import PriceList
from contracts_app.services import price_copy, price_lists
from contracts_app.api.auth import allow
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import ApiError, not_found
from contracts_app.api.schemas.prices import (
    PriceCopySchema,
    PriceListArgs,
    PriceListSchema,
    PriceListsSchema,
    VersionArgs,
)

TAGS = ["Price lists"]
ENTRY_FIELDS = ("service_code", "title", "customer_type", "model", "amount", "rate", "minimum", "maximum", "bands",
                "unit", "vat_code")


def price_list_dict(price_list: PriceList) -> dict:
    """The list and its rows in the columns of the price list CSV (DESIGN §4)."""
    return {"sla_year": SlaYear(price_list.sla_year).label, "year": price_list.sla_year,
            "version": price_list.version, "status": price_list.status, "census_basis": price_list.census_basis,
            "published_at": price_list.published_at,
            "entries": [{f: getattr(e, f) for f in ENTRY_FIELDS} for e in price_list.entries]}


@bp.route("/price-lists", tags=TAGS)
@allow("sla", "finance")
@bp.arguments(PriceListArgs, location="query")
@bp.response(200, PriceListsSchema)
def list_price_lists(args: dict) -> dict:
    """Every version of an SLA year's price list

    Newest first: a draft, the published (frozen) version and superseded ones.
    """
    lists = price_lists.versions(args["year"], with_entries=True)
    return {"items": [price_list_dict(p) for p in lists]}


@bp.route("/price-lists/<int(min=2000, max=2100):year>", tags=TAGS)
@allow("sla", "finance")
@bp.arguments(VersionArgs, location="query")
@bp.response(200, PriceListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_price_list(args: dict, year: int) -> dict:
    """An SLA year's price list

    The published version that new prices come from, or the version asked for.
    """
    label = SlaYear(year).label
    if "version" in args:
        price_list = price_lists.version(year, args["version"])
        if price_list is None:
            raise not_found(f"no version {args['version']} of the {label} price list")
    else:
        price_list = price_lists.published(year)
        if price_list is None:
            raise not_found(f"the {label} price list is not published")
    return price_list_dict(price_list)


@bp.route("/price-lists/copy", methods=["POST"], tags=TAGS)
@allow("sla")
@bp.arguments(PriceCopySchema)
@bp.response(201, PriceListSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def copy_price_list(args: dict) -> tuple[dict, int]:
    """Make next year's draft price list from a year's published one

    Every rate, band amount, minimum and maximum raised by the uplift percentage (or the
    service's override), rounded half-up to the penny; one transaction, audited. A source
    year with no published list is 404; a target year that already has a list, or an
    override for a service the source list does not price, is 409.
    """
    overrides = [f"{code}={percent}" for code, percent in args["overrides"].items()]
    try:
        made, _ = price_copy.copy_price_list(args["from_year"], args["to_year"], args["uplift"], overrides)
    except price_copy.CopyRefused as exc:
        status = {"from": 404, "to": 409, "overrides": 409}.get(exc.field, 400)
        raise ApiError(status, exc.message, fields={exc.field: [exc.message]}) from None
    return price_list_dict(made), 201
