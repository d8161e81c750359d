"""The school portal: a school user's own school (or group) only."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from ..access import roles_required
from ..extensions import db
from ..models import School

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.route("/")
@roles_required("school")
def home():
    ids = current_user.school_ids()
    schools = db.session.scalars(select(School).where(School.id.in_(ids)).order_by(School.name)).all()
    return render_template("portal/home.html", schools=schools)
