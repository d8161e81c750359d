"""Reading agreements for pages, the API and commands: the list with its totals (indexes in
models.agreement), one agreement, its history, and the choices its forms offer."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from contracts_app.access import agreements_seen_by
from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, AuditEvent, School, SchoolGroup, Service
from contracts_app.services.agreements.status import find
from contracts_app.services.bounds import search_number
from contracts_app.services.register.belonging import agreement_in_trust, agreement_trust_code
from contracts_app.services.price_check import PriceCheck, price_agreement
from pricing.spreadsheet import Download, download
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from invoices.allocation import AllocationError
from invoices.building import term_charge
from invoices.schedule import ScheduleError
from pricing.errors import ActionRefused
from pricing.money import round_money
from pricing.spreadsheet import Column
from pricing.sla_year import SlaYear


# -- lists -----------------------------------------------------------------------------------

class AgreementFilter(NamedTuple):
    """The list's filters: the year's agreements by status, customer type, party name or URN, and trust."""
    year: int
    status: str = ""
    customer_type: str = ""
    q: str = ""
    trust_code: str = ""  # one trust's (issue #29: services.register.belonging's rule)


def agreement_filter(query: Select, f: AgreementFilter, today: date | None = None) -> Select:
    """The year's agreements, by status, customer type, party name or URN, and trust."""
    query = query.where(Agreement.sla_year == f.year)
    if f.status:
        query = query.where(Agreement.status == f.status)
    if f.customer_type in ("maintained", "academy"):
        query = query.where(Agreement.customer_type == f.customer_type)
    if f.trust_code:
        query = query.where(agreement_in_trust(f.trust_code, today or date.today()))
    q = f.q.strip().lower()
    if q:
        query = query.outerjoin(School, Agreement.school_id == School.id).outerjoin(
            SchoolGroup, Agreement.group_id == SchoolGroup.id)
        conditions = [School.name_lower.contains(q), func.lower(SchoolGroup.name).contains(q)]
        if (number := search_number(q)) is not None:
            conditions.append(School.urn == number)
        query = query.where(or_(*conditions))
    return query


SORT_KEYS = ("party", "customer_type", "term", "status", "total")
EXPORT_COLUMNS = (Column("agreement_id", "whole"), Column("urn", "whole"), Column("party"), Column("customer_type"),
                  Column("status"), Column("term_start", "date"), Column("term_end", "date"),
                  Column("pupils", "whole"), Column("annual_total", "money"), Column("po_number"), Column("trust_code"))


def _sorted(query: Select, sort: Sort | None) -> Select:
    """The list's order (issue #30): by the party's name (a school's or a group's), type, term, status or
    annual total; ties, and no choice, in the order agreements were made."""
    school = select(School.name_lower).where(School.id == Agreement.school_id).correlate(Agreement).scalar_subquery()
    group = (select(func.lower(SchoolGroup.name)).where(SchoolGroup.id == Agreement.group_id)
             .correlate(Agreement).scalar_subquery())
    columns = {"party": func.coalesce(school, group), "customer_type": Agreement.customer_type,
               "term": Agreement.term_start, "status": Agreement.status, "total": Agreement.annual_total}
    return sorted_by(query, sort or Sort(""), columns, (Agreement.id,))


def list_agreements(f: AgreementFilter, page: int, per_page: int,
                    sort: Sort | None = None) -> tuple[Page, int, Decimal]:
    """A page of agreements and, for the whole filter, the count and annual total."""
    base = agreement_filter(select(Agreement), f)
    result = paginate(_sorted(base.options(selectinload(Agreement.school), selectinload(Agreement.group)), sort),
                      page, per_page)
    totals = agreement_filter(select(func.count(), func.coalesce(func.sum(Agreement.annual_total), 0))
                              .select_from(Agreement), f)
    count, total = db.session.execute(totals).one()
    return result, count, Decimal(total or 0)  # the sum keeps the column type: pounds


def export_agreements(f: AgreementFilter, sort: Sort | None, fmt: str) -> Download:
    """Every agreement the filters find, in the list's order, as CSV or XLSX, with its trust's code."""
    today = date.today()
    query = _sorted(agreement_filter(select(Agreement, agreement_trust_code(today)), f, today)
                    .options(selectinload(Agreement.school), selectinload(Agreement.group)), sort)
    rows = ([a.id, a.school.urn if a.school else None, a.party_name, a.customer_type, a.status, a.term_start,
             a.term_end, a.pupils, a.annual_total, a.po_number, code or ""] for a, code in db.session.execute(query))
    return download(EXPORT_COLUMNS, rows, f"agreements-{SlaYear(f.year).label}", fmt)


def visible_page(school_ids: set[int] | None, f: AgreementFilter, page: int, per_page: int) -> Page:
    """A page of the agreements ``school_ids`` may see (None: staff, who see all), with their parties."""
    query = agreement_filter(select(Agreement), f)
    if school_ids is not None:
        query = query.where(agreements_seen_by(school_ids))
    query = query.options(selectinload(Agreement.school), selectinload(Agreement.group)
                          .selectinload(SchoolGroup.schools), selectinload(Agreement.notices))
    return paginate(query.order_by(Agreement.id), page, per_page)


# -- one agreement ---------------------------------------------------------------------------

def get(agreement_id: int) -> Agreement | None:
    """The agreement with this id, or None; its lines' services come with it (the page shows
    every one: a query per line was most of an agreement page's, issue #21)."""
    return db.session.get(Agreement, agreement_id,
                          options=[selectinload(Agreement.lines).selectinload(AgreementLine.service)])


def get_visible(agreement_id: int, school_ids: set[int] | None) -> Agreement | None:
    """The agreement when ``school_ids`` may see it (None: staff), else None: another's is not found."""
    query = select(Agreement).where(Agreement.id == agreement_id)
    if school_ids is not None:
        query = query.where(agreements_seen_by(school_ids))
    return db.session.scalar(query)


def agreement_of_school(urn: int, year: int) -> Agreement:
    """The school's own agreement for the year: the live one, else a cancelled one."""
    school = db.session.scalar(select(School).where(School.urn == urn))
    if school is None:
        raise ActionRefused(f"no school with URN {urn}")
    agreement = find(year, school=school)
    if agreement is None:
        agreement = db.session.scalar(select(Agreement).where(Agreement.school_id == school.id,
                                                              Agreement.sla_year == year))
    if agreement is None:
        raise ActionRefused(f"{school.name} has no {SlaYear(year).label} agreement")
    return agreement


class TermCharges(NamedTuple):
    """What the term actually charges (§2.7 pro rata): per subscribed line id, and in total
    (None while a line has no price yet or the term fits no invoice schedule)."""

    by_line: dict[int, Decimal]
    total: Decimal | None


class AgreementFacts(NamedTuple):
    """What the agreement's page shows besides the agreement: a draft's price check, its history,
    and what the term charges beside the annual prices."""

    check: PriceCheck | None
    history: list[AuditEvent]
    charged: TermCharges


def term_charges(agreement: Agreement, check: PriceCheck | None) -> TermCharges:
    """Each subscribed line's charge for the term by the invoices' own rule (invoices.building),
    priced at its issued annual price, or a draft's at today's (``check``)."""
    live = {line.service_code: line.annual for line in check.lines} if check is not None else {}
    by_line: dict[int, Decimal] = {}
    complete = True
    for line in agreement.lines_in("subscribed"):
        annual = line.annual_price if agreement.status != "draft" else live.get(line.service_code)
        if annual is None:
            complete = False
            continue
        try:
            by_line[line.id] = term_charge(annual, agreement.customer_type, agreement.term_start,
                                           agreement.term_end, line.start_date)
        except (ScheduleError, AllocationError):  # the page says why under the invoice schedule
            return TermCharges({}, None)
    total = round_money(sum(by_line.values(), Decimal(0))) if complete else None
    return TermCharges(by_line, total)


def page_facts(agreement: Agreement) -> AgreementFacts:
    """A draft's prices as they stand (issued prices are fixed), and the audit trail, newest first."""
    check = price_agreement(agreement) if agreement.status == "draft" else None
    history = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "Agreement",
                                                          AuditEvent.entity_id == str(agreement.id))
                                 .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    return AgreementFacts(check, list(history), term_charges(agreement, check))


# -- what the forms offer ------------------------------------------------------------------

def groups() -> list[SchoolGroup]:
    """Every group of schools, by name (a new agreement's party)."""
    return list(db.session.scalars(select(SchoolGroup).order_by(SchoolGroup.name)))


def catalogue_by_list() -> list[Service]:
    """Every service, retired ones too, by default list then code (a draft's lines)."""
    return list(db.session.scalars(select(Service).order_by(Service.default_list, Service.code)))


def services_offered() -> list[Service]:
    """The services in the catalogue now, by code (added to an issued agreement)."""
    return list(db.session.scalars(select(Service).where(Service.retired_at.is_(None)).order_by(Service.code)))
