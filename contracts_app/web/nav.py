"""Which main-navigation item is the page one is on: exactly one carries aria-current="page"
(issue #30: finance's Invoices, Runs, Payments and Aged debt share one blueprint)."""
from __future__ import annotations

from flask import current_app, request

# Where a blueprint has several nav items, the words in an endpoint's name that put it under an item;
# the blueprint's other endpoints fall to its first item without words.
SECTION_WORDS = {
    "catalogue.services": ("service",),
    "invoicing.runs": ("run",),
    "invoicing.payments": ("payment",),
    "invoicing.aged_debt": ("aged_debt",),
    "admin.audit": ("audit",),
}


def nav_current(endpoint: str | None, items: list[str]) -> str | None:
    """The one item of ``items`` (endpoints, in nav order) that ``endpoint`` belongs to, or None."""
    if not endpoint or endpoint in items:
        return endpoint
    area = endpoint.split(".")[0]
    name = endpoint.rsplit(".", 1)[-1]
    same = [item for item in items if item.split(".")[0] == area]
    for item in same:
        if any(word in name for word in SECTION_WORDS.get(item, ())):
            return item
    general = [item for item in same if item not in SECTION_WORDS]
    return (general or same or [None])[0]


def nav_here(items: list[tuple[str, str]]) -> str | None:
    """The item (endpoint, text) of this request's page among the nav's, counting only pages that exist."""
    return nav_current(request.endpoint, [item for item, _ in items if item in current_app.view_functions])
