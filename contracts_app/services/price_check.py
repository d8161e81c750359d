"""The price check: any school against any year's list, line by line with explanations.

Agreements and invoices price through this same function.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from pricing.census import CensusRef
from pricing.check import PricedLine, price_line
from pricing.group import group_line
from pricing.errors import ActionRefused, MissingCensus, PricingError
from pricing.models import PricingContext
from pricing.money import round_money
from pricing.sla_year import SlaYear

from register.census import CensusChoice, is_closed_by

from contracts_app.models import Agreement, PriceList, School, Service
from contracts_app.services import catalogue, price_lists, schools
from contracts_app.services.census import census_for
from contracts_app.services.register import census as census_links
from contracts_app.services.price_lists import rows_by_key


@dataclass(frozen=True)
class LineProblem:
    """A line that could not be priced, and why."""

    service_code: str
    reason: str
    kind: str = "rule"  # no_price, no_census or rule: how a school is told (rounds.rules.school_problem)


@dataclass
class PriceCheck:
    """A school priced on a list: the priced lines and the lines that could not be."""

    school: School
    price_list: PriceList
    census: CensusRef
    pupils: int | None
    lines: list[PricedLine] = field(default_factory=list)
    census_text: str | None = None  # "January 2026 census, as URN 990003": a predecessor's figure
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """The annual total of the priced lines, before VAT."""
        return round_money(sum((line.annual for line in self.lines), Decimal(0)))

    @property
    def complete(self) -> bool:
        """True when every line was priced."""
        return not self.problems


def price_school(school: School, price_list: PriceList, items: list[tuple[str, Decimal]],
                 pupils_override: int | None = None, look_up_pupils: bool = True,
                 census_text: str | None = None, choice: CensusChoice | None = None) -> PriceCheck:
    """Price (service_code, quantity) items for the school; problems are collected per line.

    The census is the one the price list names (January before the SLA year by
    default, §2.6 and the 1.2 change notice); a school with no figure in it takes its
    predecessor's (issue #28, register.census), and the explanation says so. ``choice``: the
    figure already looked up (callers pricing many schools look them up in bulk).
    """
    census = census_for(price_list.sla_year, price_list.census_basis)
    problem = ""
    # look_up_pupils=False: the caller knows the figure is missing (a group member lacks one).
    if pupils_override is None and look_up_pupils:
        choice = choice or census_links.choice_for(school, census)
        pupils, census_text, problem = choice.pupils, census_links.words(census, [choice]), choice.problem
    else:
        pupils = pupils_override
    check = PriceCheck(school=school, price_list=price_list, census=census, pupils=pupils, census_text=census_text)
    rows = rows_by_key(price_list)
    for code, quantity in items:
        row = rows.get((code, school.customer_type))
        if row is None:
            check.problems.append(LineProblem(code, f"no {school.customer_type} price for {code} in "
                                                    f"{price_list.name}", "no_price"))
            continue
        try:
            ctx = PricingContext(pupils=pupils, census=census, quantity=Decimal(quantity), census_text=census_text)
            check.lines.append(price_line(row, ctx))
        except MissingCensus:
            reason = (f"{school.name} (URN {school.urn}): {problem}" if problem else
                      f"{school.name} (URN {school.urn}) has no pupil figure for the {census.description} census")
            check.problems.append(LineProblem(code, reason, "no_census"))
        except PricingError as exc:
            check.problems.append(LineProblem(code, str(exc)))
    return check


# -- the price check page ---------------------------------------------------------------

@dataclass
class PriceCheckPage:
    """What the price check page shows: the school, the services it may choose and the result."""

    price_list: PriceList | None
    school: School | None
    services: list[Service]
    chosen: dict[str, Decimal]
    errors: list[str]
    result: PriceCheck | None
    years: list[int]


def check_request(year: int, urn: str, selected: list[str], quantities: Mapping[str, str]) -> PriceCheckPage:
    """Price the selected services (code -> quantity as typed, 1 when empty) for the school
    with this URN (as typed) on the year's published list, else its draft."""
    price_list = price_lists.published(year) or price_lists.draft(year)
    school = schools.by_urn(_whole_number(urn))
    services = sorted(catalogue.services(), key=lambda s: s.code)
    errors = []
    if urn and school is None:
        errors.append(f"No school with URN {urn}.")
    if price_list is None:
        errors.append(f"There is no {SlaYear(year).label} price list.")
    chosen = _chosen(services, selected, quantities, errors)
    result = None
    if school and price_list and chosen and not errors:
        result = price_school(school, price_list, list(chosen.items()))
    return PriceCheckPage(price_list, school, services, chosen, errors, result,
                          price_lists.years_with_lists() or [year])


def _whole_number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _chosen(services: list[Service], selected: list[str], quantities: Mapping[str, str],
            errors: list[str]) -> dict[str, Decimal]:
    """The selected services' quantities; a quantity that is not a positive number is an error."""
    chosen = {}
    for service in services:
        raw = quantities.get(service.code, "").strip()
        if service.code in selected:
            try:
                quantity = Decimal(raw or "1")
                if quantity <= 0:
                    raise InvalidOperation
                chosen[service.code] = quantity
            except InvalidOperation:
                errors.append(f"{service.code}: quantity {raw!r} is not a positive number.")
    return chosen


# -- agreements -------------------------------------------------------------------------

def _group_problem(census: CensusRef, code: str, found: list[tuple[School, LineProblem]]) -> LineProblem:
    """One problem for the group's line: the members lacking a census figure named together, else
    the first member's reason."""
    lacking = [m for m, p in found if p.kind == "no_census"]
    if lacking:
        names = ", ".join(f"{m.name} (URN {m.urn})" for m in lacking)
        return LineProblem(code, f"no {census.description} census figure for {names}", "no_census")
    member, problem = found[0]
    return LineProblem(code, f"{member.name} (URN {member.urn}): {problem.reason}", problem.kind)


def price_members(members: list[School], price_list: PriceList, items: list[tuple[str, Decimal]],
                  figures: Mapping[int, CensusChoice] | None = None) -> PriceCheck:
    """§2.1 a group sharing one agreement: each member priced on its own census figure (else its
    predecessor's), each service's line the members' prices added up (``pricing.group``)."""
    census = census_for(price_list.sla_year, price_list.census_basis)
    # Only the members' figures: ``figures`` may hold every school of a round.
    chosen = {m.id: figures[m.id] for m in members if figures and m.id in figures}
    missing = [(m.id, m.urn) for m in members if m.id not in chosen]
    chosen |= census_links.choices(missing, census) if missing else {}
    checks = [(m, price_school(m, price_list, items, choice=chosen[m.id])) for m in members]
    pupils = [c.pupils for _, c in checks]
    result = PriceCheck(school=members[0], price_list=price_list, census=census,
                        pupils=None if None in pupils else sum(pupils),
                        census_text=census_links.words(census, [chosen[m.id] for m in members]))
    for code, _ in items:
        found = [(m, p) for m, c in checks for p in c.problems if p.service_code == code]
        if found:
            result.problems.append(_group_problem(census, code, found))
            continue
        result.lines.append(group_line([(m.name, next(x for x in c.lines if x.service_code == code))
                                        for m, c in checks]))
    return result


def members_priced(members: list[School], term_start: date) -> list[School]:
    """§2.1 the group's members a term is priced for: those not closed by its start (register.census's
    rule), so a member that has closed is not charged for next year."""
    return [m for m in members if not is_closed_by(m.status, m.closed_on, term_start)]


def price_agreement(agreement: Agreement, price_list: PriceList | None = None) -> PriceCheck | None:
    """Price the subscribed lines live (drafts) through the shared price check; a group's per member."""
    price_list = price_list or agreement.price_list or price_lists.published(agreement.sla_year)
    if price_list is None:
        return None
    items = [(line.service_code, line.quantity) for line in agreement.lines_in("subscribed")]
    if agreement.group is not None:
        members = members_priced(agreement.schools, agreement.term_start)
        if not members:
            raise ActionRefused(f"the group {agreement.group.name} has no member school open on "
                                f"{agreement.term_start:%d %B %Y}")
        return price_members(members, price_list, items)
    return price_school(agreement.school, price_list, items)
