"""An offer's basket priced on next year's list: each line explained, the total and the §2.7
invoice schedule with each invoice's amount.

The lines are priced by the shared price check (``price_check.price_school``, the function
agreements issue through), and the schedule by ``invoices.building.due_invoices`` (what the
invoice runs bill), so the offer's money is the agreement's and its invoices' to the penny.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from invoices.building import Contract, ContractLine, due_invoices
from invoices.schedule import ScheduleError
from pricing.check import PricedLine
from pricing.money import round_money
from pricing.sla_year import SlaYear
from register.census import CensusChoice
from rounds.rules import school_problem

from contracts_app.models import Offer, PriceList, School, Service
from contracts_app.services import catalogue, price_lists
from contracts_app.services.price_check import members_priced, price_members, price_school

SHOWN_LISTS = ("subscribed", "additional", "excluded", "available")


@dataclass(frozen=True)
class PricedOfferLine:
    """One line as the offer shows it; ``available`` lines are catalogue services not in the basket."""

    service_code: str
    title: str
    list_name: str
    quantity: Decimal
    unit: str
    annual_price: Decimal | None = None
    explanation: str = ""
    vat_code: str | None = None
    problem: str = ""
    description: str = ""
    school_problem: str = ""  # the same, as a school reads it (rounds.rules.school_problem)


@dataclass(frozen=True)
class ScheduledInvoice:
    """One invoice the agreement will get (§2.7): its term, period and amounts."""

    term: str
    start: date
    end: date
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass
class OfferPricing:
    """The basket priced: every line, the annual total of the subscribed lines and the schedule."""

    year: int
    customer_type: str
    census_label: str | None
    census_description: str
    pupils: int | None
    lines: list[PricedOfferLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    schedule: list[ScheduledInvoice] = field(default_factory=list)
    school_problems: list[str] = field(default_factory=list)  # the problems as a school reads them

    @property
    def subscribed(self) -> list[PricedOfferLine]:
        return [line for line in self.lines if line.list_name == "subscribed"]

    @property
    def total(self) -> Decimal:
        return round_money(sum((line.annual_price or Decimal(0) for line in self.subscribed), Decimal(0)))

    @property
    def complete(self) -> bool:
        """Every subscribed line priced, and at least one: the basket can be accepted."""
        return not self.problems and bool(self.subscribed)

    @property
    def problem_text(self) -> str:
        return "; ".join(self.problems)

    def in_list(self, list_name: str) -> list[PricedOfferLine]:
        return [line for line in self.lines if line.list_name == list_name]


def _basket(lines: list, services: list[Service]) -> list[tuple[Service | None, str, str, str, Decimal]]:
    """(service, code, title, list, quantity) for the basket's lines, then every other live service."""
    by_code = {s.code: s for s in services}
    rows = [(by_code.get(line.service_code) or line.service, line.service_code, line.title, line.list_name,
             line.quantity) for line in lines]
    chosen = {line.service_code for line in lines}
    rows += [(s, s.code, s.title, "available", Decimal(1)) for s in services if s.code not in chosen]
    return rows


def _schedule(pricing: OfferPricing, year: int) -> list[ScheduledInvoice]:
    """The invoices the runs will raise for these subscribed lines over the whole year (§2.7)."""
    sla_year = SlaYear(year)
    lines = tuple(ContractLine(i, line.service_code, line.title, line.annual_price, line.explanation,
                               line.vat_code) for i, line in enumerate(pricing.subscribed, start=1))
    contract = Contract(0, pricing.customer_type, sla_year.start, sla_year.end, lines)
    try:
        drafts = due_invoices(contract, "autumn", set())  # an autumn run bills summer too: every period
    except ScheduleError as exc:
        pricing.problems.append(str(exc))
        pricing.school_problems.append(f"The invoice schedule cannot be worked out: {exc}; please contact the SLA team.")
        return []
    return [ScheduledInvoice(d.period.term, d.period.start, d.period.end, d.net, d.vat, d.gross) for d in drafts]


def _unpriced(year: int, customer_type: str, problem: str, told: str) -> OfferPricing:
    """A basket that cannot be priced at all, and why (as staff and as a school read it)."""
    pricing = OfferPricing(year, customer_type, None, "", None)
    pricing.problems.append(problem)
    pricing.school_problems.append(told)
    return pricing


def price_basket(offer: Offer, price_list: PriceList | None = None,
                 services: list[Service] | None = None, lines: list | None = None,
                 figures: Mapping[int, CensusChoice] | None = None) -> OfferPricing:
    """Price the offer's basket on the year's published list with the school's census (§2.6).

    ``price_list``, ``services`` (the live catalogue) and ``figures`` (school id -> census figure,
    services.register.census.choices): given once by callers pricing many offers;
    ``lines``: a basket not saved (the page's live preview), else the offer's own lines."""
    school: School = offer.school
    year = offer.round.sla_year
    price_list = price_list or price_lists.published(year)
    services = services if services is not None else catalogue.services()
    if price_list is None:
        return _unpriced(year, school.customer_type, f"the {SlaYear(year).label} price list is not published",
                         f"The {SlaYear(year).label} prices are not published yet.")
    rows = _basket(offer.lines if lines is None else lines, services)
    items = [(code, quantity) for _, code, _, list_name, quantity in rows if list_name != "excluded"]
    if offer.group_id is not None:  # §2.1 one offer for the group, priced per member (issue #29)
        members = members_priced(offer.members, SlaYear(year).start)
        if not members:
            return _unpriced(year, school.customer_type, f"the group {offer.party_name} has no member school open "
                             f"on {SlaYear(year).start:%d %B %Y}", "Your group has no school open next year.")
        check = price_members(members, price_list, items, figures)
    else:
        check = price_school(school, price_list, items, choice=figures.get(school.id) if figures else None)
    priced: dict[str, PricedLine] = {line.service_code: line for line in check.lines}
    problems = {p.service_code: p for p in check.problems}
    pricing = OfferPricing(year, school.customer_type, check.census.label, check.census.description, check.pupils)
    for service, code, title, list_name, quantity in rows:
        result = priced.get(code) if list_name != "excluded" else None
        found = problems.get(code) if list_name != "excluded" else None
        told = school_problem(found.kind, title, school.customer_type, SlaYear(year).label,
                              check.census.description, found.reason) if found else ""
        pricing.lines.append(PricedOfferLine(
            code, title, list_name, quantity, service.unit if service else "",
            result.annual if result else None, result.explanation if result else "",
            result.vat_code if result else None, found.reason if found else "",
            service.description if service else "", told))
        if list_name == "subscribed" and found:
            pricing.problems.append(f"{code}: {found.reason}")
            pricing.school_problems.append(told)
    if not pricing.subscribed:
        pricing.problems.append("the basket has no subscribed services")
        pricing.school_problems.append("Your basket has no subscribed services: choose at least one.")
    if pricing.complete:
        pricing.schedule = _schedule(pricing, year)
    return pricing
