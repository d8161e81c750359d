"""Next year's price list from this year's, and a price list's download (issue #30).

The views are registered on the catalogue blueprint by ``routes.py`` (``bp.add_url_rule``),
so this module needs nothing from it and there is no import circle.
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from contracts_app.services import price_copy, price_export, price_lists
from contracts_app.web.catalogue.forms import PriceCopyForm
from pricing.describe import describe_terms
from pricing.errors import ActionRefused, PriceRuleError
from pricing.sla_year import SlaYear, requested_year

_FIELDS = {"from": "from_year", "to": "to_year", "uplift": "uplift", "overrides": "overrides"}


def _default_form() -> PriceCopyForm:
    form = PriceCopyForm()
    if request.method == "GET":
        years = [y for y in price_lists.years_with_lists() if price_lists.published(y) is not None]
        source = years[0] if years else SlaYear.containing(date.today()).start_year
        try:  # the price list page's link names its year
            source = requested_year(request.args["from"]).start_year if "from" in request.args else source
        except PriceRuleError:
            pass  # a mistyped address keeps the default; the form still checks what is sent
        form.from_year.data, form.to_year.data = str(source), str(source + 1)
    return form


def copy_prices() -> ResponseReturnValue:
    """Choose the years and uplift, preview the new prices beside this year's, then make the draft."""
    form = _default_form()
    if not form.validate_on_submit():
        return render_template("catalogue/copy.html", form=form, plan=None, lines=[]), \
            (400 if request.method == "POST" else 200)
    args = (form.from_year.data, form.to_year.data, form.uplift.data, (form.overrides.data or "").splitlines())
    try:
        if form.save.data:
            made, plan = price_copy.copy_price_list(*args)
            flash(f"Draft {made.name} made: {plan.summary}. Check it, then publish it.", "success")
            return redirect(url_for(".price_list", year=made.sla_year))
        plan = price_copy.plan_copy(*args)
    except price_copy.CopyRefused as exc:
        getattr(form, _FIELDS.get(exc.field, "uplift")).errors.append(exc.message)
        return render_template("catalogue/copy.html", form=form, plan=None, lines=[]), 400
    lines = [{"code": line.old.service_code, "title": line.old.title, "customer_type": line.old.customer_type,
              "old": describe_terms(line.old.model), "new": describe_terms(line.new.model),
              "percent": line.percent} for line in plan.lines]
    return render_template("catalogue/copy.html", form=form, plan=plan, lines=lines,
                           to_label=SlaYear(plan.to_year).label)


def export_prices(year: int) -> ResponseReturnValue:
    """A price list as CSV or XLSX in the columns the import reads (?format=, ?version=)."""
    try:
        start = requested_year(year).start_year
    except PriceRuleError:
        abort(404)
    fmt = request.args.get("format", "csv")
    version = request.args.get("version", type=int)
    if fmt not in price_export.FORMATS or (version is not None and not 1 <= version <= 10_000):
        abort(404)
    try:
        export = price_export.export_price_list(start, fmt, version)
    except ActionRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for(".price_list", year=start))
    return Response(export.data, mimetype=export.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})
