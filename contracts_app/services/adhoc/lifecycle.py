"""An ad hoc request's life: created, estimated, authorised or declined, worked, completed
(SLA §2.6, §7.2-7.4, §9.4-9.5).

Each action loads nothing it is not given, checks the rules in adhoc.lifecycle, and saves
in one transaction; a refusal rolls back and names the form field it is about.
Invoicing completed requests is part of the invoice run (services.invoicing.runs).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from adhoc.lifecycle import (
    AdhocRuleBroken,
    check_authorisation,
    check_bookable,
    check_completion,
    check_decline,
    check_details,
    check_estimate,
    check_minutes,
    check_new_request,
    check_one_line,
    check_text,
    check_transition,
    check_work_date,
)
from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, School, TimeEntry
from contracts_app.models.types import utcnow
from contracts_app.services import events, schools
from contracts_app.services.adhoc.rates import PriceBook, check_rate, no_rate_message
from contracts_app.services.transactions import refusal_rolls_back
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear


class AdhocRefused(ActionRefused):
    """An ad hoc action the rules refuse; ``field`` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _refuse(request: AdHocRequest | None, exc: AdhocRuleBroken, field: str | None = None) -> AdhocRefused:
    prefix = f"{request.reference}: " if request is not None else ""
    return AdhocRefused(prefix + str(exc), field)


def normalise_reference(reference: str) -> str:
    """Service desk references are matched without case or surrounding spaces ("sr 1" is not "SR1")."""
    return reference.strip().upper()


def find(reference: str) -> AdHocRequest | None:
    """The request with this service desk reference, or None."""
    return db.session.scalar(select(AdHocRequest).where(AdHocRequest.reference == normalise_reference(reference)))


def transition(request: AdHocRequest, new: str) -> None:
    """Move the request to ``new`` if adhoc.lifecycle allows it; audited with the rest of the change on flush."""
    try:
        check_transition(request.status, new)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc) from None
    request.status = new


@refusal_rolls_back
def create_request(school: School, reference: str, kind: str, description: str, *, third_party: str = "",
                   intervention_report: str = "", by: str = "") -> AdHocRequest:
    """A new chargeable request for a school, waiting for an estimate or the school's authorisation."""
    request = add_request(school, reference, kind, description, third_party=third_party,
                          intervention_report=intervention_report, by=by)
    db.session.commit()
    return request


def add_request(school: School, reference: str, kind: str, description: str, *, third_party: str = "",
                intervention_report: str = "", by: str = "") -> AdHocRequest:
    """``create_request`` without the commit, for an import that saves all its rows in one transaction."""
    try:
        check_new_request(kind, reference, third_party)
        check_details(description, intervention_report)
    except AdhocRuleBroken as exc:
        raise AdhocRefused(str(exc), exc.field) from None
    reference = normalise_reference(reference)
    existing = find(reference)
    if existing is not None:
        raise AdhocRefused(f"the reference {reference} is already used by a request for {existing.school.name}",
                           "reference")
    request = AdHocRequest(reference=reference, school=school, kind=kind, status="requested",
                           description=description.strip(), third_party=third_party.strip(),
                           intervention_report=intervention_report.strip(), created_by=by)
    db.session.add(request)
    return request


@refusal_rolls_back
def create_for_urn(urn: int, reference: str, kind: str, description: str, *, third_party: str = "",
                   intervention_report: str = "", by: str = "") -> AdHocRequest:
    """``create_request`` for the school with this URN, as the new-request page names it."""
    school = schools.by_urn(urn)
    if school is None:
        raise AdhocRefused(f"No school with URN {urn}.", "urn")
    return create_request(school, reference, kind, description, third_party=third_party,
                          intervention_report=intervention_report, by=by)


@refusal_rolls_back
def update_details(request: AdHocRequest, *, description: str, third_party: str,
                   intervention_report: str) -> None:
    """The description, third party and §9.5 report can be corrected until the request is invoiced."""
    if request.status in ("invoiced", "declined"):
        raise AdhocRefused(f"{request.reference} is {request.status}; its details can no longer change")
    try:
        check_details(description, intervention_report)
        check_one_line("third_party", "third party", third_party)
    except AdhocRuleBroken as exc:
        raise AdhocRefused(str(exc), exc.field) from None
    if request.kind == "rework" and not third_party.strip():
        raise AdhocRefused("a rework request names the third party whose unauthorised changes are being put right "
                           "(§9.5)", "third_party")
    request.description = description.strip()
    request.third_party = third_party.strip()
    request.intervention_report = intervention_report.strip()
    db.session.commit()


@refusal_rolls_back
def set_estimate(request: AdHocRequest, hours: Decimal, sla_year: int, by: str) -> AdHocRequest:
    """§7.3: "we will provide an estimate of the cost before we start working on a request".

    The estimate is in hours at the SLA year's published ad hoc rate for the school's
    customer type (§2.6); the request then waits for the school's authorisation.
    """
    give_estimate(request, hours, sla_year, by)
    db.session.commit()
    return request


def give_estimate(request: AdHocRequest, hours: Decimal, sla_year: int, by: str) -> AdHocRequest:
    """``set_estimate`` without the commit, for an import that saves all its rows in one transaction."""
    try:
        check_estimate(request.status, hours)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "hours") from None
    rate = estimate_rate(sla_year, request.school.customer_type)
    request.estimate_hours = hours
    request.estimate_rate = rate
    request.estimate_sla_year = sla_year
    request.estimated_at = utcnow()
    request.estimated_by = by
    transition(request, "estimated")
    events.emit("adhoc.estimate_given", request=request)
    return request


def estimate_rate(sla_year: int, customer_type: str, book: PriceBook | None = None) -> Decimal:
    """§2.6: the hourly rate an estimate is at: the SLA year's published ad hoc rate for the customer type."""
    price = (book or PriceBook()).get(sla_year, customer_type)
    if price is None:
        raise AdhocRefused(no_rate_message(sla_year, customer_type), "sla_year")
    if price.rate != price.rate.quantize(Decimal("0.01")):
        # The estimate keeps its rate in pence; a sub-penny hourly rate would be altered.
        raise AdhocRefused(f"the {SlaYear(sla_year).label} ad hoc rate {price.rate} is not a whole number of pence",
                           "sla_year")
    return price.rate


@refusal_rolls_back
def authorise(request: AdHocRequest, *, name: str, on: date, via: str, user_id: int | None = None,
              today: date | None = None) -> AdHocRequest:
    """Record the school's authorisation: in the portal, or staff recording a written one (§7.3, §9.4)."""
    record_authorisation(request, name=name, on=on, via=via, user_id=user_id, today=today)
    db.session.commit()
    return request


def record_authorisation(request: AdHocRequest, *, name: str, on: date, via: str, user_id: int | None = None,
                         today: date | None = None) -> AdHocRequest:
    """``authorise`` without the commit, for an import that saves all its rows in one transaction."""
    try:
        check_authorisation(request.kind, request.status, name=name, on=on, via=via,
                            third_party=request.third_party, today=today or date.today())
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, exc.field) from None
    request.authorised_by_name = name.strip()
    request.authorised_on = on
    request.authorised_via = via
    request.authorised_user_id = user_id
    transition(request, "authorised")
    events.emit("adhoc.authorised", request=request)
    return request


@refusal_rolls_back
def decline(request: AdHocRequest, reason: str) -> AdHocRequest:
    """The school turns the request (or its estimate) down; no work is done or charged."""
    try:
        check_decline(request.status, reason)
        check_text("reason", "reason", reason)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "reason") from None
    request.declined_reason = reason.strip()
    transition(request, "declined")
    db.session.commit()
    return request


def _check_entry(request: AdHocRequest, work_date: date, minutes: int, today: date) -> None:
    """§2.6, §7.3, §7.4: each refusal names the field it is about."""
    try:
        check_minutes(minutes)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "minutes") from None
    try:
        check_bookable(request.status)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc) from None
    try:
        check_work_date(request.authorised_on, work_date, today)
        check_rate(PriceBook(), work_date, request.school.customer_type)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "work_date") from None


@refusal_rolls_back
def log_time(request: AdHocRequest, work_date: date, minutes: int, who: str, note: str = "",
             today: date | None = None) -> TimeEntry:
    """Book time to an authorised request; the first entry starts the work (§7.3)."""
    _check_entry(request, work_date, minutes, today or date.today())
    try:
        check_one_line("who", "name of who did the work", who)
        check_text("note", "note", note)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, exc.field) from None
    entry = TimeEntry(request=request, work_date=work_date, minutes=minutes, who=who.strip(), note=note.strip())
    db.session.add(entry)
    if request.status == "authorised":
        transition(request, "in_progress")
    db.session.commit()
    return entry


@refusal_rolls_back
def delete_time(entry: TimeEntry) -> None:
    """A mistaken entry can be removed while the work is open; once completed the charge is fixed."""
    request = entry.request
    try:
        check_bookable(request.status)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc) from None
    db.session.delete(entry)
    db.session.commit()


@refusal_rolls_back
def complete(request: AdHocRequest, on: date, today: date | None = None) -> AdHocRequest:
    """§7.4: mark the request complete; the next invoice run invoices it on its own invoice (§7.3)."""
    try:
        check_completion(request.kind, request.status, work_dates=[e.work_date for e in request.entries],
                         completed_on=on, intervention_report=request.intervention_report,
                         today=today or date.today())
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "completed_on" if "completion date" in str(exc) else None) from None
    request.completed_on = on
    transition(request, "completed")
    db.session.commit()
    return request
