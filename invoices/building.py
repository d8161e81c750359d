"""Building invoices from agreements: which periods are due in a run, and their lines.

Plain data in, plain data out: the service layer loads agreements into these
dataclasses and saves what comes back.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from invoices.allocation import allocate_line
from invoices.money import ZERO, round_half_up
from invoices.proration import months_between, overlap
from invoices.schedule import TERMS, BillingPeriod, billing_periods
from invoices.vat import VatBreakdown, breakdown_of_pence, line_pence
from pricing.vat import VAT_RATES

# A run for a term bills that term's periods and any earlier one still unbilled (§2.7,
# DESIGN: "an agreement made or changed after the summer run is invoiced by the autumn run").
DUE_TERMS = {"summer": ("summer",), "autumn": ("summer", "autumn")}


class ContractLine(NamedTuple):
    """A subscribed agreement line as invoicing sees it: its issued annual price."""

    # Named tuples rather than frozen dataclasses: a national run makes about a million.
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


class DraftLine(NamedTuple):
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
    _totals: tuple[int, Decimal, list[VatBreakdown], Decimal] | None = field(default=None, repr=False,
                                                                              compare=False)

    def _summed(self) -> tuple[int, Decimal, list[VatBreakdown], Decimal]:
        # Cached per number of lines: lines are only ever appended while building.
        if self._totals is None or self._totals[0] != len(self.lines):
            nets: dict[str, int] = {}
            rates: dict[str, Decimal] = {}
            for line in self.lines:  # vat_summary's rule, in one pass with the lines' own rates
                code = line.vat_code
                nets[code] = nets.get(code, 0) + line_pence(code, line.net)
                rates[code] = line.vat_rate
            self._total_pence(nets, rates)
        return self._totals

    def _total_pence(self, nets: dict[str, int], rates: Mapping[str, Decimal]) -> None:
        """Set the totals from the lines' nets summed per VAT code in whole pence."""
        breakdown = breakdown_of_pence(nets, {**VAT_RATES, **rates})
        self._totals = (len(self.lines), sum((b.net for b in breakdown), ZERO), breakdown,
                        sum((b.vat for b in breakdown), ZERO))

    @property
    def vat_breakdown(self) -> list[VatBreakdown]:
        """Net and VAT per VAT code."""
        return self._summed()[2]

    @property
    def net(self) -> Decimal:
        """The sum of the lines' nets."""
        return self._summed()[1]

    @property
    def vat(self) -> Decimal:
        """EN 16931: per VAT code, rate x the sum of that code's nets, rounded half-up."""
        return self._summed()[3]

    @property
    def gross(self) -> Decimal:
        """Net plus VAT."""
        totals = self._summed()
        return totals[1] + totals[3]


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


@lru_cache(maxsize=131072)
def _line_plan(annual: Decimal, customer_type: str, term_start: date, term_end: date,
               start: date) -> tuple[tuple[str, Decimal, int, str], ...]:
    """For a line of ``annual`` starting on ``start``: per period it is on, the period's
    term, the line's amount (also in whole pence) and the text of the part it covers.

    Keyed by plain values: flat and banded prices and start dates repeat across
    thousands of agreements, so a national run works each out once.
    """
    periods = _periods(customer_type, term_start, term_end)
    amounts = allocate_line(annual, start, term_end, periods)
    of_annual = f" of {_gbp(annual)}"
    plan = []
    for period, amount in zip(periods, amounts):
        covered = overlap(start, term_end, period.start, period.end)
        if covered is not None:
            plan.append((period.term, amount, int(amount.scaleb(2)), f"{_covered_text(*covered)}{of_annual}"))
    return tuple(plan)


def term_charge(annual: Decimal, customer_type: str, term_start: date, term_end: date,
                line_start: date | None = None) -> Decimal:
    """§2.7 and DESIGN §1 "Invoice schedule": what the term actually charges for a line.

    The sum of what the line's invoices carry, from the same plan ``due_invoices`` bills:
    the annual price pro rata by calendar month from the line's start (the term's start if
    it has none or an earlier one) to the term's end, rounded as ``allocate_line`` rounds.
    A line stopped early is still owed for the term (§2.5 d), so its end date plays no part.
    Raises ``ScheduleError`` for a term no invoice schedule fits.
    """
    start = line_start if line_start is not None and line_start > term_start else term_start
    if start > term_end:
        return ZERO
    return sum((amount for _, amount, _, _ in _line_plan(annual, customer_type, term_start, term_end, start)),
               ZERO)


def due_invoices(contract: Contract, run_term: str, billed: set[str],
                 vat_rates: Mapping[str, Decimal] = VAT_RATES) -> list[DraftInvoice]:
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
    # Per line, everything that depends only on plain values comes from _line_plan's cache;
    # what is left is the line's own key and text (a national run makes about 750,000).
    # The nets are summed per VAT code in pence on the way, so totalling needs no second pass.
    appenders = {term: draft.lines.append for term, draft in drafts.items()}
    nets: dict[str, dict[str, int]] = {term: {} for term in drafts}
    for line_id, service_code, title, annual, explanation, vat_code, line_start in contract.lines:
        start = line_start if line_start is not None and line_start > term_start else term_start
        for term, amount, pence, covered_text in _line_plan(annual, kind, term_start, term_end, start):
            append = appenders.get(term)
            if append is None:
                continue
            key = f"line:{line_id}:{term}"
            if key not in billed:
                append(DraftLine(service_code, title, f"{explanation}. {covered_text}", one, amount, amount,
                                 vat_code, vat_rates[vat_code], key, line_id))
                by_code = nets[term]
                by_code[vat_code] = by_code.get(vat_code, 0) + pence
    for term, draft in drafts.items():
        if draft.lines:
            draft._total_pence(nets[term], {code: vat_rates[code] for code in nets[term]})
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
                    vat_rates: Mapping[str, Decimal] = VAT_RATES) -> DraftInvoice | None:
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
