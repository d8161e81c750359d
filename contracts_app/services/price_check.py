"""The price check: any school against any year's list, line by line with explanations.

Agreements and invoices price through this same function.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pricing.census import CensusRef
from pricing.check import PricedLine, price_line
from pricing.errors import MissingCensus, PricingError
from pricing.models import PricingContext
from pricing.money import round_money

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Agreement, CensusFigure, PriceList, School
from contracts_app.services import price_lists
from contracts_app.services.census import census_for, pupils_for
from contracts_app.services.price_lists import rows_by_key


@dataclass(frozen=True)
class LineProblem:
    service_code: str
    reason: str


@dataclass
class PriceCheck:
    school: School
    price_list: PriceList
    census: CensusRef
    pupils: int | None
    lines: list[PricedLine] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return round_money(sum((line.annual for line in self.lines), Decimal(0)))

    @property
    def complete(self) -> bool:
        return not self.problems


def price_school(school: School, price_list: PriceList, items: list[tuple[str, Decimal]],
                 pupils_override: int | None = None, look_up_pupils: bool = True) -> PriceCheck:
    """Price (service_code, quantity) items for the school; problems are collected per line.

    The census is the one the price list names (January before the SLA year by
    default, §2.6 and the 1.2 change notice).
    """
    census = census_for(price_list.sla_year, price_list.census_basis)
    # look_up_pupils=False: the caller knows the figure is missing (a group member lacks one).
    pupils = pupils_override if pupils_override is not None or not look_up_pupils else pupils_for(school.id, census)
    check = PriceCheck(school=school, price_list=price_list, census=census, pupils=pupils)
    rows = rows_by_key(price_list)
    for code, quantity in items:
        row = rows.get((code, school.customer_type))
        if row is None:
            check.problems.append(LineProblem(code, f"no {school.customer_type} price for {code} in "
                                                    f"{price_list.name}"))
            continue
        try:
            ctx = PricingContext(pupils=pupils, census=census, quantity=Decimal(quantity))
            check.lines.append(price_line(row, ctx))
        except MissingCensus:
            check.problems.append(LineProblem(code, f"{school.name} (URN {school.urn}) has no pupil figure "
                                                    f"for the {census.description} census"))
        except PricingError as exc:
            check.problems.append(LineProblem(code, str(exc)))
    return check


# -- agreements -------------------------------------------------------------------------

def _pupils(agreement: Agreement, census) -> tuple[School, int | None, list[School]]:
    """The school priced, its pupils and the members lacking a figure; a group's pupils are
    its members' added up."""
    members = agreement.schools
    figures = dict(db.session.execute(select(CensusFigure.school_id, CensusFigure.pupils).where(
        CensusFigure.school_id.in_([m.id for m in members]), CensusFigure.census == census.label)).all())
    lacking = [m for m in members if m.id not in figures]
    priced = agreement.school or agreement.group.lead_school or members[0]
    return priced, (None if lacking else sum(figures.values())), lacking


def price_agreement(agreement: Agreement, price_list: PriceList | None = None) -> PriceCheck | None:
    """Price the subscribed lines live (drafts) through the shared price check."""
    price_list = price_list or agreement.price_list or price_lists.published(agreement.sla_year)
    if price_list is None:
        return None
    census = census_for(price_list.sla_year, price_list.census_basis)
    school, pupils, lacking = _pupils(agreement, census)
    items = [(line.service_code, line.quantity) for line in agreement.lines_in("subscribed")]
    check = price_school(school, price_list, items, pupils_override=pupils, look_up_pupils=False)
    if agreement.group is not None and lacking:
        names = ", ".join(f"{m.name} (URN {m.urn})" for m in lacking)
        check.problems = [LineProblem(p.service_code, f"no {census.description} census figure for {names}")
                          if "census" in p.reason else p for p in check.problems]
    return check
