"""Draft agreements (SLA §1, §4): creating one for a school or a group, choosing its services
in the three lists, its details, and withdrawing it before issue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from agreements.lifecycle import TermsRefused, TransitionRefused, check_details_change
from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, School, SchoolGroup, Service
from contracts_app.models.catalogue import LISTS
from contracts_app.services.agreements.status import InputRefused, find, transition
from contracts_app.services.bounds import MAX_INT
from contracts_app.services.price_check import price_agreement
from contracts_app.services.transactions import refusal_rolls_back
from invoices.schedule import ScheduleError, check_term
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear


@dataclass(frozen=True)
class LineInput:
    """One service of an agreement as asked for: its list (§4.1-4.3), quantity and start date."""

    service_code: str
    list_name: str
    quantity: Decimal = Decimal(1)
    start_date: date | None = None


def party_customer_type(school: School | None, group: SchoolGroup | None) -> str:
    """A group's members share one customer type, since they share one price list column."""
    if school is not None:
        return school.customer_type
    types = {member.customer_type for member in group.schools}
    if not types:
        raise ActionRefused(f"the group {group.name} has no member schools")
    if len(types) > 1:
        raise ActionRefused(f"the group {group.name} mixes maintained schools and academies; "
                            "make one agreement per customer type")
    return types.pop()


def create_draft(year: int, *, school: School | None = None, group: SchoolGroup | None = None,
                 from_catalogue: bool = True, odm_name: str = "", odm_email: str = "",
                 commit: bool = True) -> Agreement:
    """A draft for the SLA year (1 April - 31 March), optionally with the catalogue's default lists.

    ``commit=False``: part of the caller's transaction (an acceptance in the buying round)."""
    if (school is None) == (group is None):
        raise ActionRefused("an agreement is with one school or one group of schools")
    existing = find(year, school, group)
    if existing is not None:
        raise ActionRefused(f"{existing.name} already exists ({existing.status})")
    sla_year = SlaYear(year)
    if not odm_name:  # §10.1: every customer has a nominated ODM; the council's default until named
        odm_name = current_app.config["DEFAULT_ODM"]
    agreement = Agreement(sla_year=year, school=school, group=group, status="draft",
                          term_start=sla_year.start, term_end=sla_year.end,
                          customer_type=party_customer_type(school, group), odm_name=odm_name, odm_email=odm_email)
    db.session.add(agreement)
    if from_catalogue:
        for service in db.session.scalars(select(Service).where(Service.retired_at.is_(None))
                                          .order_by(Service.code)):
            agreement.lines.append(AgreementLine(service=service, service_code=service.code, title=service.title,
                                                 list_name=service.default_list, quantity=Decimal(1)))
    db.session.flush()
    refresh_draft_total(agreement)
    if commit:
        db.session.commit()
    return agreement


@refusal_rolls_back
def start_draft(year: int, *, urn: int | None, group_id: int | None, from_catalogue: bool,
                odm_name: str) -> Agreement:
    """A draft for the school with this URN, or else for the group with this id (the new-agreement page)."""
    school = group = None
    if urn:
        # A number past the integer columns is no school's (and PostgreSQL would refuse to compare it).
        school = db.session.scalar(select(School).where(School.urn == urn)) if abs(urn) <= MAX_INT else None
        if school is None:
            raise ActionRefused(f"No school with URN {urn}.")
    elif group_id is not None:
        group = db.session.get(SchoolGroup, group_id)
    return create_draft(year, school=school, group=group, from_catalogue=from_catalogue, odm_name=odm_name)


def check_line(agreement: Agreement, item: LineInput, service: Service | None) -> None:
    """Refuse a line for an unknown service, an unknown list, a subscribed quantity below 1
    or a start date outside the agreement's term."""
    label = item.service_code
    if service is None:
        raise ActionRefused(f"{label}: no such service in the catalogue")
    if item.list_name not in LISTS:
        raise ActionRefused(f"{label}: list must be one of {', '.join(LISTS)}, not {item.list_name!r}")
    if item.list_name == "subscribed" and item.quantity <= 0:
        raise ActionRefused(f"{label}: a subscribed service needs a quantity of 1 or more, not {item.quantity}")
    if item.start_date is not None and not agreement.term_start <= item.start_date <= agreement.term_end:
        raise ActionRefused(f"{label}: start date {item.start_date:%d %B %Y} is outside the term "
                            f"({agreement.term_start:%d %B %Y} to {agreement.term_end:%d %B %Y})")


def _checked_codes(agreement: Agreement, items: list[LineInput], services: dict[str, Service]) -> set[str]:
    """The service codes asked for, every line checked and none listed twice."""
    seen = set()
    for item in items:
        check_line(agreement, item, services.get(item.service_code))
        if item.service_code in seen:
            raise ActionRefused(f"{item.service_code}: listed twice")
        seen.add(item.service_code)
    return seen


def sync_service_lines(lines: list, items: list, services: dict[str, Service], line_class: type) -> dict:
    """Make ``lines`` (an agreement's or an offer's) one line per item's service: others dropped,
    new ones added, list and quantity set (1 off the subscribed list). Returns {code: line}."""
    existing = {line.service_code: line for line in lines}
    wanted = {item.service_code for item in items}
    for code, line in existing.items():
        if code not in wanted:
            lines.remove(line)
    synced = {}
    for item in items:
        line = existing.get(item.service_code)
        if line is None:
            service = services[item.service_code]
            line = line_class(service=service, service_code=service.code, title=service.title)
            lines.append(line)
        line.list_name = item.list_name
        line.quantity = item.quantity if item.list_name == "subscribed" else Decimal(1)
        synced[item.service_code] = line
    return synced


def set_lines(agreement: Agreement, items: list[LineInput]) -> None:
    """Replace a draft's lines (services not given are dropped). Nothing changes on any error."""
    if agreement.status != "draft":
        raise ActionRefused(f"{agreement.name} is {agreement.status}: its lines and prices are fixed; "
                            "change an active agreement by adding or removing a service from a date")
    services = {s.code: s for s in db.session.scalars(select(Service))}
    _checked_codes(agreement, items, services)
    lines = sync_service_lines(agreement.lines, items, services, AgreementLine)
    for item in items:
        lines[item.service_code].start_date = item.start_date if item.list_name == "subscribed" else None
    db.session.flush()
    refresh_draft_total(agreement)


@refusal_rolls_back
def save_lines(agreement: Agreement, items: list[LineInput]) -> None:
    """``set_lines`` as its own transaction (the draft's services page)."""
    set_lines(agreement, items)
    db.session.commit()


def refresh_draft_total(agreement: Agreement) -> None:
    """A draft shows its annual total while every subscribed line can be priced."""
    if agreement.status != "draft":
        return
    check = price_agreement(agreement)
    agreement.annual_total = check.total if check is not None and check.complete else None


def save_details(agreement: Agreement, *, term_start: date, term_end: date, odm_name: str, odm_email: str,
                 po_number: str, notes: str) -> None:
    """Save the term, ODM (§10.1), purchase-order number and notes; an issued term stays fixed.

    Refused with ActionRefused when the agreement no longer changes, and with
    InputRefused naming the field when the term is not allowed.
    """
    try:
        check_details_change(agreement.name, agreement.status, (agreement.term_start, agreement.term_end),
                             (term_start, term_end))
    except TermsRefused as exc:
        raise InputRefused(str(exc), exc.field) from None
    except TransitionRefused as exc:
        raise ActionRefused(str(exc)) from None
    try:  # §2.7: the term must fit the invoice schedule, or no run would ever invoice it
        check_term(agreement.customer_type, term_start, term_end)
    except ScheduleError as exc:
        raise InputRefused(str(exc), "term_end") from None
    agreement.term_start, agreement.term_end = term_start, term_end
    agreement.odm_name, agreement.odm_email = odm_name, odm_email
    agreement.po_number, agreement.notes = po_number, notes
    db.session.commit()


def withdraw_draft(agreement: Agreement) -> None:
    """draft -> cancelled: the council withdraws a draft it will not issue."""
    if agreement.status != "draft":
        raise ActionRefused(f"{agreement.name} is {agreement.status}; only a draft can be withdrawn")
    transition(agreement, "cancelled", "draft withdrawn")
    db.session.commit()
