"""The agreements list query with its totals, written once (indexes in models.agreement)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Select, func, or_, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, School, SchoolGroup
from contracts_app.services.queries import Page, paginate


def agreement_filter(query: Select, year: int, status: str = "", customer_type: str = "", q: str = "") -> Select:
    query = query.where(Agreement.sla_year == year)
    if status:
        query = query.where(Agreement.status == status)
    if customer_type in ("maintained", "academy"):
        query = query.where(Agreement.customer_type == customer_type)
    q = q.strip().lower()
    if q:
        query = query.outerjoin(School, Agreement.school_id == School.id).outerjoin(
            SchoolGroup, Agreement.group_id == SchoolGroup.id)
        conditions = [School.name_lower.contains(q), func.lower(SchoolGroup.name).contains(q)]
        if q.isdigit():
            conditions.append(School.urn == int(q))
        query = query.where(or_(*conditions))
    return query


def list_agreements(year: int, status: str, customer_type: str, q: str, page: int,
                    per_page: int) -> tuple[Page, int, Decimal]:
    """A page of agreements and, for the whole filter, the count and annual total."""
    from sqlalchemy.orm import selectinload

    base = agreement_filter(select(Agreement), year, status, customer_type, q)
    result = paginate(base.options(selectinload(Agreement.school), selectinload(Agreement.group))
                      .order_by(Agreement.id), page, per_page)
    totals = agreement_filter(select(func.count(), func.coalesce(func.sum(Agreement.annual_total), 0))
                              .select_from(Agreement), year, status, customer_type, q)
    count, total = db.session.execute(totals).one()
    return result, count, Decimal(total or 0)  # the sum keeps the column type: pounds
