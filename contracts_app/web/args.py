"""Reading the query string the same way on every page: a mistyped year is a 400 that says why."""
from __future__ import annotations

from flask import abort, request

from pricing.errors import PriceRuleError
from pricing.sla_year import requested_year


def year_arg(default: int | None = None, name: str = "year") -> int | None:
    """The SLA year asked for in ``?year=`` (2025 or 2025-26), or ``default`` when none is given.

    The bound is ``pricing.sla_year.requested_year``: ``?year=1``, ``?year=99999`` or ``?year=abc``
    answer 400 with its message on the error page, never a 500 further down.
    """
    raw = request.args.get(name, "")
    if not raw.strip():
        return default
    try:
        return requested_year(raw).start_year
    except PriceRuleError as exc:
        abort(400, description=exc.reason)
