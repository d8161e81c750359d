"""Census pages: collections, import, the missing-figure report and manual overrides."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask.typing import ResponseReturnValue

from pricing.errors import ActionRefused, PriceRuleError
from pricing.sla_year import SlaYear, requested_year

from contracts_app.access import roles_required
from contracts_app.services import census as census_service
from contracts_app.services.bounds import search_number
from contracts_app.services.jobs.imports import import_or_queue
from contracts_app.web.args import export_arg, sort_arg, year_arg
from contracts_app.web.downloads import send_download
from contracts_app.web.census.forms import CensusImportForm, OverrideForm

bp = Blueprint("census", __name__, url_prefix="/census")


def _this_year() -> int:
    return SlaYear.containing(date.today()).start_year


@bp.route("/")
@roles_required("sla", "finance")
def index() -> ResponseReturnValue:
    """The census collections held, and the import form."""
    return render_template("census/index.html", collections=census_service.census_summary(),
                           form=CensusImportForm(), problems=None, report=None, this_year=_this_year())


@bp.route("/import", methods=["POST"])
@roles_required("sla")
def import_file() -> ResponseReturnValue:
    """Upload census figures: the whole file is imported or nothing is."""
    form = CensusImportForm()
    problems = report = None
    if form.validate_on_submit():
        report, problems, job = import_or_queue("import_census", form.file.data, current_user)
        if job is not None:  # a long file: imported by the job queue, its page shows the bar
            return redirect(url_for("jobs.show", job_id=job.id))
        if report is not None:
            flash(f"Census imported: {report.summary()}.", "success")
            if report.not_in_register:  # a DfE file covers England: the rest are listed, not refused
                flash(f"Not in the register, so not imported: {report.not_in_register_text()}.", "warning")
            return redirect(url_for(".index"))
    return render_template("census/index.html", collections=census_service.census_summary(), form=form,
                           problems=problems, report=report, this_year=_this_year()), 400


def _year(value: int | None) -> int:
    """The posted year (the override form's), checked by the one bound: a mistyped one is a 400."""
    if value is None:
        return _this_year()
    try:
        return requested_year(value).start_year
    except PriceRuleError as exc:
        abort(400, description=exc.reason)


def _missing_page(year: int, page: int = 1, bound: OverrideForm | None = None, bound_urn: int | None = None,
                  status: int = 200) -> ResponseReturnValue:
    q, customer_type = request.args.get("q", "")[:200], request.args.get("type", "")
    sort = sort_arg(census_service.MISSING_SORTS, "school")
    census, result = census_service.missing_page(year, page, current_app.config.get("PAGE_SIZE", 50), q,
                                                 customer_type, sort)
    forms = {s.id: (bound if bound is not None and s.urn == bound_urn else
                    OverrideForm(formdata=None, urn=s.urn, census=census.label, prefix=f"s{s.urn}"))
             for s in result.items}
    return render_template("census/missing.html", sla_year=SlaYear(year), census=census, result=result,
                           schools=result.items, forms=forms, sort=sort, q=q, customer_type=customer_type), status


@bp.route("/missing")
@roles_required("sla", "finance")
def missing() -> ResponseReturnValue:
    """The open schools with no figure in the census the year's prices use."""
    year = year_arg(_this_year())
    if fmt := export_arg():
        return send_download(census_service.export_missing(year, request.args.get("q", "")[:200],
                                                           request.args.get("type", ""),
                                                           sort_arg(census_service.MISSING_SORTS, "school"), fmt))
    return _missing_page(year, max(1, request.args.get("page", 1, type=int)))


@bp.route("/override", methods=["POST"])
@roles_required("sla")
def override() -> ResponseReturnValue:
    """Record the SLA team's figure for a school the census lacks."""
    prefix = request.form.get("prefix", "")
    form = OverrideForm(prefix=prefix)
    year = request.form.get("year", type=int)
    back = redirect(url_for(".missing", year=year) if year else url_for(".index"))
    if not form.validate_on_submit():
        urn = form.urn.data
        if year and urn and search_number(urn) is not None:
            # Show the errors beside the school's fields; nothing was saved.
            page = max(1, request.form.get("page", 1, type=int))
            return _missing_page(_year(year), page, bound=form, bound_urn=search_number(urn), status=400)
        for name, errors in form.errors.items():
            flash(f"{name.split('-')[-1].capitalize()}: {'; '.join(errors)}", "error")
        return back
    try:
        figure = census_service.record_override(form.urn.data, form.census.data, form.pupils.data,
                                                form.note.data)
        flash(f"{figure.school.name}: {form.pupils.data} pupils recorded for the {form.census.data} census "
              f"({form.note.data.strip()}).", "success")
    except ActionRefused as exc:
        flash(exc.message, "error")
    return back
