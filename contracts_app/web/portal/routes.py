"""The school portal: a school user's own school (or group) only."""
from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contracts_app.access import roles_required
from contracts_app.services import portal
from contracts_app.services.rounds.queries import portal_offers
from contracts_app.web.portal import trust  # noqa: F401  (a trust user's round page, on the same blueprint)
from contracts_app.web.portal.blueprint import bp
from contracts_app.web.rounds.forms import ActionForm


@bp.route("/")
@roles_required("school")
def home() -> ResponseReturnValue:
    """The school's agreements, latest invoices and what it owes."""
    page = portal.home(current_user.school_ids(), trust_id=current_user.trust_id)
    return render_template("portal/home.html", schools=page.schools, group=current_user.group,
                           current=page.current, past=page.past, invoices=page.invoices, balances=page.balances,
                           owed=page.owed, overdue=page.overdue,
                           offers=portal_offers(current_user.school_ids()), offer_form=ActionForm())
