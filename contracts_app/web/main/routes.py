"""The home page: a dashboard that fits the signed-in role."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contracts_app.services import home
from contracts_app.services.invoicing.overview import overview
from contracts_app.services.jobs import consumers

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> ResponseReturnValue:
    """The staff dashboard; a school user goes to the portal."""
    if current_user.role == "school":
        return redirect(url_for("portal.home"))
    finance = overview() if current_user.role in ("admin", "finance") else None  # what finance watches
    seen = consumers.seen() if current_user.role == "admin" else None  # is anyone taking the jobs?
    return render_template("main/index.html", counts=home.schools_by_customer_type(), finance=finance,
                           consumers=seen)
