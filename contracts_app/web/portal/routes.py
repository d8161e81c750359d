"""The school portal: a school user's own school (or group) only."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts_app.access import agreements_seen_by, roles_required
from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, School
from contracts_app.services.invoicing.balances import InvoiceFilter, balances_for, list_invoices

bp = Blueprint("portal", __name__, url_prefix="/portal")
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


def owed_by(school_ids: set[int], today: date) -> tuple[Decimal, Decimal]:
    """What the schools owe on all their invoices (not only those listed), and how much is overdue."""
    ids = list(db.session.scalars(select(Invoice.id).where(Invoice.school_id.in_(school_ids or {-1}),
                                                           Invoice.kind == "invoice")))
    balances = balances_for(ids, today).values()
    return (sum((b.outstanding for b in balances), Decimal("0.00")),
            sum((b.outstanding for b in balances if b.overdue), Decimal("0.00")))


@bp.route("/")
@roles_required("school")
def home():
    ids = current_user.school_ids()
    schools = db.session.scalars(select(School).where(School.id.in_(ids)).options(selectinload(School.stakeholders))
                                 .order_by(School.name)).all()
    agreements = own_agreements(ids)
    today = date.today()
    invoices, balances = list_invoices(InvoiceFilter(school_ids=ids), 1, INVOICES_SHOWN, today)
    owed, overdue = owed_by(ids, today)
    return render_template("portal/home.html", schools=schools, group=current_user.group,
                           current=[a for a in agreements if a.status in LIVE],
                           past=[a for a in agreements if a.status not in LIVE],
                           invoices=invoices, balances=balances, owed=owed, overdue=overdue)
