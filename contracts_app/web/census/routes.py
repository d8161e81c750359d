"""Census pages: collections, import, the missing-figure report and manual overrides."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from pricing.sla_year import SlaYear

from contracts_app.access import roles_required
from contracts_app.extensions import db
from contracts_app.models import School
from contracts_app.services import census as census_service
from contracts_app.services import price_lists
from contracts_app.services.census import MAX_PUPILS
from contracts_app.services.queries import paginate
from pricing.errors import ActionRefused, ImportRefused

bp = Blueprint("census", __name__, url_prefix="/census")


class CensusImportForm(FlaskForm):
    file = FileField("Census file (CSV: urn,census,pupils)", validators=[FileRequired()])
    submit = SubmitField("Import census figures")


class OverrideForm(FlaskForm):
    urn = HiddenField(validators=[DataRequired()])
    census = HiddenField(validators=[DataRequired()])
    pupils = IntegerField("Pupils", validators=[InputRequired(message="Give the number of pupils."), NumberRange(
        min=0, max=MAX_PUPILS, message=f"Pupils must be a whole number from 0 to {MAX_PUPILS}.")])
    note = StringField("Why", validators=[DataRequired(message="Say where the figure comes from."),
                                          Length(max=500)],
                       description="e.g. new school: 60 pupils per admissions")
    submit = SubmitField("Save figure")


@bp.route("/")
@roles_required("sla", "finance")
def index():
    return render_template("census/index.html", collections=census_service.census_summary(),
                           form=CensusImportForm(), problems=None, report=None,
                           this_year=SlaYear.containing(date.today()).start_year)


@bp.route("/import", methods=["POST"])
@roles_required("sla")
def import_file():
    form = CensusImportForm()
    problems = report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = census_service.import_census(upload.read(), upload.filename or "upload")
            flash(f"Census imported: {report.summary()}.", "success")
            return redirect(url_for(".index"))
        except ImportRefused as exc:
            db.session.rollback()
            problems = exc
    return render_template("census/index.html", collections=census_service.census_summary(), form=form,
                           problems=problems, report=report,
                           this_year=SlaYear.containing(date.today()).start_year), 400


def _basis(year: int) -> str:
    price_list = price_lists.draft(year) or price_lists.published(year)
    return price_list.census_basis if price_list else "january"


def _year(value: int | None) -> int:
    this_year = SlaYear.containing(date.today()).start_year
    if value is None:
        return this_year
    if not 2000 <= value <= 2100:
        abort(404)
    return value


def _missing_page(year: int, page: int = 1, bound: OverrideForm | None = None, bound_urn: int | None = None,
                  status: int = 200):
    census = census_service.census_for(year, _basis(year))
    result = paginate(census_service.missing_query(census), page, current_app.config.get("PAGE_SIZE", 50))
    forms = {s.id: (bound if bound is not None and s.urn == bound_urn else
                    OverrideForm(formdata=None, urn=s.urn, census=census.label, prefix=f"s{s.urn}"))
             for s in result.items}
    return render_template("census/missing.html", sla_year=SlaYear(year), census=census, result=result,
                           schools=result.items, forms=forms), status


@bp.route("/missing")
@roles_required("sla", "finance")
def missing():
    return _missing_page(_year(request.args.get("year", type=int)), max(1, request.args.get("page", 1, type=int)))


@bp.route("/override", methods=["POST"])
@roles_required("sla")
def override():
    prefix = request.form.get("prefix", "")
    form = OverrideForm(prefix=prefix)
    year = request.form.get("year", type=int)
    back = redirect(url_for(".missing", year=year) if year else url_for(".index"))
    if not form.validate_on_submit():
        urn = form.urn.data
        if year and urn and urn.isdigit():
            # Show the errors beside the school's fields; nothing was saved.
            page = max(1, request.form.get("page", 1, type=int))
            return _missing_page(_year(year), page, bound=form, bound_urn=int(urn), status=400)
        for name, errors in form.errors.items():
            flash(f"{name.split('-')[-1].capitalize()}: {'; '.join(errors)}", "error")
        return back
    urn = form.urn.data.strip()
    # URNs are six digits; a longer "number" (a tampered form) would not even bind on SQLite.
    school = (db.session.scalar(select(School).where(School.urn == int(urn)))
              if urn.isdigit() and len(urn) <= 9 else None)
    if school is None:
        flash(f"No school with URN {form.urn.data}.", "error")
        return back
    try:
        census_service.set_override(school, form.census.data, form.pupils.data, form.note.data)
        flash(f"{school.name}: {form.pupils.data} pupils recorded for the {form.census.data} census "
              f"({form.note.data.strip()}).", "success")
    except ActionRefused as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return back
