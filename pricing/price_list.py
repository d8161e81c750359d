"""Reading and checking the price list CSV (DESIGN §4) into priced rows."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pricing.errors import PriceRuleError, PricingError
from pricing.models import PerUnit, PriceModel, build_model
from pricing.vat import vat_rate

REQUIRED_COLUMNS: tuple[str, ...] = (
    "service_code",
    "title",
    "customer_type",
    "model",
    "amount",
    "rate",
    "minimum",
    "maximum",
    "bands",
    "unit",
    "vat_code",
)
CUSTOMER_TYPES = ("maintained", "academy")
PRICE_CUSTOMER_TYPES = CUSTOMER_TYPES + ("all",)
ADHOC_CODE = "ADHOC"
_SERVICE_CODE = re.compile(r"^[A-Z0-9_-]+$")
_MAX_LISTED = 20


@dataclass(frozen=True)
class PriceRow:
    """One service's price for one customer type (or ``all``)."""

    service_code: str
    title: str
    customer_type: str
    model: PriceModel
    vat_code: str


@dataclass(frozen=True)
class PriceListProblem:
    """One thing wrong with a price list, located as in a spreadsheet (header = row 1)."""

    row: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.reason}"


class PriceListRefused(PricingError):
    """The price list has problems; nothing from it should be stored."""

    def __init__(self, problems: list[PriceListProblem]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        count = len(self.problems)
        lines = [f"price list refused: {count} problem{'s' if count != 1 else ''}"]
        lines += [str(p) for p in self.problems[:_MAX_LISTED]]
        if count > _MAX_LISTED:
            lines.append(f"... and {count - _MAX_LISTED} more")
        return "\n".join(lines)


def _cell(raw: Mapping[str | None, object], column: str) -> str:
    # csv.DictReader gives None for cells missing at the end of a short row.
    value = raw.get(column)
    return "" if value is None else str(value).strip()


def _read_row(raw: Mapping[str | None, object]) -> tuple[PriceRow | None, str | None, str | None, list[PriceRuleError]]:
    """Check every column independently so a list shows all of a row's problems at once.

    Returns the row (None if any problem), the service code and customer type when
    those alone are valid (for duplicate checks), and the problems.
    """
    problems: list[PriceRuleError] = []
    code = _cell(raw, "service_code").upper()
    if not code:
        problems.append(PriceRuleError("service_code", "service code is empty"))
    elif not _SERVICE_CODE.match(code):
        problems.append(PriceRuleError("service_code", f"service code {code!r} may use only A-Z, 0-9, '_' and '-'"))
    title = _cell(raw, "title")
    if not title:
        problems.append(PriceRuleError("title", "title is empty"))
    customer_type = _cell(raw, "customer_type").lower()
    if customer_type not in PRICE_CUSTOMER_TYPES:
        problems.append(PriceRuleError(
            "customer_type",
            f"customer type {_cell(raw, 'customer_type')!r} should be maintained, academy or all",
        ))
    vat_code = _cell(raw, "vat_code").upper()
    try:
        vat_rate(vat_code)
    except PriceRuleError as exc:
        problems.append(exc)
    model: PriceModel | None = None
    unit = _cell(raw, "unit")
    model_name = _cell(raw, "model").lower()
    if code == ADHOC_CODE:
        if model_name != PerUnit.name:
            # DESIGN §4: the ADHOC row sets the ad hoc hourly rate (SLA §2.6 "per hour or part thereof").
            problems.append(PriceRuleError("model", "the ADHOC row sets the ad hoc hourly rate, so its model must be per_unit"))
            model_name = ""
        elif unit.lower() not in ("", "hour", "hours"):
            problems.append(PriceRuleError("unit", f"the ad hoc rate is charged per hour, not per {unit!r}"))
            model_name = ""
        else:
            unit = "hour"
    if model_name or code != ADHOC_CODE:
        try:
            model = build_model(
                model_name,
                **{column: _cell(raw, column) for column in ("amount", "rate", "minimum", "maximum", "bands")},
                unit=unit,
            )
        except PriceRuleError as exc:
            problems.append(exc)
    valid_code = code if code and not any(p.column == "service_code" for p in problems) else None
    valid_type = customer_type if customer_type in PRICE_CUSTOMER_TYPES else None
    if problems or model is None:
        return None, valid_code, valid_type, problems
    return PriceRow(code, title, customer_type, model, vat_code), code, customer_type, []


def parse_price_row(raw: dict[str, str]) -> PriceRow:
    """Parse one price-list row; raises ``PriceRuleError(column, reason)`` for the first problem."""
    row, _, _, problems = _read_row(raw)
    if problems:
        raise problems[0]
    assert row is not None
    return row


def validate_price_list(
    raw_rows: list[dict[str, str]], header: Sequence[str] | None = None
) -> list[PriceRow]:
    """Check a whole price list and return its rows, or raise ``PriceListRefused`` with every problem.

    ``header`` defaults to the first row's keys (as ``csv.DictReader`` gives them).
    Rows are numbered as in a spreadsheet: the header is row 1. A service may have
    one price per customer type, or one ``all`` price, never both.
    """
    columns = list(header) if header is not None else (list(raw_rows[0]) if raw_rows else [])
    missing = [c for c in REQUIRED_COLUMNS if c not in {(k or "").strip().lower() for k in columns if k}]
    if missing:
        # Without the columns every row would fail the same way; report the header only.
        raise PriceListRefused([PriceListProblem(1, c, "column missing from the header") for c in missing])
    if not raw_rows:
        raise PriceListRefused([PriceListProblem(1, None, "the price list has no rows")])
    problems: list[PriceListProblem] = []
    parsed: list[PriceRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(raw_rows, start=2):
        raw = {(k.strip().lower() if isinstance(k, str) else k): v for k, v in raw.items()}
        if not any(_cell(raw, c) for c in REQUIRED_COLUMNS) and not raw.get(None):
            continue  # spreadsheets export trailing blank rows as ",,,,"; they are not prices
        extra = raw.get(None)
        if extra and any(str(v).strip() for v in extra):
            problems.append(PriceListProblem(number, None, "row has more cells than the header"))
        row, code, customer_type, row_problems = _read_row(raw)
        problems += [PriceListProblem(number, p.column, p.reason) for p in row_problems]
        if row is not None:
            parsed.append(row)
        if code and customer_type:
            clash = _duplicate(seen, code, customer_type)
            if clash:
                problems.append(PriceListProblem(number, "customer_type", clash))
            seen.setdefault((code, customer_type), number)
    if problems:
        raise PriceListRefused(problems)
    return parsed


def _duplicate(seen: Mapping[tuple[str, str], int], code: str, customer_type: str) -> str | None:
    """Why (code, customer_type) clashes with an earlier row, or None."""
    if (code, customer_type) in seen:
        return f"{code} already has a {customer_type} price at row {seen[(code, customer_type)]}"
    others = CUSTOMER_TYPES if customer_type == "all" else ("all",)
    for other in others:
        if (code, other) in seen:
            return (
                f"{code} has a {other} price at row {seen[(code, other)]} and a {customer_type} "
                "price here; give one 'all' price or one per customer type"
            )
    return None


def expand_customer_types(rows: Iterable[PriceRow]) -> dict[tuple[str, str], PriceRow]:
    """Map (service_code, customer_type) to its row; an ``all`` row serves maintained and academy."""
    result: dict[tuple[str, str], PriceRow] = {}
    for row in rows:
        types = CUSTOMER_TYPES if row.customer_type == "all" else (row.customer_type,)
        for customer_type in types:
            key = (row.service_code, customer_type)
            if key in result:
                raise PriceRuleError("customer_type", f"{row.service_code} has two {customer_type} prices")
            result[key] = row
    return result
