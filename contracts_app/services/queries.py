"""The school list query, written once with the indexes it relies on (models.school)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from contracts_app.extensions import db
from contracts_app.models import School


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def school_filter(query: Select, q: str = "", customer_type: str = "") -> Select:
    q = q.strip()
    if q:
        if q.isdigit():
            query = query.where(or_(School.urn == int(q), School.name_lower.contains(q)))
        else:
            compact = q.replace(" ", "").lower()
            query = query.where(or_(School.name_lower.contains(q.lower()),
                                    School.postcode_compact.startswith(compact)))
    if customer_type in ("maintained", "academy"):
        query = query.where(School.customer_type == customer_type)
    return query


def paginate(query: Select, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, min(page, max(1, -(-total // per_page))))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total, page, per_page)


def search_schools(q: str = "", customer_type: str = "", page: int = 1, per_page: int = 50) -> Page:
    query = school_filter(select(School), q, customer_type).order_by(School.name_lower, School.urn)
    return paginate(query, page, per_page)
