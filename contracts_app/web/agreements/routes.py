"""Agreement pages: the list, one agreement, drafting lines, issuing, changes and notices."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from invoices.schedule import ScheduleError, billing_periods, schedule_description
from pricing.sla_year import SlaYear

from contracts_app.access import agreement_or_404, roles_required
from contracts_app.extensions import db
from contracts_app.models import Agreement, AuditEvent, School, SchoolGroup, Service
from contracts_app.models.catalogue import LIST_NAMES, LISTS
from contracts_app.services import agreements as service
from pricing.errors import ActionRefused
from contracts_app.web.agreements.forms import (
    ChangeForm,
    ChargeForm,
    ConfirmForm,
    DetailsForm,
    NewAgreementForm,
    NoticeForm,
)
from agreements.lifecycle import STATUS_NAMES
from contracts_app.services.agreement_list import list_agreements
from contracts_app.services.price_check import price_agreement

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@bp.app_template_filter("status_name")
def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def _agreement(agreement_id: int) -> Agreement:
    return agreement_or_404(db.session.get(Agreement, agreement_id))


def _this_year() -> int:
    return SlaYear.containing(date.today()).start_year


@bp.route("/")
@roles_required("sla", "finance")
def index():
    args = request.args
    year = args.get("year", _this_year(), type=int)
    result, count, total = list_agreements(year, args.get("status", ""), args.get("type", ""), args.get("q", ""),
                                           args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_template("agreements/index.html", result=result, count=count, total=total,
                           sla_year=SlaYear(year), args=args, statuses=STATUS_NAMES)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("sla")
def new():
    form = NewAgreementForm(year=request.args.get("year", _this_year(), type=int), urn=request.args.get("urn", type=int))
    groups = db.session.scalars(select(SchoolGroup).order_by(SchoolGroup.name)).all()
    form.group.choices = [("", "—")] + [(str(g.id), g.name) for g in groups]
    if form.validate_on_submit():
        school = group = None
        if form.urn.data:
            school = db.session.scalar(select(School).where(School.urn == form.urn.data))
            if school is None:
                form.urn.errors.append(f"No school with URN {form.urn.data}.")
        elif form.group.data:
            group = db.session.get(SchoolGroup, int(form.group.data))
        else:
            form.urn.errors.append("Give a school's URN or choose a group.")
        if school or group:
            try:
                agreement = service.create_draft(form.year.data, school=school, group=group,
                                                 from_catalogue=form.from_catalogue.data,
                                                 odm_name=current_app.config["DEFAULT_ODM"])
                flash(f"Draft agreement {agreement.name} created. Choose its services.", "success")
                return redirect(url_for(".lines", agreement_id=agreement.id))
            except ActionRefused as exc:
                db.session.rollback()
                form.urn.errors.append(exc.message)
    return render_template("agreements/new.html", form=form)


def _schedule(agreement: Agreement) -> tuple[list[str], list, str | None]:
    try:
        periods = billing_periods(agreement.customer_type, agreement.term_start, agreement.term_end)
        return schedule_description(agreement.customer_type), periods, None
    except ScheduleError as exc:
        return schedule_description(agreement.customer_type), [], str(exc)


@bp.route("/<int:agreement_id>")
@roles_required("sla", "finance", "school")
def show(agreement_id: int):
    agreement = _agreement(agreement_id)
    check = price_agreement(agreement) if agreement.status == "draft" else None
    history = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "Agreement",
                                                          AuditEvent.entity_id == str(agreement.id))
                                 .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    descriptions, periods, schedule_error = _schedule(agreement)
    staff = current_user.role in ("admin", "sla")
    return render_template("agreements/show.html", agreement=agreement, check=check, history=history,
                           schedule=descriptions, periods=periods, schedule_error=schedule_error,
                           list_names=LIST_NAMES, confirm=ConfirmForm(), charge_form=ChargeForm(),
                           staff=staff, today=date.today())


@bp.route("/<int:agreement_id>/details", methods=["GET", "POST"])
@roles_required("sla")
def details(agreement_id: int):
    agreement = _agreement(agreement_id)
    form = DetailsForm(obj=agreement)
    if form.validate_on_submit():
        if agreement.status not in ("draft", "active", "notice_given"):
            flash(f"{agreement.name} is {agreement.status}; it can no longer change.", "error")
            return redirect(url_for(".show", agreement_id=agreement.id))
        if agreement.status != "draft" and (form.term_start.data, form.term_end.data) != (
                agreement.term_start, agreement.term_end):
            form.term_start.errors.append("The term of an issued agreement is fixed.")
        elif form.term_end.data < form.term_start.data:
            form.term_end.errors.append("The term must end after it starts.")
        else:
            form.populate_obj(agreement)
            db.session.commit()
            flash("Agreement details saved.", "success")
            return redirect(url_for(".show", agreement_id=agreement.id))
    return render_template("agreements/details.html", form=form, agreement=agreement)


@bp.route("/<int:agreement_id>/lines", methods=["GET", "POST"])
@roles_required("sla")
def lines(agreement_id: int):
    agreement = _agreement(agreement_id)
    if agreement.status != "draft":
        flash(f"{agreement.name} is {agreement.status}: add or remove services from a date instead.", "error")
        return redirect(url_for(".show", agreement_id=agreement.id))
    services = db.session.scalars(select(Service).order_by(Service.default_list, Service.code)).all()
    current = {line.service_code: line for line in agreement.lines}
    errors: dict[str, str] = {}
    values: dict[str, dict] = {}
    if request.method == "POST":
        form = ConfirmForm()
        if not form.validate_on_submit():
            abort(400)
        items = []
        for s in services:
            chosen = request.form.get(f"list-{s.code}", "")
            qty_text = request.form.get(f"qty-{s.code}", "1").strip() or "1"
            start_text = request.form.get(f"start-{s.code}", "").strip()
            values[s.code] = {"list": chosen, "qty": qty_text, "start": start_text}
            if not chosen:
                continue
            try:
                quantity = Decimal(qty_text)
                if not quantity.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors[s.code] = f"quantity {qty_text!r} is not a number"
                continue
            try:
                start = date.fromisoformat(start_text) if start_text else None
            except ValueError:
                errors[s.code] = f"start date {start_text!r} is not a date"
                continue
            items.append(service.LineInput(s.code, chosen, quantity, start))
        if not errors:
            try:
                service.set_lines(agreement, items)
                db.session.commit()
                flash("Services saved.", "success")
                return redirect(url_for(".show", agreement_id=agreement.id))
            except ActionRefused as exc:
                db.session.rollback()
                code = exc.message.split(":", 1)[0]
                errors[code if code in {s.code for s in services} else "_"] = exc.message
    else:
        for s in services:
            line = current.get(s.code)
            values[s.code] = {"list": line.list_name if line else "",
                              "qty": str(line.quantity.normalize()) if line else "1",
                              "start": line.start_date.isoformat() if line and line.start_date else ""}
    return render_template("agreements/lines.html", agreement=agreement, services=services, values=values,
                           errors=errors, list_names=LIST_NAMES, lists=LISTS, form=ConfirmForm())


@bp.route("/<int:agreement_id>/issue", methods=["POST"])
@roles_required("sla")
def issue(agreement_id: int):
    agreement = _agreement(agreement_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.issue(agreement, current_user.email)
            db.session.commit()
            flash(f"{agreement.name} issued: prices are fixed at {agreement.annual_total:,.2f} a year.", "success")
        except ActionRefused as exc:
            db.session.rollback()
            flash(f"Not issued: {exc.message}", "error")
    return redirect(url_for(".show", agreement_id=agreement_id))


@bp.route("/<int:agreement_id>/withdraw", methods=["POST"])
@roles_required("sla")
def withdraw(agreement_id: int):
    agreement = _agreement(agreement_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.withdraw_draft(agreement)
            flash(f"Draft {agreement.name} withdrawn.", "success")
        except ActionRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for(".show", agreement_id=agreement_id))


@bp.route("/<int:agreement_id>/change", methods=["GET", "POST"])
@roles_required("sla")
def change(agreement_id: int):
    agreement = _agreement(agreement_id)
    form = ChangeForm()
    form.service.choices = [(s.code, f"{s.code} {s.title}") for s in db.session.scalars(
        select(Service).where(Service.retired_at.is_(None)).order_by(Service.code))]
    if form.validate_on_submit():
        try:
            if form.action.data == "add":
                svc = db.session.scalar(select(Service).where(Service.code == form.service.data))
                service.add_service(agreement, svc, form.quantity.data or Decimal(1), form.from_date.data)
                flash(f"{svc.code} added from {form.from_date.data:%d %B %Y}; invoicing charges it pro rata.",
                      "success")
            else:
                line = next((l for l in agreement.lines_in("subscribed")
                             if l.service_code == form.service.data and l.end_date is None), None)
                if line is None:
                    raise ActionRefused(f"{form.service.data} is not a subscribed service of this agreement")
                service.remove_service(agreement, line, form.from_date.data)
                flash(f"{line.service_code} stops from {form.from_date.data:%d %B %Y}. It is still owed for the "
                      "term (§2.5 d) unless finance issues a credit note.", "success")
            return redirect(url_for(".show", agreement_id=agreement.id))
        except ActionRefused as exc:
            db.session.rollback()
            form.service.errors.append(exc.message)
    return render_template("agreements/change.html", form=form, agreement=agreement)


@bp.route("/<int:agreement_id>/notice", methods=["GET", "POST"])
@roles_required("sla", "school")
def notice(agreement_id: int):
    agreement = _agreement(agreement_id)
    form = NoticeForm(notice_date=date.today())
    school_user = current_user.role == "school"
    if school_user:
        form.given_by.data = "school"
        form.fundamental_breach.data = False
    if form.validate_on_submit():
        try:
            notice_row = service.give_notice(
                agreement, notice_date=form.notice_date.data, requested_date=form.requested_date.data,
                given_by="school" if school_user else form.given_by.data, reason=form.reason.data or "",
                fundamental_breach=False if school_user else form.fundamental_breach.data,
                recorded_by=current_user.email)
            flash(f"Notice recorded. The agreement is cancelled with effect from "
                  f"{notice_row.effective_date:%d %B %Y}.", "success")
            return redirect(url_for(".show", agreement_id=agreement.id))
        except ActionRefused as exc:
            db.session.rollback()
            form.requested_date.errors.append(exc.message)
    return render_template("agreements/notice.html", form=form, agreement=agreement, school_user=school_user)


@bp.route("/<int:agreement_id>/charges", methods=["POST"])
@roles_required("sla", "finance")
def add_charge(agreement_id: int):
    agreement = _agreement(agreement_id)
    form = ChargeForm()
    if form.validate_on_submit():
        try:
            service.add_charge(agreement, form.description.data, form.amount.data, form.vat_code.data,
                               current_user.email)
            flash("Charge added; the next invoice run invoices it.", "success")
        except ActionRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
    else:
        for name, errors in form.errors.items():
            flash(f"{getattr(form, name).label.text}: {'; '.join(errors)}", "error")
    return redirect(url_for(".show", agreement_id=agreement_id))
