"""Register changes pages (issue #28): the list of changes GIAS implies, and the confirmation page
of one - its schools, dates, amounts credited and new annual totals, with the successor's new
purchase-order number - that applies it. SLA team and admin only. Nested in the schools
blueprint (schools.changes.*) by web/schools/routes.py."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import Length, Optional

from contracts_app.access import roles_required
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.register import applying
from contracts_app.services import jobs
from contracts_app.services.register.changes import applicable_ids, find_change, list_changes
from contracts_app.services.register.consequences import work_out, work_out_all
from contracts_app.services.register.describe import consequences
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.validators import OneLine
from pricing.errors import ActionRefused

bp = Blueprint("changes", __name__, url_prefix="/changes")
# Each row carries its consequences (credits, the successor priced): fewer rows than other lists.
PER_PAGE = 20


class ApplyChangeForm(FlaskForm):
    """The confirmation's own inputs: the successor's new PO (a new buyer needs one) and the credit date."""

    po_number = StringField("The successor's new purchase-order number", validators=[Optional(), Length(max=60),
                                                                                      OneLine()],
                            description="The predecessor's PO is not carried over; leave empty if there is none yet.")
    credit_date = DateField("Date of the credit notes", validators=[Optional()],
                            description="Today when left empty.")
    submit = SubmitField("Confirm: apply this change")


@bp.route("/")
@roles_required("sla")
def index() -> ResponseReturnValue:
    """Every change GIAS implies for a school with an agreement, with what applying it would do."""
    page = request.args.get("page", 1, type=int)
    result = list_changes(page, current_app.config.get("REGISTER_CHANGES_PAGE", PER_PAGE))
    work_out_all(result.items)
    return render_template("schools/changes/index.html", result=result, apply_all=ApplyAllForm(),
                           pending=any(v.state == "pending" for v in result.items))


@bp.route("/<int:change_id>", methods=["GET", "POST"])
@roles_required("sla")
def confirm(change_id: int) -> ResponseReturnValue:
    """The change's consequences and, on Confirm, applying it (applying twice changes nothing)."""
    view = find_change(change_id)
    if view is None:
        abort(404)
    form = ApplyChangeForm()
    refused = None
    if form.validate_on_submit():
        try:
            result = applying.apply_change(change_id, current_user.email, po_number=form.po_number.data or "",
                                           credit_date=form.credit_date.data)
        except InputRefused as exc:
            getattr(form, exc.field).errors.append(exc.message)
        except ActionRefused as exc:
            refused = exc.message
        else:
            flash(result.message if result.changed else f"Already applied: {result.message}",
                  "success" if result.changed else "info")
            return redirect(url_for("schools.changes.index"))
        view = find_change(change_id)
    work_out(view)
    status = 400 if request.method == "POST" else 200
    return render_template("schools/changes/confirm.html", view=view, form=form, refused=refused,
                           consequences=consequences(view)), status


class ApplyAllForm(FlaskForm):
    submit = SubmitField("Apply every pending change")


@bp.route("/apply-all", methods=["POST"])
@roles_required("sla")
def apply_all() -> ResponseReturnValue:
    """Every pending change as a job, after a confirmation listing each one's consequences."""
    if not ApplyAllForm().validate_on_submit():
        return redirect(url_for(".index"))
    ids = applicable_ids()
    if not ids:
        flash("There is no pending register change to apply.", "info")
        return redirect(url_for(".index"))
    if not confirmed():
        views = work_out_all([v for v in (find_change(i) for i in ids[:50]) if v is not None])
        lines = [f"{v.implied.kind_name}, {v.school.name} ({v.school.urn}): " + "; ".join(consequences(v))
                 for v in views]
        more = [f"... and {len(ids) - 50} more changes"] if len(ids) > 50 else []
        return confirmation_page(title="Apply every pending register change",
                                 lead=f"{len(ids)} change{'s' if len(ids) != 1 else ''}, each in its own "
                                      "transaction, as a background job; one that is refused is listed and "
                                      "the others go ahead. Credit notes are dated today; successors get no "
                                      "purchase-order number.",
                                 consequences=lines + more, action=url_for(".apply_all"),
                                 back=url_for(".index"), button="apply them", fields=[])
    try:
        job = jobs.start("apply_register_changes", {}, current_user)
    except ActionRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    return redirect(url_for("jobs.show", job_id=job.id))
