"""What the school portal shows a school user: its schools, agreements, invoices and what is owed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts_app.access import agreements_seen_by
from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, School
from contracts_app.services.invoicing.balances import Balance, InvoiceFilter, balances_for, list_invoices, seen_by
from contracts_app.services.queries import Page

LIVE = ("active", "notice_given")
INVOICES_SHOWN = 20


def own_agreements(school_ids: set[int]) -> list[Agreement]:
    """Agreements of the user's schools, and of any group a school belongs to.

    Drafts are the council's working copies: a school sees an agreement once it is issued
    (a withdrawn draft is "cancelled" but was never issued, so it is left out too).
    """
    return list(db.session.scalars(
        select(Agreement).where(agreements_seen_by(school_ids))
        .options(selectinload(Agreement.school), selectinload(Agreement.group), selectinload(Agreement.notices))
        .order_by(Agreement.sla_year.desc(), Agreement.id)))


def owed_by(school_ids: set[int], today: date, trust_id: int | None = None) -> tuple[Decimal, Decimal]:
    """What the schools owe on all their invoices (not only those listed), and how much is overdue; for a trust's
    user (``trust_id``) on the invoices it sees (balances.seen_by)."""
    ids = list(db.session.scalars(select(Invoice.id).where(seen_by(school_ids, trust_id), Invoice.kind == "invoice")))
    balances = balances_for(ids, today).values()
    return (sum((b.outstanding for b in balances), Decimal("0.00")),
            sum((b.outstanding for b in balances if b.overdue), Decimal("0.00")))


def schools(school_ids: set[int]) -> list[School]:
    """The user's schools by name, with their key stakeholders."""
    return list(db.session.scalars(select(School).where(School.id.in_(school_ids))
                                   .options(selectinload(School.stakeholders)).order_by(School.name)))


@dataclass(frozen=True)
class PortalHome:
    """The portal's home page: the schools, live and past agreements, latest invoices, and what is owed."""

    schools: list[School]
    current: list[Agreement]
    past: list[Agreement]
    invoices: Page
    balances: dict[int, Balance]
    owed: Decimal
    overdue: Decimal


def home(school_ids: set[int], today: date | None = None, trust_id: int | None = None) -> PortalHome:
    """Everything the portal's home page shows for these schools (``trust_id``: the user's trust, if any)."""
    today = today or date.today()
    agreements = own_agreements(school_ids)
    invoices, balances = list_invoices(InvoiceFilter(school_ids=school_ids, viewer_trust_id=trust_id), 1,
                                       INVOICES_SHOWN, today)
    owed, overdue = owed_by(school_ids, today, trust_id)
    return PortalHome(schools(school_ids), [a for a in agreements if a.status in LIVE],
                      [a for a in agreements if a.status not in LIVE], invoices, balances, owed, overdue)
