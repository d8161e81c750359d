"""Building invoices from agreements: which periods are due in a run, and their lines.

Plain data in, plain data out: the service layer loads agreements into these
dataclasses and saves what comes back.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from invoices.allocation import allocate_line
from invoices.money import ZERO, round_half_up
from invoices.proration import months_between, overlap
from invoices.schedule import TERMS, BillingPeriod, billing_periods
from invoices.vat import DEFAULT_VAT_RATES, VatBreakdown, vat_summary

# A run for a term bills that term's periods and any earlier one still unbilled (§2.7,
# DESIGN: "an agreement made or changed after the summer run is invoiced by the autumn run").
DUE_TERMS = {"summer": ("summer",), "autumn": ("summer", "autumn")}


@dataclass(frozen=True)
class ContractLine:
    """A subscribed agreement line as invoicing sees it: its issued annual price."""

    line_id: int
    service_code: str
    title: str
    annual: Decimal
    explanation: str
    vat_code: str
    start: date | None = None


@dataclass(frozen=True)
class Contract:
    agreement_id: int
    customer_type: str
    term_start: date
    term_end: date
    lines: tuple[ContractLine, ...]


@dataclass(frozen=True)
class DraftLine:
    service_code: str
    description: str
    explanation: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    vat_code: str
    vat_rate: Decimal
    billing_key: str | None
    agreement_line_id: int | None = None
    credited_line_id: int | None = None


@dataclass
class DraftInvoice:
    """An invoice before it is numbered: its period (if scheduled) and lines."""

    agreement_id: int | None
    period: BillingPeriod | None
    lines: list[DraftLine] = field(default_factory=list)
    _breakdown: tuple[int, list[VatBreakdown]] | None = field(default=None, repr=False, compare=False)

    @property
    def vat_breakdown(self) -> list[VatBreakdown]:
        # Cached per number of lines: lines are only ever appended while building.
        if self._breakdown is None or self._breakdown[0] != len(self.lines):
            self._breakdown = (len(self.lines),
                               vat_summary(((l.vat_code, l.net) for l in self.lines), _rates(self.lines)))
        return self._breakdown[1]

    @property
    def net(self) -> Decimal:
        return sum((l.net for l in self.lines), ZERO)

    @property
    def vat(self) -> Decimal:
        """EN 16931: per VAT code, rate x the sum of that code's nets, rounded half-up."""
        return sum((b.vat for b in self.vat_breakdown), ZERO)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def _rates(lines: Iterable[DraftLine]) -> Mapping[str, Decimal]:
    return {**DEFAULT_VAT_RATES, **{l.vat_code: l.vat_rate for l in lines}}


def line_key(line_id: int, term: str) -> str:
    """What makes a scheduled line billable once: the agreement line and the period's term."""
    return f"line:{line_id}:{term}"


@lru_cache(maxsize=4096)
def _months(start: date, end: date) -> Fraction:
    # Most lines of a run share the same few date ranges; months_between is the costly part.
    return months_between(start, end)


@lru_cache(maxsize=4096)
def _months_text(months: Fraction) -> str:
    whole = int(months)
    if months == whole:
        return f"{whole} month{'s' if whole != 1 else ''}"
    return f"{round_half_up(months).normalize()} months"


@lru_cache(maxsize=4096)
def _covered_text(start: date, end: date) -> str:
    """``15 Nov 2025 to 31 Mar 2026: 4.53 months of 12``, shared by every line on those dates."""
    return f"{start.day} {start:%b %Y} to {end.day} {end:%b %Y}: {_months_text(_months(start, end))} of 12"


@lru_cache(maxsize=1024)
def _periods(customer_type: str, term_start: date, term_end: date) -> tuple[BillingPeriod, ...]:
    return tuple(billing_periods(customer_type, term_start, term_end))


@lru_cache(maxsize=65536)
def _line_periods(customer_type: str, term_start: date, term_end: date,
                  start: date) -> tuple[tuple[BillingPeriod, str] | None, ...]:
    """For a line starting on ``start``: per period, the period and the text of the part it covers."""
    result = []
    for period in _periods(customer_type, term_start, term_end):
        covered = overlap(start, term_end, period.start, period.end)
        result.append(None if covered is None else (period, _covered_text(*covered)))
    return tuple(result)


@lru_cache(maxsize=131072)
def _amounts(annual: Decimal, customer_type: str, term_start: date, term_end: date,
             start: date) -> tuple[Decimal, ...]:
    # Keyed by plain values: flat and banded prices repeat across thousands of agreements.
    return tuple(allocate_line(annual, start, term_end, _periods(customer_type, term_start, term_end)))


def due_invoices(contract: Contract, run_term: str, billed: set[str],
                 vat_rates: Mapping[str, Decimal] = DEFAULT_VAT_RATES) -> list[DraftInvoice]:
    """The invoices a run raises for one agreement: one per due period with unbilled lines.

    §2.7: maintained schools get one summer invoice for the whole term (lines starting
    later included pro rata); academies a summer invoice (1 Apr - 31 Aug) and an autumn
    one (1 Sep - 31 Mar). Each line's periods are allocated by ``allocate_line`` so a
    full term's invoices add up to its annual price exactly.
    """
    if run_term not in TERMS:
        raise ValueError(f"term must be summer or autumn, not {run_term!r}")
    kind, term_start, term_end = contract.customer_type, contract.term_start, contract.term_end
    due_terms = DUE_TERMS[run_term]
    drafts = {p.term: DraftInvoice(contract.agreement_id, p) for p in _periods(kind, term_start, term_end)
              if p.term in due_terms}
    one = Decimal(1)
    for line in contract.lines:
        start = line.start if line.start is not None and line.start > term_start else term_start
        amounts = _amounts(line.annual, kind, term_start, term_end, start)
        suffix = None
        for part, amount in zip(_line_periods(kind, term_start, term_end, start), amounts):
            if part is None:
                continue
            period, covered_text = part
            draft = drafts.get(period.term)
            key = f"line:{line.line_id}:{period.term}"
            if draft is None or key in billed:
                continue
            suffix = suffix or f" of {_gbp(line.annual)}"
            draft.lines.append(DraftLine(
                line.service_code, line.title, f"{line.explanation}. {covered_text}{suffix}", one, amount, amount,
                line.vat_code, vat_rates[line.vat_code], key, line.line_id))
    return [d for d in drafts.values() if d.lines]


@lru_cache(maxsize=65536)
def _gbp(value: Decimal) -> str:
    return f"£{value:,.2f}"


@dataclass(frozen=True)
class OneOffCharge:
    charge_id: int
    description: str
    amount: Decimal
    vat_code: str


def charges_invoice(agreement_id: int, charges: Sequence[OneOffCharge], billed: set[str],
                    vat_rates: Mapping[str, Decimal] = DEFAULT_VAT_RATES) -> DraftInvoice | None:
    """One invoice for an agreement's unbilled one-off charges (e.g. §2.5 e cancellation charges)."""
    draft = DraftInvoice(agreement_id, None)
    for charge in charges:
        key = f"charge:{charge.charge_id}"
        if key in billed:
            continue
        draft.lines.append(DraftLine(service_code="CHARGE", description=charge.description, explanation="",
                                     quantity=Decimal(1), unit_price=charge.amount, net=charge.amount,
                                     vat_code=charge.vat_code, vat_rate=vat_rates[charge.vat_code],
                                     billing_key=key))
    return draft if draft.lines else None
