"""Reading the URL the same way on every page: a mistyped year is a 400 that says why, an id
past the database's integers is a 404 (``BoundedInt``) or a 400 naming the argument (``id_arg``)."""
from __future__ import annotations

from collections.abc import Iterable

from flask import abort, request
from werkzeug.routing import IntegerConverter

from pricing.errors import PriceRuleError
from pricing.sla_year import requested_year

from contracts_app.services.bounds import MAX_INT, ascii_number
from contracts_app.services.queries import Sort
from contracts_app.services.register import trusts
from register.trusts import MAX_CODE as MAX_TRUST_CODE


class BoundedInt(IntegerConverter):
    """``<int:...>`` on every route (create_app registers it as "int"): no larger than the
    database's integer columns, so ``/schools/99999999999`` is 404 on both databases where
    PostgreSQL would refuse the query with a 500. A route may still give its own ``max``."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - werkzeug's names
                 max: int | None = MAX_INT, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_INT if max is None else max, signed)


def id_arg(name: str) -> int | None:
    """An id or URN in ``?name=`` (None when absent); not ASCII digits within the integer
    columns is a 400 that names the argument."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return None
    number = ascii_number(raw)
    if number is None or number > MAX_INT:
        abort(400, description=f"{name} must be a whole number from 0 to {MAX_INT:,}, not {raw[:40]!r}")
    return number


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


def sort_arg(columns: Iterable[str], default: str, descending: bool = False) -> Sort:
    """The order asked for in ``?sort=COLUMN&dir=asc|desc`` (``default`` when absent: "" is the list's usual
    order, shown on no header); a column the list cannot sort by, or another direction, is a 400 naming the
    choices."""
    keys = list(columns)
    key = request.args.get("sort", "").strip() or default
    if key not in keys and key != default:
        abort(400, description=f"sort must be one of {', '.join(keys)}, not {key[:40]!r}")
    direction = request.args.get("dir", "").strip().lower()
    if direction not in ("", "asc", "desc"):
        abort(400, description=f"dir must be asc or desc, not {direction[:40]!r}")
    return Sort(key, direction == "desc" if direction else descending and key == default)


def export_arg() -> str | None:
    """The file asked for in ``?export=csv|xlsx`` (None: the page itself); another value is a 400."""
    fmt = request.args.get("export", "").strip().lower()
    if fmt and fmt not in ("csv", "xlsx"):
        abort(400, description=f"export must be csv or xlsx, not {fmt[:40]!r}")
    return fmt or None


def trust_arg() -> str:
    """A list's ``?trust=CODE`` filter (a trust's GIAS code, issue #29); empty when left out."""
    return request.args.get("trust", "").strip()[:MAX_TRUST_CODE]


def unknown_trust(code: str) -> bool:
    """Whether the list was filtered by a code no trust has (the page says so beside its empty list)."""
    return bool(code) and trusts.by_code(code) is None
