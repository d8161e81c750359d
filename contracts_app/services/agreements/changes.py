"""Changes to an issued agreement mid-year: a service added or removed from a date (§2.7,
§2.5 d), and one-off charges (§2.5 e)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from agreements.charges import check_charge
from agreements.lifecycle import TermsRefused
from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementCharge, AgreementLine, Service
from contracts_app.services import audit
from contracts_app.services.agreements.drafts import LineInput, check_line
from contracts_app.services.agreements.status import InputRefused
from contracts_app.services.price_check import price_school
from contracts_app.services.register import census as census_links
from pricing.census import parse_census_label
from pricing.check import PricedLine
from pricing.errors import ActionRefused
from pricing.money import round_money


def _live(agreement: Agreement) -> None:
    if agreement.status not in ("active", "notice_given"):
        raise ActionRefused(f"{agreement.name} is {agreement.status}; only an active agreement changes mid-year")


def _census_words(agreement: Agreement) -> str | None:
    """"January 2026 census, as URN 990003" when the agreement was issued on its school's
    predecessor's figure (issue #28), so a service added mid-year is explained the same way."""
    if agreement.school is None or not agreement.census_label or agreement.pupils is None:
        return None
    census = parse_census_label(agreement.census_label)
    chosen = census_links.choice_for(agreement.school, census)
    return census_links.words(census, [chosen]) if chosen.pupils == agreement.pupils else None


def _price(agreement: Agreement, service: Service, quantity: Decimal) -> PricedLine:
    # Priced on the version and census the agreement was issued on, never a later list.
    school = agreement.school or agreement.group.lead_school or agreement.schools[0]
    check = price_school(school, agreement.price_list, [(service.code, quantity)],
                         pupils_override=agreement.pupils, look_up_pupils=False, census_text=_census_words(agreement))
    if not check.complete:
        raise ActionRefused("; ".join(p.reason for p in check.problems))
    return check.lines[0]


def add_service(agreement: Agreement, service: Service, quantity: Decimal, from_date: date) -> AgreementLine:
    """Subscribe to a service from a date; invoicing charges it pro rata from then (§2.7)."""
    _live(agreement)
    check_line(agreement, LineInput(service.code, "subscribed", quantity, from_date), service)
    current = next((line for line in agreement.lines if line.service_code == service.code), None)
    if current is not None and current.list_name == "subscribed" and current.end_date is None:
        raise ActionRefused(f"{service.code} is already subscribed on {agreement.name}")
    priced = _price(agreement, service, quantity)
    if current is not None:
        agreement.lines.remove(current)
        db.session.flush()
    line = AgreementLine(service=service, service_code=service.code, title=service.title, list_name="subscribed",
                         quantity=quantity, start_date=from_date, annual_price=priced.annual,
                         explanation=priced.explanation, vat_code=priced.vat_code)
    agreement.lines.append(line)
    agreement.annual_total = round_money(sum((l.annual_price or Decimal(0)) for l in agreement.lines_in("subscribed")))
    db.session.flush()
    audit.record("update", "Agreement", agreement.id,
                 f"{agreement.name}: {service.code} added from {from_date:%d %B %Y} ({priced.explanation})")
    db.session.commit()
    return line


def add_service_by_code(agreement: Agreement, code: str, quantity: Decimal, from_date: date) -> AgreementLine:
    """``add_service`` for the catalogue's service with this code (the change page)."""
    service = db.session.scalar(select(Service).where(Service.code == code))
    if service is None:
        raise ActionRefused(f"{code}: no such service in the catalogue")
    return add_service(agreement, service, quantity, from_date)


def remove_service(agreement: Agreement, line: AgreementLine, from_date: date) -> None:
    """Stop a service from a date. It is still owed for the term: no refund (§2.5 d)."""
    _live(agreement)
    if line.agreement_id != agreement.id or line.list_name != "subscribed":
        raise ActionRefused("only a subscribed service of this agreement can be removed")
    if line.end_date is not None:
        raise ActionRefused(f"{line.service_code} was already removed from {line.end_date:%d %B %Y}")
    if not agreement.term_start <= from_date <= agreement.term_end:
        raise ActionRefused(f"{from_date:%d %B %Y} is outside the term")
    line.end_date = from_date
    audit.record("update", "Agreement", agreement.id,
                 f"{agreement.name}: {line.service_code} stops from {from_date:%d %B %Y}; still owed for the "
                 "term (§2.5 d)")
    db.session.commit()


def remove_service_by_code(agreement: Agreement, code: str, from_date: date) -> AgreementLine:
    """``remove_service`` for the agreement's running subscribed line of this service (the change page)."""
    line = next((l for l in agreement.lines_in("subscribed") if l.service_code == code and l.end_date is None), None)
    if line is None:
        raise ActionRefused(f"{code} is not a subscribed service of this agreement")
    remove_service(agreement, line, from_date)
    return line


def add_charge(agreement: Agreement, description: str, amount: Decimal, vat_code: str, by: str) -> AgreementCharge:
    """A one-off charge, e.g. SIMS/FMS licence costs on cancellation (§2.5 e); invoiced by the next run.

    Checked by ``agreements.charges.check_charge`` for every door: a draft agreement is
    ActionRefused (its state), anything else wrong is InputRefused naming the field."""
    try:
        text = check_charge(agreement.status, description, amount, vat_code)
    except TermsRefused as exc:
        if exc.field == "status":
            raise ActionRefused(f"{agreement.name}: {exc}") from None
        raise InputRefused(str(exc), exc.field) from None
    charge = AgreementCharge(agreement=agreement, description=text, amount=amount, vat_code=vat_code, created_by=by)
    db.session.add(charge)
    db.session.commit()
    return charge
