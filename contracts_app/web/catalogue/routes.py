"""The service catalogue, the yearly price lists and the price check."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from pricing.check import compare_lists
from pricing.errors import PricingError, PriceRuleError
from pricing.sla_year import SlaYear

from contracts_app.access import roles_required
from contracts_app.extensions import db
from contracts_app.models import PriceListEntry, School, Service
from contracts_app.models.types import utcnow
from contracts_app.services import price_lists
from pricing.errors import ActionRefused, ImportRefused
from contracts_app.services.price_check import price_school
from contracts_app.services.catalogue import side_by_side, terms
from contracts_app.web.catalogue.forms import ConfirmForm, PriceEntryForm, PriceImportForm, ServiceForm

bp = Blueprint("catalogue", __name__)
EDITORS = ("sla",)
READERS = ("sla", "finance")


@bp.app_template_filter("price_terms")
def price_terms(entry):
    return terms(entry)


def _service(code: str) -> Service:
    return db.session.scalar(select(Service).where(Service.code == code)) or abort(404)


@bp.route("/catalogue/")
@roles_required(*READERS)
def services():
    show_retired = request.args.get("retired") == "1"
    query = select(Service).order_by(Service.category, Service.code)
    if not show_retired:
        query = query.where(Service.retired_at.is_(None))
    return render_template("catalogue/services.html", services=db.session.scalars(query).all(),
                           show_retired=show_retired, confirm=ConfirmForm())


@bp.route("/catalogue/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_service():
    form = ServiceForm()
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        if db.session.scalar(select(Service).where(Service.code == code)):
            form.code.errors.append(f"A service with code {code} already exists.")
        elif code == "ADHOC":
            form.code.errors.append("ADHOC is reserved for the ad hoc hourly rate in price lists.")
        else:
            service = Service(code=code)
            _fill_service(service, form)
            db.session.add(service)
            db.session.commit()
            flash(f"Service {code} added to the catalogue.", "success")
            return redirect(url_for(".services"))
    return render_template("catalogue/service_form.html", form=form, service=None)


def _fill_service(service: Service, form: ServiceForm) -> None:
    service.title = form.title.data.strip()
    service.category = (form.category.data or "").strip()
    service.unit = (form.unit.data or "").strip()
    service.default_list = form.default_list.data
    service.description = (form.description.data or "").strip()


@bp.route("/catalogue/<code>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_service(code: str):
    service = _service(code)
    form = ServiceForm(obj=service)
    if request.method == "POST":
        form.code.data = service.code  # the code is the key agreements and price lists use
    if form.validate_on_submit():
        _fill_service(service, form)
        db.session.commit()
        flash(f"Service {service.code} saved.", "success")
        return redirect(url_for(".services"))
    return render_template("catalogue/service_form.html", form=form, service=service)


@bp.route("/catalogue/<code>/retire", methods=["POST"])
@roles_required(*EDITORS)
def retire_service(code: str):
    service = _service(code)
    if ConfirmForm().validate_on_submit():
        service.retired_at = None if service.retired else utcnow()
        db.session.commit()
        flash(f"Service {code} {'retired: it stays on existing agreements' if service.retired else 'is back in the catalogue'}.",
              "success")
    return redirect(url_for(".services"))


# -- price lists ---------------------------------------------------------------------

def _year_or_404(year: int) -> SlaYear:
    if not 2000 <= year <= 2100:
        abort(404)
    return SlaYear(year)


@bp.route("/prices/")
@roles_required(*READERS)
def price_years():
    years = price_lists.years_with_lists()
    this_year = SlaYear.containing(date.today()).start_year
    return redirect(url_for(".price_list", year=years[0] if years else this_year))


@bp.route("/prices/<int:year>")
@roles_required(*READERS)
def price_list(year: int):
    return _price_list_page(year)


def _price_list_page(year: int, import_form: PriceImportForm | None = None, status: int = 200):
    sla_year = _year_or_404(year)
    all_versions = price_lists.versions(year)
    wanted = request.args.get("version", type=int)
    shown = next((v for v in all_versions if v.version == wanted), None) if wanted else None
    if shown is None:
        shown = price_lists.draft(year) or price_lists.published(year) or (all_versions[0] if all_versions else None)
    return render_template(
        "catalogue/price_list.html", sla_year=sla_year, price_list=shown, versions=all_versions,
        rows=side_by_side(shown) if shown else [], import_form=import_form or PriceImportForm(),
        confirm=ConfirmForm(), years=sorted(set(price_lists.years_with_lists()) | {year, year + 1}, reverse=True),
        can_edit=current_user.role in ("admin", *EDITORS),
    ), status


@bp.route("/prices/<int:year>/import", methods=["POST"])
@roles_required(*EDITORS)
def import_prices(year: int):
    sla_year = _year_or_404(year)
    form = PriceImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = price_lists.import_price_list(upload.read(), year, upload.filename or "upload",
                                                   census_basis=form.census_basis.data)
            flash(f"Imported: {report.summary()}.", "success")
            return redirect(url_for(".price_list", year=year))
        except ImportRefused as exc:
            db.session.rollback()
            return render_template("catalogue/import_refused.html", problems=exc, sla_year=sla_year), 400
    return _price_list_page(year, form, 400)  # the errors show beside the fields


@bp.route("/prices/<int:year>/publish", methods=["POST"])
@roles_required(*EDITORS)
def publish_prices(year: int):
    _year_or_404(year)
    if ConfirmForm().validate_on_submit():
        try:
            published = price_lists.publish(year, current_user.email)
            flash(f"{published.name} is published and frozen.", "success")
        except ActionRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for(".price_list", year=year))


@bp.route("/prices/<int:year>/new-version", methods=["POST"])
@roles_required(*EDITORS)
def new_price_version(year: int):
    _year_or_404(year)
    if ConfirmForm().validate_on_submit():
        try:
            copy = price_lists.new_version(year)
            flash(f"Draft {copy.name} started from the published prices.", "success")
        except ActionRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for(".price_list", year=year))


@bp.route("/prices/<int:year>/entries/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_entry(year: int, entry_id: int):
    entry = db.session.get(PriceListEntry, entry_id) if entry_id < 2**31 else None
    if entry is None or entry.price_list.sla_year != year:
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
            price_lists.update_entry(entry, **{name: (getattr(form, name).data or "") for name in (
                "title", "model", "amount", "rate", "minimum", "maximum", "bands", "unit", "vat_code")})
            flash(f"{entry.name} saved: {terms(entry)}.", "success")
            return redirect(url_for(".price_list", year=year))
        except PriceRuleError as exc:
            db.session.rollback()
            field = getattr(form, exc.column, None) if exc.column else None
            (field.errors if field is not None else form.model.errors).append(exc.reason)
        except ActionRefused as exc:
            db.session.rollback()
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
def compare_prices(year: int):
    sla_year = _year_or_404(year)
    new = price_lists.draft(year) or price_lists.published(year)
    old = price_lists.published(year - 1)
    reference = request.args.get("pupils", 250, type=int)
    reference = max(0, reference)
    rows, error = [], None
    if new is not None and old is not None:
        try:
            rows = compare_lists(price_lists.rows_by_key(old), price_lists.rows_by_key(new), reference)
        except PricingError as exc:  # e.g. the example size is above a closed top band
            error = f"Cannot compare at {reference} pupils: {exc}"
    return render_template("catalogue/compare.html", sla_year=sla_year, new=new, old=old, rows=rows,
                           reference=reference, error=error)


# -- the price check -------------------------------------------------------------------

@bp.route("/prices/check")
@roles_required(*READERS)
def price_check():
    args = request.args
    this_year = SlaYear.containing(date.today()).start_year
    year = args.get("year", this_year, type=int)
    if year is None or not 2000 <= year <= 2100:
        year = this_year  # a mistyped year shows the current one rather than failing
    price_list = price_lists.published(year) or price_lists.draft(year)
    urn = args.get("urn", type=int)
    # URNs are six digits; a longer number would not even bind on SQLite.
    school = db.session.scalar(select(School).where(School.urn == urn)) if urn and 0 < urn < 10**9 else None
    services = db.session.scalars(select(Service).where(Service.retired_at.is_(None)).order_by(Service.code)).all()
    errors, result, chosen = [], None, {}
    if args.get("urn") and school is None:
        errors.append(f"No school with URN {args.get('urn')}.")
    if price_list is None:
        errors.append(f"There is no {SlaYear(year).label} price list.")
    for service in services:
        raw = args.get(f"qty-{service.code}", "").strip()
        if service.code in args.getlist("service"):
            try:
                quantity = Decimal(raw or "1")
                if quantity <= 0:
                    raise InvalidOperation
                chosen[service.code] = quantity
            except InvalidOperation:
                errors.append(f"{service.code}: quantity {raw!r} is not a positive number.")
    if school and price_list and chosen and not errors:
        result = price_school(school, price_list, list(chosen.items()))
    return render_template("catalogue/price_check.html", year=year, school=school, services=services,
                           chosen=chosen, result=result, errors=errors, price_list=price_list,
                           years=price_lists.years_with_lists() or [year], urn=args.get("urn", ""))
