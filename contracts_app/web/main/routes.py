"""The home page: a dashboard that fits the signed-in role."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import School

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if current_user.role == "school":
        return redirect(url_for("portal.home"))
    counts = dict(
        db.session.execute(select(School.customer_type, func.count()).group_by(School.customer_type)).all()
    )
    return render_template("main/index.html", counts=counts)
