"""The home page: a dashboard that fits the signed-in role."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contracts_app.models.round import OFFER_STATE_NAMES
from contracts_app.services import home
from contracts_app.services.invoicing.overview import overview
from contracts_app.services.jobs import consumers
from contracts_app.web.args import year_arg

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> ResponseReturnValue:
    """The staff dashboard; a school user goes to the portal. The SLA team sees its year's tasks
    (next year's, or ?year=), finance its figures, the administrator all of them and its checks."""
    if current_user.role == "school":
        return redirect(url_for("portal.home"))
    role = current_user.role
    finance = overview() if role in ("admin", "finance") else None  # what finance watches
    seen = consumers.seen() if role == "admin" else None  # is anyone taking the jobs?
    glance = home.year_at_a_glance(year_arg()) if role in ("admin", "sla") else None
    health = home.admin_health() if role == "admin" else None
    return render_template("main/index.html", counts=home.schools_by_customer_type(), finance=finance,
                           consumers=seen, glance=glance, health=health,
                           state_names=OFFER_STATE_NAMES)
