"""Reading the round: the SLA team's figures by state, the filtered list of offers, and which
offers a school user may see (its own schools', once the round has opened)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from rounds.rules import UNANSWERED, WITHOUT_AGREEMENT

from contracts_app.extensions import db
from contracts_app.models import BuyingRound, Offer, OfferReminder, PriceList, School, school_group_members
from contracts_app.models.round import OFFER_STATES
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from pricing.spreadsheet import Column, Download, download
from contracts_app.services.rounds.opening import find_round


@dataclass(frozen=True)
class StateFigure:
    state: str
    schools: int
    annual_value: Decimal


@dataclass(frozen=True)
class RoundPage:
    round: BuyingRound | None
    year: int
    figures: list[StateFigure]
    offers: Page
    unpriced: list[Offer]
    years: list[int]


def closed(buying_round: BuyingRound, today: date | None = None) -> bool:
    """The round no longer takes schools' answers: closed, closing, or past its closing date."""
    today = today or date.today()
    return buying_round.status != "open" or today > buying_round.closes_on


def opened(buying_round: BuyingRound, today: date | None = None) -> bool:
    return (today or date.today()) >= buying_round.opens_on


def figures(buying_round: BuyingRound) -> list[StateFigure]:
    """Schools and annual value (the stored basket totals) by state, every state listed."""
    rows = {r.state: r for r in db.session.execute(
        select(Offer.state, func.count().label("n"), func.coalesce(func.sum(Offer.total), 0).label("value"))
        .where(Offer.round_id == buying_round.id).group_by(Offer.state))}
    out = []
    for state in OFFER_STATES:
        row = rows.get(state)
        value = Decimal(row.value) if row is not None else Decimal(0)  # Money's type: already pounds
        out.append(StateFigure(state, row.n if row is not None else 0, value.quantize(Decimal("0.01"))))
    return out


def offer_query(buying_round: BuyingRound, state: str = "", q: str = "", unpriced: bool = False):
    query = (select(Offer).join(School, School.id == Offer.school_id).where(Offer.round_id == buying_round.id)
             .options(selectinload(Offer.school), selectinload(Offer.acceptances)).order_by(School.name, Offer.id))
    if state:
        query = query.where(Offer.state == state)
    if q:
        text = q.strip()
        query = query.where(School.urn == int(text)) if text.isdigit() else \
            query.where(School.name_lower.contains(text.lower()))
    if unpriced:
        query = query.where(Offer.problem != "")
    return query


SORT_KEYS = ("school", "state", "value", "reminders")
EXPORT_COLUMNS = (Column("offer", "whole"), Column("urn", "whole"), Column("school"), Column("state"),
                  Column("outcome"), Column("annual_value", "money"), Column("problem"), Column("reminders", "whole"))


def _sorted_offers(query: Select, sort: Sort | None) -> Select:
    reminders = (select(func.count(OfferReminder.id)).where(OfferReminder.offer_id == Offer.id)
                 .correlate(Offer).scalar_subquery())
    columns = {"school": School.name_lower, "state": Offer.state, "value": Offer.total, "reminders": reminders}
    return sorted_by(query, sort or Sort("school"), columns, (School.name, Offer.id))


def export_offers(year: int, state: str, q: str, unpriced: bool, sort: Sort | None, fmt: str) -> Download:
    """The round's offers the filters find, in the page's order, as CSV or XLSX."""
    buying_round = find_round(year)
    offers = [] if buying_round is None else db.session.scalars(
        _sorted_offers(offer_query(buying_round, state, q, unpriced).options(selectinload(Offer.reminders)), sort))
    rows = ([o.id, o.school.urn, o.party_name, o.state, o.outcome or "", o.total, o.problem, len(o.reminders)]
            for o in offers)
    return download(EXPORT_COLUMNS, rows, f"round-{year}", fmt)


def round_page(year: int, state: str, q: str, unpriced: bool, page: int, per_page: int,
               sort: Sort | None = None) -> RoundPage:
    """What the SLA team watches on the round page."""
    buying_round = find_round(year)
    years = round_years()
    if buying_round is None:
        return RoundPage(None, year, [], Page([], 0, 1, per_page), [], years)
    listed = paginate(_sorted_offers(offer_query(buying_round, state, q, unpriced), sort), page, per_page)
    problems = list(db.session.scalars(offer_query(buying_round, unpriced=True).limit(200)))
    return RoundPage(buying_round, year, figures(buying_round), listed, problems, years)


def open_school_count() -> int:
    """How many schools a round opened now would make offers for (every school not closed)."""
    return db.session.scalar(select(func.count()).select_from(School).where(~School.status.ilike("closed%"))) or 0


def unanswered_count(year: int) -> int:
    """How many of the year's offers have no answer yet."""
    buying_round = find_round(year)
    if buying_round is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(Offer).where(
        Offer.round_id == buying_round.id, Offer.state.in_(UNANSWERED))) or 0


def without_agreement(buying_round: BuyingRound) -> list[Offer]:
    """After the close: every school it left with no agreement for next year, and why (on the offer)."""
    return list(db.session.scalars(
        select(Offer).join(School, School.id == Offer.school_id).where(
            Offer.round_id == buying_round.id, Offer.outcome.in_(WITHOUT_AGREEMENT))
        .options(selectinload(Offer.school)).order_by(School.name, Offer.id)))


def round_years() -> list[int]:
    """The years a round can be looked at: every year with a published price list, or a round."""
    listed = set(db.session.scalars(select(PriceList.sla_year).where(PriceList.status == "published")))
    return sorted(listed | set(db.session.scalars(select(BuyingRound.sla_year))), reverse=True)


def offers_for(year: int, school_ids: set[int] | None, state: str = "") -> list[Offer]:
    """The year's offers a user sees: a school user its own schools' (once open), staff every one."""
    buying_round = find_round(year)
    if buying_round is None or (school_ids is not None and not opened(buying_round)):
        return []
    query = offer_query(buying_round, state).options(selectinload(Offer.lines))
    if school_ids is not None:
        query = query.where(Offer.school_id.in_(school_ids or {-1}))
    return list(db.session.scalars(query))


def offers_page(year: int, school_ids: set[int] | None, state: str, page: int, per_page: int,
                within: set[int] | None = None) -> Page:
    """One page of the year's offers a user sees (the API's list pages like every other);
    ``within``: only these schools' (a trust's academies)."""
    buying_round = find_round(year)
    if buying_round is None or (school_ids is not None and not opened(buying_round)):
        return Page([], 0, 1, per_page)
    query = offer_query(buying_round, state).options(selectinload(Offer.round))
    for ids in (school_ids, within):
        if ids is not None:
            query = query.where(Offer.school_id.in_(ids or {-1}))
    if within is not None:  # a group's offer is the trust's only when every member is (rounds.trust)
        reaching_out = select(school_group_members.c.group_id).where(
            school_group_members.c.school_id.not_in(within or {-1}))
        query = query.where(or_(Offer.group_id.is_(None), Offer.group_id.not_in(reaching_out)))
    return paginate(query, page, per_page)


def get_visible(offer_id: int, school_ids: set[int] | None) -> Offer | None:
    """The offer, or None when it does not exist or is not the school user's to see."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or school_ids is None:
        return offer
    if offer.school_id not in school_ids or not opened(offer.round):
        return None
    return offer


def portal_offers(school_ids: set[int]) -> list[Offer]:
    """The open rounds' offers of a school user's schools, for the portal's home page."""
    rounds = db.session.scalars(select(BuyingRound).where(BuyingRound.status != "closed")).all()
    offers = []
    for buying_round in rounds:
        offers += offers_for(buying_round.sla_year, school_ids)
    return offers
