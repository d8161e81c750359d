"""Opening a buying round: one per SLA year, on that year's published price list, an offer per
open school pre-filled from its current agreement (§4.1-4.3), or from the catalogue's lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Agreement, BuyingRound, Offer, OfferLine, PriceList, School, SchoolGroup, Service
from contracts_app.models.round import ROUND_APPROVALS, ROUND_DEFAULTS
from contracts_app.services import audit, catalogue, price_lists
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.census import census_for
from contracts_app.services.register import census as census_links
from contracts_app.services.rounds.pricing import OfferPricing, price_basket
from contracts_app.services.transactions import refusal_rolls_back

PREFILLED_FROM = ("active", "notice_given", "ended")


@dataclass(frozen=True)
class RoundSettings:
    """What the SLA team gives when opening a round."""

    year: int
    opens_on: date
    closes_on: date
    default_action: str
    approval: str = "immediate"


def find_round(year: int) -> BuyingRound | None:
    return db.session.scalar(select(BuyingRound).where(BuyingRound.sla_year == year))


def require_round(year: int) -> BuyingRound:
    found = find_round(year)
    if found is None:
        raise ActionRefused(f"there is no {SlaYear(year).label} buying round; open one with "
                            f"`round open --year {year}`")
    return found


def _check_settings(settings: RoundSettings) -> None:
    if settings.default_action not in ROUND_DEFAULTS:
        raise InputRefused(f"the default for schools that do not answer must be renew or lapse, not "
                           f"{settings.default_action!r}", "default_action")
    if settings.approval not in ROUND_APPROVALS:
        raise InputRefused(f"approval must be immediate or approval, not {settings.approval!r}", "approval")
    if settings.closes_on < settings.opens_on:
        raise InputRefused(f"the round closes ({settings.closes_on:%d %B %Y}) before it opens "
                           f"({settings.opens_on:%d %B %Y})", "closes_on")
    if settings.closes_on >= SlaYear(settings.year).start:
        raise InputRefused(f"the round must close before the {SlaYear(settings.year).label} year starts "
                           f"on {SlaYear(settings.year).start:%d %B %Y}", "closes_on")


def current_agreement(school: School, year: int) -> Agreement | None:
    """The school's own agreement of the year before the round's, as it is now, when it has one to
    renew from (the close asks again: an agreement issued after the opening counts)."""
    return db.session.scalar(select(Agreement).where(
        Agreement.school_id == school.id, Agreement.sla_year == year - 1,
        Agreement.status.in_(PREFILLED_FROM)).options(selectinload(Agreement.lines)).order_by(Agreement.id.desc()))


def renewal_source(school: School, year: int, predecessor: School | None = None) -> Agreement | None:
    """The agreement an offer is pre-filled from: the school's own, else (a successor's first
    year, issue #28) the agreement of the school it succeeds."""
    own = current_agreement(school, year)
    return own if own is not None or predecessor is None else current_agreement(predecessor, year)


def _prefill(offer: Offer, source: Agreement | None, services: list[Service]) -> None:
    """The current agreement's three lists (services still sold), else the catalogue's default lists."""
    live = {s.code: s for s in services}
    if source is not None:
        offer.source_agreement = source
        offer.po_number = ""
        offer.agreement_contact, offer.agreement_email = source.odm_name or "", source.odm_email or ""
        for line in source.lines:
            if line.end_date is None and line.service_code in live:
                offer.lines.append(OfferLine(service=live[line.service_code], service_code=line.service_code,
                                             title=line.title, list_name=line.list_name,
                                             quantity=line.quantity if line.list_name == "subscribed" else Decimal(1)))
        return
    for service in services:
        offer.lines.append(OfferLine(service=service, service_code=service.code, title=service.title,
                                     list_name=service.default_list, quantity=Decimal(1)))


def basket_problems(offer: Offer, pricing: OfferPricing) -> list[str]:
    """Why the basket cannot be accepted as it stands: its pricing problems, or (an offer made
    before groups had their own) a group's agreement covering the school."""
    group = None if offer.group_id else next(
        (g for g in offer.school.groups if _group_agreement(g.id, offer.round.sla_year - 1)), None)
    problems = list(pricing.problems)
    if group is not None:
        problems.insert(0, f"{offer.school.name} is covered by the group {group.name}'s agreement: the group's "
                           "offer renews it")
    return problems


def refresh(offer: Offer, price_list: PriceList | None = None, services: list[Service] | None = None,
            figures: dict | None = None) -> None:
    """Store the basket's total, or why it cannot be priced, for the round page's figures."""
    accepted = offer.acceptance if offer.state == "accepted" else None
    if accepted is not None:  # an acceptance stands: the round counts what was accepted, not pending changes
        offer.total, offer.problem = accepted.total, ""
        return
    pricing = price_basket(offer, price_list, services, figures=figures)
    problems = basket_problems(offer, pricing)
    offer.total = pricing.total if not problems else None
    offer.problem = "; ".join(problems)


def make_offer(buying_round: BuyingRound, school: School, source: Agreement | None, services: list[Service],
               figures: dict | None = None, group: SchoolGroup | None = None) -> Offer:
    """The school's (or, ``group``, the group's: ``school`` answers for it) offer in the round,
    pre-filled from `source` (else the catalogue) and priced."""
    offer = Offer(round=buying_round, school=school, group=group, state="not_opened")
    db.session.add(offer)
    _prefill(offer, source, services)
    db.session.flush()
    refresh(offer, buying_round.price_list, services, figures)
    return offer


def _group_agreement(group_id: int, year: int) -> bool:
    return group_source(group_id, year + 1) is not None


def group_source(group_id: int, year: int) -> Agreement | None:
    """The group's agreement of the year before the round's, as it is now (as ``current_agreement``)."""
    return db.session.scalar(select(Agreement).where(
        Agreement.group_id == group_id, Agreement.sla_year == year - 1, Agreement.status.in_(PREFILLED_FROM))
        .options(selectinload(Agreement.lines)).order_by(Agreement.id.desc()))


def offer_source(offer: Offer) -> Agreement | None:
    """What the offer renews: the group's agreement for a group's offer, else the school's own."""
    if offer.group_id is not None:
        return group_source(offer.group_id, offer.round.sla_year)
    return current_agreement(offer.school, offer.round.sla_year)


def _renewing_groups(year: int, open_ids: set[int]) -> list[tuple[SchoolGroup, School, Agreement]]:
    """§2.1 groups with an agreement to renew and an open member: (group, the member who answers for
    it - the lead school when open, else the first open member -, the agreement). A school in two
    such groups answers for the first only; the second goes without an offer and the SLA team
    renews it by hand (a group's offer is answered by one school)."""
    found, answering = [], set()
    for group in db.session.scalars(select(SchoolGroup).order_by(SchoolGroup.name)):
        source = group_source(group.id, year)
        candidates = ([group.lead_school] if group.lead_school else []) + list(group.schools)
        school = next((m for m in candidates if m.id in open_ids and m.id not in answering), None)
        if source is not None and school is not None:
            answering.add(school.id)
            found.append((group, school, source))
    return found


@refusal_rolls_back
def open_round(settings: RoundSettings, by: str) -> BuyingRound:
    """Open the year's round on its published price list (refused without one), an offer per open school."""
    _check_settings(settings)
    label = SlaYear(settings.year).label
    existing = find_round(settings.year)
    if existing is not None:
        raise ActionRefused(f"the {label} buying round is already open ({existing.status})")
    price_list = price_lists.published(settings.year)
    if price_list is None:
        raise ActionRefused(f"the {label} price list is not published: publish it before opening the round "
                            f"(`prices publish --year {settings.year}`)")
    buying_round = BuyingRound(sla_year=settings.year, price_list=price_list, opens_on=settings.opens_on,
                               closes_on=settings.closes_on, default_action=settings.default_action,
                               approval=settings.approval, status="open", opened_by=by)
    db.session.add(buying_round)
    services = list(db.session.scalars(select(Service).where(Service.retired_at.is_(None)).order_by(Service.code)))
    # Closed schools get no offer; a successor with no agreement of its own is offered its
    # predecessor's (issue #28), priced on its census figure or its predecessor's.
    schools = db.session.scalars(select(School).where(~School.status.ilike("closed%")).order_by(School.urn)).all()
    followed = census_links.followed_predecessors(schools)
    figures = census_links.choices([(s.id, s.urn) for s in schools],
                                   census_for(settings.year, price_list.census_basis))
    groups = _renewing_groups(settings.year, {s.id for s in schools})
    covered = {m.id for group, _, _ in groups for m in group.schools}
    for group, school, source in groups:
        make_offer(buying_round, school, source, services, figures, group=group)
    for school in schools:
        if school.id not in covered:  # a group's member is offered through the group's offer
            make_offer(buying_round, school, renewal_source(school, settings.year, followed.get(school.id)),
                       services, figures)
    audit.record("create", "BuyingRound", buying_round.id or "-",
                 f"{buying_round.name} opened on {price_list.name}: {len(buying_round.offers)} offers, closes "
                 f"{settings.closes_on:%d %B %Y}, default {settings.default_action}")
    db.session.commit()
    return buying_round


def _prefill_again(offer: Offer, services: list[Service], followed: dict[int, School]) -> None:
    """An offer nobody has touched, made before the school's agreement was issued, is pre-filled
    from that agreement now (a late census, then ``agreements issue``, say)."""
    source = offer_source(offer) if offer.group_id else renewal_source(
        offer.school, offer.round.sla_year, followed.get(offer.school_id))
    if source is not None:
        offer.lines.clear()
        db.session.flush()
        _prefill(offer, source, services)
        db.session.flush()


@refusal_rolls_back
def reprice(year: int) -> int:
    """Re-price every unanswered offer (after a census override, say; an untouched offer made before
    the school's agreement was issued is pre-filled from it first); returns how many."""
    buying_round = require_round(year)
    price_list, services = price_lists.published(year), catalogue.services()
    schools = db.session.scalars(select(School).join(Offer, Offer.school_id == School.id).where(
        Offer.round_id == buying_round.id)).all()
    followed = census_links.followed_predecessors(schools)
    figures = census_links.choices([(s.id, s.urn) for s in schools],
                                   census_for(year, (price_list or buying_round.price_list).census_basis))
    count = 0
    for offer in buying_round.offers:
        if offer.state in ("not_opened", "viewed") and offer.source_agreement_id is None:
            _prefill_again(offer, services, followed)
        if offer.state not in ("accepted", "declined"):
            refresh(offer, price_list, services, figures)
            count += 1
    db.session.commit()
    return count
