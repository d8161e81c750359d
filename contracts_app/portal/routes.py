"""The school portal: a school user's own school (or group) only."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..access import roles_required
from ..extensions import db
from ..models import Agreement, School, school_group_members

bp = Blueprint("portal", __name__, url_prefix="/portal")


def own_agreements(school_ids: set[int]) -> list[Agreement]:
    """Agreements of the user's schools, and of any group a school belongs to."""
    groups = select(school_group_members.c.group_id).where(school_group_members.c.school_id.in_(school_ids))
    return list(db.session.scalars(
        select(Agreement).where(or_(Agreement.school_id.in_(school_ids), Agreement.group_id.in_(groups)),
                                Agreement.status != "draft")
        .options(selectinload(Agreement.school), selectinload(Agreement.group))
        .order_by(Agreement.sla_year.desc(), Agreement.id)))


@bp.route("/")
@roles_required("school")
def home():
    from datetime import date

    from ..services.invoicing import InvoiceFilter, list_invoices

    ids = current_user.school_ids()
    schools = db.session.scalars(select(School).where(School.id.in_(ids)).order_by(School.name)).all()
    invoices, balances = list_invoices(InvoiceFilter(school_ids=ids), 1, 20, date.today())
    owed = sum((b.outstanding for b in balances.values()), Decimal("0.00"))
    overdue = sum((b.outstanding for b in balances.values() if b.overdue), Decimal("0.00"))
    return render_template("portal/home.html", schools=schools, agreements=own_agreements(ids),
                           invoices=invoices, balances=balances, owed=owed, overdue=overdue)
