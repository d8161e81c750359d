"""Paging and sorting for every list page, and the shared school filter written once with the
indexes it relies on (models.school)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select

from contracts_app.extensions import db
from contracts_app.models import School
from contracts_app.services.bounds import search_number


@dataclass
class Page:
    """One page of a list: its items, and where it sits among the others."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def first(self) -> int:
        """The position of the page's first item among all (0 on an empty list)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        """The position of the page's last item among all."""
        return (self.page - 1) * self.per_page + len(self.items)

    @property
    def pages(self) -> int:
        """How many pages there are (one, even for an empty list)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """True when a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """True when a page comes after this one."""
        return self.page < self.pages


@dataclass(frozen=True)
class Sort:
    """A list's order as its URL asks: the key of a column shown, and the direction."""

    key: str
    descending: bool = False


def sorted_by(query: Select, sort: Sort, columns: Mapping[str, ColumnElement], then: Sequence) -> Select:
    """Order by the chosen column, empty values last on both databases, then by ``then`` (the list's
    usual order, ending in a unique column) so rows with equal values keep one order page after page."""
    order = list(then)
    column = columns.get(sort.key)
    if column is not None:
        chosen = column.desc() if sort.descending else column.asc()
        order.insert(0, chosen.nulls_last())
    return query.order_by(None).order_by(*order)


def school_filter(query: Select, q: str = "", customer_type: str = "") -> Select:
    """Narrow a school query by a URN, a name or a postcode's start, and a customer type."""
    q = q.strip()
    if q:
        number = search_number(q)
        if number is not None:
            query = query.where(or_(School.urn == number, School.name_lower.contains(q)))
        else:
            compact = q.replace(" ", "").lower()
            query = query.where(or_(School.name_lower.contains(q.lower()),
                                    School.postcode_compact.startswith(compact)))
    if customer_type in ("maintained", "academy"):
        query = query.where(School.customer_type == customer_type)
    return query


def paginate(query: Select, page: int, per_page: int, *, rows: bool = False) -> Page:
    """Run one page of the query (its rows when it selects several columns, else its objects); a page past
    the end shows the last page."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, min(page, max(1, -(-total // per_page))))
    limited = query.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.execute(limited) if rows else db.session.scalars(limited))
    return Page(items, total, page, per_page)

