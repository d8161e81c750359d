"""What an SLA document says about an agreement, read from the database as plain facts.

``documents.filling`` fills a template from ``AgreementFacts``; this module is where
those facts come from: an agreement (with today's prices while it is a draft) or,
for a template's preview, a made-up school with every live service.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from documents.filling import AgreementFacts, Contact, ServiceLine, day_words
from pricing.check import PricedLine
from pricing.sla_year import LONDON, SlaYear
from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, Service
from contracts_app.services.price_check import price_agreement

__all__ = ["facts_for", "preview_facts"]


def _status_text(agreement: Agreement) -> str:
    notice = agreement.notice
    if agreement.status == "notice_given" and notice is not None:
        if notice.outcome.at_term_end:  # §2.4 b: ends at its term end, not renewed
            return f"Notice given: {notice.outcome.text}"
        return f"Notice given: cancelled with effect from {day_words(notice.effective_date)}"
    return {"cancelled": "Cancelled", "ended": "Ended", "draft": "Draft: not yet issued"}.get(agreement.status, "")


def _draft_prices(agreement: Agreement) -> tuple[dict[str, PricedLine], tuple[str, ...], Decimal | None]:
    """A draft's lines priced today: (priced line by service code, problems, total or None)."""
    check = price_agreement(agreement)
    if check is None:
        return {}, (f"The {SlaYear(agreement.sla_year).label} price list is not published: the charges are "
                    "to be confirmed.",), None
    problems = tuple(f"{p.service_code}: {p.reason}; its charge is to be confirmed." for p in check.problems)
    return ({line.service_code: line for line in check.lines}, problems,
            check.total if check.complete else None)


def _service_line(row: AgreementLine, live: dict[str, PricedLine]) -> ServiceLine:
    """An agreement line as the document lists it; a draft's price is today's when there is one."""
    priced = live.get(row.service_code)
    service = row.service
    return ServiceLine(
        code=row.service_code, title=row.title, quantity=row.quantity, unit=service.unit if service else "",
        start_date=row.start_date, end_date=row.end_date,
        annual_price=priced.annual if priced else row.annual_price,
        explanation=priced.explanation if priced else row.explanation,
        vat_code=priced.vat_code if priced else row.vat_code,
        description=service.description if service else "")


def facts_for(agreement: Agreement, notes: tuple[str, ...] = ()) -> AgreementFacts:
    """Everything the document says about the agreement, read from the database."""
    draft = agreement.status == "draft"
    live: dict[str, PricedLine] = {}
    problems: tuple[str, ...] = ()
    total = agreement.annual_total
    if draft:
        live, problems, total = _draft_prices(agreement)
    schools = agreement.schools
    contacts = tuple(Contact(c.name, c.role, c.email, c.phone, school.name)
                     for school in schools for c in school.stakeholders)
    return AgreementFacts(
        party_name=agreement.party_name, schools=tuple((s.name, s.urn) for s in schools),
        customer_type=agreement.customer_type, sla_year_label=SlaYear(agreement.sla_year).label,
        term_start=agreement.term_start, term_end=agreement.term_end, group=agreement.group is not None,
        subscribed=tuple(_service_line(row, live) for row in agreement.lines_in("subscribed")),
        additional=tuple(_service_line(row, live) for row in agreement.lines_in("additional")),
        excluded=tuple(_service_line(row, live) for row in agreement.lines_in("excluded")),
        annual_total=total, draft=draft, pricing_problems=problems, odm_name=agreement.odm_name or "",
        odm_email=agreement.odm_email or "", po_number=agreement.po_number or "", stakeholders=contacts,
        issued_on=agreement.issued_at.astimezone(LONDON).date() if agreement.issued_at else None,
        status_text=_status_text(agreement), notes=notes)


def preview_facts(today: date | None = None) -> AgreementFacts:
    """A made-up school taking every live service on its default list, for a template's preview."""
    year = SlaYear.containing(today or date.today())
    services = db.session.scalars(select(Service).where(Service.retired_at.is_(None)).order_by(Service.code)).all()

    def lines(list_name: str) -> tuple[ServiceLine, ...]:
        return tuple(ServiceLine(s.code, s.title, unit=s.unit, description=s.description)
                     for s in services if s.default_list == list_name)

    return AgreementFacts(
        party_name="Example Primary School", schools=(("Example Primary School", 100000),),
        customer_type="maintained", sla_year_label=year.label, term_start=year.start, term_end=year.end,
        subscribed=lines("subscribed"), additional=lines("additional"), excluded=lines("excluded"), draft=True,
        odm_name="Alex Example", odm_email="odm@example.org", status_text="Preview with a made-up school",
        stakeholders=(Contact("Sam Example", "Headteacher", "head@example.org", "01234 567890"),))
