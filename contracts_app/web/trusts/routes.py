"""The trust pages (issue #29): the list, a trust with its academies (now and before), their
agreements, invoices and balances, its contacts, and the SLA team's membership override."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contracts_app.access import roles_required
from contracts_app.models import Trust
from contracts_app.services import schools as schools_service
from contracts_app.services.register import trusts as trusts_service
from contracts_app.web.args import export_arg, sort_arg
from contracts_app.web.downloads import send_download
from contracts_app.web.trusts.forms import ContactForm, DeleteForm, DetailsForm, OverrideForm
from pricing.errors import ActionRefused

bp = Blueprint("trusts", __name__, url_prefix="/trusts")


def _trust(code: str) -> Trust:
    trust = trusts_service.by_code(code)
    if trust is None:
        abort(404)
    return trust


@bp.route("/")
@roles_required("sla", "finance")
def index() -> ResponseReturnValue:
    """Search the trusts by name or GIAS code."""
    q, billing = request.args.get("q", "")[:200], request.args.get("billing", "")
    if billing not in ("", "per_academy", "consolidated"):
        abort(400, description=f"billing must be per_academy or consolidated, not {billing[:40]!r}")
    sort = sort_arg(trusts_service.SORT_KEYS, "name")
    if fmt := export_arg():
        return send_download(trusts_service.export_trusts(q, billing, sort, fmt))
    page = request.args.get("page", 1, type=int)
    result = trusts_service.search(q, page, current_app.config["PAGE_SIZE"], billing=billing, sort=sort)
    return render_template("trusts/index.html", result=result, q=q, billing=billing, sort=sort, today=date.today())


def _page(trust: Trust, **forms) -> ResponseReturnValue:
    editor = current_user.role in ("admin", "sla")
    forms = {"details_form": DetailsForm(obj=trust), "contact_form": ContactForm(),
             "override_form": OverrideForm(trust_code=trust.code, on=date.today()), **forms}
    return render_template("trusts/show.html", view=trusts_service.trust_view(trust, date.today()), editor=editor,
                           delete_form=DeleteForm(), **forms)


@bp.route("/<trust_code>")
@roles_required("sla", "finance")
def show(trust_code: str) -> ResponseReturnValue:
    """A trust: its academies now and before, their agreements, invoices and balances, contacts."""
    return _page(_trust(trust_code))


@bp.route("/<trust_code>/details", methods=["POST"])
@roles_required("sla")
def details(trust_code: str) -> ResponseReturnValue:
    """Save the trust's Companies House number, address and billing setting."""
    trust = _trust(trust_code)
    form = DetailsForm()
    if form.validate_on_submit():
        try:
            trusts_service.update_details(trust, **{n: getattr(form, n).data or "" for n in trusts_service.DETAIL_FIELDS})
            flash("Trust details saved.", "success")
            return redirect(url_for(".show", trust_code=trust.code))
        except ActionRefused as exc:
            form.companies_house_number.errors.append(exc.message)
    return _page(trust, details_form=form), 400


@bp.route("/<trust_code>/contacts", methods=["POST"])
@roles_required("sla")
def new_contact(trust_code: str) -> ResponseReturnValue:
    """Add a contact at the trust (finance, signatory)."""
    trust = _trust(trust_code)
    form = ContactForm()
    if not form.validate_on_submit():
        return _page(trust, contact_form=form), 400
    trusts_service.add_contact(trust, **{n: getattr(form, n).data or ("" if n in ("email", "phone") else False)
                                         for n in trusts_service.CONTACT_FIELDS})
    flash("Contact added.", "success")
    return redirect(url_for(".show", trust_code=trust.code))


@bp.route("/<trust_code>/contacts/<int:trust_contact_id>/delete", methods=["POST"])
@roles_required("sla")
def delete_contact(trust_code: str, trust_contact_id: int) -> ResponseReturnValue:
    """Remove a contact from the trust."""
    trust = _trust(trust_code)
    found = trusts_service.contact(trust, trust_contact_id)
    if found is None:
        abort(404)
    if DeleteForm().validate_on_submit():
        trusts_service.remove_contact(found)
        flash("Contact removed.", "success")
    return redirect(url_for(".show", trust_code=trust.code))


@bp.route("/<trust_code>/override", methods=["POST"])
@roles_required("sla")
def override(trust_code: str) -> ResponseReturnValue:
    """Set an academy's trust from a date whatever GIAS says (audited, with the reason)."""
    trust = _trust(trust_code)
    form = OverrideForm()
    if form.validate_on_submit():
        school = schools_service.by_urn(form.urn.data)
        if school is None:
            form.urn.errors.append(f"No school with URN {form.urn.data}.")
        else:
            try:
                trusts_service.override_membership(school, form.trust_code.data or None, form.on.data,
                                                   form.reason.data)
                flash(f"Membership of {school.urn} {school.name} overridden.", "success")
                return redirect(url_for(".show", trust_code=trust.code))
            except ActionRefused as exc:
                form.trust_code.errors.append(exc.message)
    return _page(trust, override_form=form), 400


# -- the trust's statement of account (issue #29): contracts_app/web/trusts/statement.py, trusts.statement.* --
from contracts_app.web.trusts.statement import bp as statement_bp  # noqa: E402 - its own block, kept apart

bp.register_blueprint(statement_bp)
