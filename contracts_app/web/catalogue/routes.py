"""The service catalogue, the yearly price lists and the price check."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from pricing.errors import ActionRefused, PriceRuleError
from pricing.sla_year import SlaYear, requested_year

from contracts_app.access import roles_required
from contracts_app.models import PriceList, PriceListEntry, Service
from contracts_app.services import catalogue, price_lists
from contracts_app.services.imports import import_upload
from contracts_app.services.price_check import check_request
from contracts_app.web.catalogue import copy as price_copy_views
from contracts_app.web.args import export_arg, sort_arg
from contracts_app.web.confirm import confirmation_page, confirmed
from contracts_app.web.downloads import send_download
from contracts_app.web.catalogue.forms import ConfirmForm, PriceEntryForm, PriceImportForm, ServiceForm

bp = Blueprint("catalogue", __name__)
EDITORS = ("sla",)
READERS = ("sla", "finance")
ENTRY_FIELDS = ("title", "model", "amount", "rate", "minimum", "maximum", "bands", "unit", "vat_code")


@bp.app_template_filter("price_terms")
def price_terms(entry: PriceListEntry | None) -> str:
    """A price row's terms in words, for the templates."""
    return catalogue.terms(entry)


def _service(code: str) -> Service:
    return catalogue.service(code) or abort(404)


def _service_values(form: ServiceForm) -> dict[str, str | None]:
    return {"title": form.title.data, "category": form.category.data, "unit": form.unit.data,
            "default_list": form.default_list.data, "description": form.description.data}


@bp.route("/catalogue/")
@roles_required(*READERS)
def services() -> ResponseReturnValue:
    """The catalogue; retired services too with ?retired=1."""
    show_retired, q = request.args.get("retired") == "1", request.args.get("q", "")[:100]
    sort = sort_arg(catalogue.SORT_KEYS, "")
    if fmt := export_arg():
        return send_download(catalogue.export_services(q, show_retired, sort, fmt))
    result = catalogue.service_page(q, show_retired, sort, request.args.get("page", 1, type=int),
                                    current_app.config["PAGE_SIZE"])
    return render_template("catalogue/services.html", result=result, services=result.items, q=q, sort=sort,
                           show_retired=show_retired, confirm=ConfirmForm())


@bp.route("/catalogue/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_service() -> ResponseReturnValue:
    """Add a service to the catalogue."""
    form = ServiceForm()
    if form.validate_on_submit():
        try:
            added = catalogue.add_service(form.code.data, **_service_values(form))
            flash(f"Service {added.code} added to the catalogue.", "success")
            return redirect(url_for(".services"))
        except ActionRefused as exc:
            form.code.errors.append(exc.message)
    return render_template("catalogue/service_form.html", form=form, service=None)


@bp.route("/catalogue/<code>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_service(code: str) -> ResponseReturnValue:
    """Change a service's details (never its code)."""
    service = _service(code)
    form = ServiceForm(obj=service)
    if request.method == "POST":
        form.code.data = service.code  # the code is the key agreements and price lists use
    if form.validate_on_submit():
        catalogue.update_service(service, **_service_values(form))
        flash(f"Service {service.code} saved.", "success")
        return redirect(url_for(".services"))
    return render_template("catalogue/service_form.html", form=form, service=service)


@bp.route("/catalogue/<code>/retire", methods=["POST"])
@roles_required(*EDITORS)
def retire_service(code: str) -> ResponseReturnValue:
    """Retire a service, once the confirmation page has said what follows and how to undo it."""
    service = _service(code)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".services"))
    if not confirmed() and not service.retired:
        held = catalogue.agreements_with(service)
        return confirmation_page(
            title=f"Retire {service.code} {service.title}?",
            lead=f"{service.code} leaves the catalogue: new drafts, round offers and the price check stop offering it.",
            consequences=[f"{held:,} live agreement(s) carry it and keep it, and their invoices still bill it.",
                          "Its price list rows stay as they are."],
            action=url_for(".retire_service", code=service.code), back=url_for(".services"),
            button=f"retire {service.code}", fields=[],
            undo=f"It can be undone: 'Bring back' on the catalogue (with retired services shown), "
                 f"or `flask catalogue reinstate {service.code}`.")
    try:
        catalogue.retire_service(service)
        flash(f"Service {code} retired: it stays on existing agreements.", "success")
    except ActionRefused as exc:
        flash(exc.message, "error")
    return redirect(url_for(".services"))


@bp.route("/catalogue/<code>/reinstate", methods=["POST"])
@roles_required(*EDITORS)
def reinstate_service(code: str) -> ResponseReturnValue:
    """Bring a retired service back into the catalogue (undoing a retirement needs no confirmation)."""
    service = _service(code)
    if ConfirmForm().validate_on_submit():
        try:
            catalogue.reinstate_service(service)
            flash(f"Service {code} is back in the catalogue.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".services", retired=1))


# -- price lists ---------------------------------------------------------------------

def _year_or_404(year: int) -> SlaYear:
    """A year in the address: one out of the bound (requested_year's) is a page that is not there."""
    try:
        return requested_year(year)
    except PriceRuleError:
        abort(404)


def _this_year() -> int:
    return SlaYear.containing(date.today()).start_year


@bp.route("/prices/")
@roles_required(*READERS)
def price_years() -> ResponseReturnValue:
    """The newest year's price list, or this year's when there is none."""
    years = price_lists.years_with_lists()
    return redirect(url_for(".price_list", year=years[0] if years else _this_year()))


@bp.route("/prices/<int:year>")
@roles_required(*READERS)
def price_list(year: int) -> ResponseReturnValue:
    """A year's price list, side by side per service; ?version= for an older version."""
    return _price_list_page(year)


def _price_list_page(year: int, import_form: PriceImportForm | None = None,
                     status: int = 200) -> ResponseReturnValue:
    sla_year = _year_or_404(year)
    lists = catalogue.year_lists(year, request.args.get("version", type=int))
    q, sort = request.args.get("q", "")[:100], sort_arg(catalogue.PRICE_SORTS, "")
    return render_template(
        "catalogue/price_list.html", sla_year=sla_year, price_list=lists.shown, versions=lists.versions,
        rows=catalogue.shown_rows(lists.rows, q, sort), import_form=import_form or PriceImportForm(),
        confirm=ConfirmForm(), years=lists.years, can_edit=current_user.role in ("admin", *EDITORS), q=q, sort=sort,
    ), status


@bp.route("/prices/<int:year>/import", methods=["POST"])
@roles_required(*EDITORS)
def import_prices(year: int) -> ResponseReturnValue:
    """Upload a price list as the year's draft: the whole file is imported or nothing is."""
    sla_year = _year_or_404(year)
    form = PriceImportForm()
    if not form.validate_on_submit():
        return _price_list_page(year, form, 400)  # the errors show beside the fields
    report, refusal = import_upload(form.file.data, lambda data, source: price_lists.import_price_list(
        data, year, source, census_basis=form.census_basis.data))
    if refusal is not None:
        return render_template("catalogue/import_refused.html", problems=refusal, sla_year=sla_year), 400
    flash(f"Imported: {report.summary()}.", "success")
    return redirect(url_for(".price_list", year=year))


@bp.route("/prices/<int:year>/publish", methods=["POST"])
@roles_required(*EDITORS)
def publish_prices(year: int) -> ResponseReturnValue:
    """Publish (freeze) the year's draft, once the confirmation page has said how many rows."""
    sla_year = _year_or_404(year)
    if ConfirmForm().validate_on_submit():
        target = price_lists.draft(year)
        if not confirmed() and target is not None and target.entries:
            return _publish_confirmation(sla_year, target)
        try:
            published = price_lists.publish(year, current_user.email)
            flash(f"{published.name} is published and frozen.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".price_list", year=year))


def _publish_confirmation(sla_year: SlaYear, target: PriceList) -> ResponseReturnValue:
    rows = len(target.entries)
    current = price_lists.published(sla_year.start_year)
    consequences = [f"{rows} price row(s) of {target.name} are frozen: new agreements and invoices for "
                    f"{sla_year.label} are priced from them.",
                    f"Version {current.version}, published now, is superseded." if current else
                    f"It is the first published {sla_year.label} price list."]
    return confirmation_page(
        title=f"Publish the {sla_year.label} price list?", lead=f"You are about to publish {target.name}.",
        consequences=consequences, action=url_for(".publish_prices", year=sla_year.start_year),
        back=url_for(".price_list", year=sla_year.start_year), button=f"publish {rows} rows for {sla_year.label}")


@bp.route("/prices/<int:year>/new-version", methods=["POST"])
@roles_required(*EDITORS)
def new_price_version(year: int) -> ResponseReturnValue:
    """Start a draft copy of the year's published list."""
    _year_or_404(year)
    if ConfirmForm().validate_on_submit():
        try:
            copy = price_lists.new_version(year)
            flash(f"Draft {copy.name} started from the published prices.", "success")
        except ActionRefused as exc:
            flash(exc.message, "error")
    return redirect(url_for(".price_list", year=year))


@bp.route("/prices/<int:year>/entries/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_entry(year: int, entry_id: int) -> ResponseReturnValue:
    """Change one price of a draft list, by the same rules as the import."""
    entry = price_lists.entry(year, entry_id)
    if entry is None:
        abort(404)
    if entry.price_list.frozen:
        flash(f"{entry.price_list.name} is {entry.price_list.status}: start a new version to change prices.",
              "error")
        return redirect(url_for(".price_list", year=year, version=entry.price_list.version))
    form = PriceEntryForm(obj=entry)
    if request.method == "GET":
        for name in ("amount", "rate", "minimum", "maximum"):
            getattr(form, name).data = _as_typed(getattr(entry, name))
    if form.validate_on_submit():
        try:
            price_lists.update_entry(entry, **{name: (getattr(form, name).data or "") for name in ENTRY_FIELDS})
            flash(f"{entry.name} saved: {catalogue.terms(entry)}.", "success")
            return redirect(url_for(".price_list", year=year))
        except PriceRuleError as exc:
            field = getattr(form, exc.column, None) if exc.column else None
            (field.errors if field is not None else form.model.errors).append(exc.reason)
        except ActionRefused as exc:
            form.model.errors.append(exc.message)
    return render_template("catalogue/entry_form.html", form=form, entry=entry, sla_year=SlaYear(year))


def _as_typed(value: Decimal | None) -> str:
    """A stored price as the SLA team typed it: 3.1000 -> 3.10, 3.5650 -> 3.565, 780.00 -> 780.00."""
    if value is None:
        return ""
    shown = value.normalize()
    if shown.as_tuple().exponent > -2:
        shown = shown.quantize(Decimal("0.01"))
    return format(shown, "f")


@bp.route("/prices/<int:year>/compare")
@roles_required(*READERS)
def compare_prices(year: int) -> ResponseReturnValue:
    """The year's prices against last year's, for an example school (?pupils=, 250 by default)."""
    sla_year = _year_or_404(year)
    reference = max(0, request.args.get("pupils", 250, type=int))
    comparison = catalogue.compare_with_last_year(year, reference)
    return render_template("catalogue/compare.html", sla_year=sla_year, new=comparison.new, old=comparison.old,
                           rows=comparison.rows, reference=reference, error=comparison.error)


# Next year's list from this year's, and the download in the import's format (issue #30): web/catalogue/copy.py.
bp.add_url_rule("/prices/copy", view_func=roles_required(*EDITORS)(price_copy_views.copy_prices),
                methods=["GET", "POST"])
bp.add_url_rule("/prices/<int:year>/export", view_func=roles_required(*READERS)(price_copy_views.export_prices))


# -- the price check -------------------------------------------------------------------

@bp.route("/prices/check")
@roles_required(*READERS)
def price_check() -> ResponseReturnValue:
    """Price any school against any year's list, line by line."""
    args = request.args
    year, year_error = _this_year(), None
    try:
        year = requested_year(args["year"]).start_year if args.get("year", "").strip() else year
    except PriceRuleError as exc:
        # A mistyped year shows the current one, and says why, rather than failing.
        year_error = f"{exc.reason}. Showing {SlaYear(year).label}."
    urn = args.get("urn", "")
    quantities = {key.removeprefix("qty-"): value for key, value in args.items() if key.startswith("qty-")}
    page = check_request(year, urn, args.getlist("service"), quantities)
    return render_template("catalogue/price_check.html", year=year, school=page.school, services=page.services,
                           chosen=page.chosen, result=None if year_error else page.result,
                           errors=([year_error] if year_error else []) + page.errors,
                           price_list=page.price_list, years=page.years, urn=urn)
