"""What applying a register change would do, worked out before anything happens (issue #28):
the credit each of the predecessor's invoices gets (register.credit, §2.7, §2.5 d) and the
successor's agreement - re-priced at its own prices on the year's published list through the
shared price check, its term and §2.7 schedule (register.successor). Nothing is saved here."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from invoices.building import term_charge
from invoices.schedule import ScheduleError
from pricing.errors import ActionRefused
from pricing.money import round_money
from pricing.sla_year import SlaYear
from register.changes import CLOSURE, CONVERSION
from register.credit import InvoicedLine, credit_for
from register.successor import CarriedLine, carried_lines, left_out, successor_schedule, successor_term

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, Invoice, InvoiceLine, School
from contracts_app.services import price_lists
from contracts_app.services.agreements.status import find
from contracts_app.services.census import census_for, pupils_for
from contracts_app.services.invoicing.balances import credit_preview, credited_by_line
from contracts_app.services.price_check import price_school
from contracts_app.services.register.changes import ChangeView, InvoiceCredit, SuccessorPlan, schools_by_urn

CREDIT_REASON = "register change: {reason}, agreement ended {end}"


def credits_conversions() -> bool:
    """The council's CONVERSION_CREDIT setting: off means the term stays owed (§2.5 d)."""
    return bool(current_app.config.get("CONVERSION_CREDIT", True))


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def credit_reason(view: ChangeView) -> str:
    return CREDIT_REASON.format(reason=view.reason, end=long_date(view.implied.end_date))


def _invoice_credits(view: ChangeView) -> list[InvoiceCredit]:
    """Per invoice of the predecessor's agreement, the net credited on each scheduled line (§2.7)."""
    agreement, end = view.agreement, view.implied.end_date
    rows = db.session.execute(
        select(Invoice, InvoiceLine, AgreementLine).join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .join(AgreementLine, AgreementLine.id == InvoiceLine.agreement_line_id)
        .where(Invoice.agreement_id == agreement.id, Invoice.kind == "invoice",
               InvoiceLine.billing_key.like("line:%"))
        .order_by(Invoice.issue_date, Invoice.id, InvoiceLine.position)).all()
    credits: dict[int, InvoiceCredit] = {}
    already: dict[int, dict[int, Decimal]] = {}
    for invoice, line, agreement_line in rows:
        if invoice.id not in credits:
            credits[invoice.id] = InvoiceCredit(invoice.id, invoice.number, invoice.term, invoice.net, {})
            already[invoice.id] = credited_by_line(invoice)
        billed = InvoicedLine(agreement_line.annual_price or Decimal("0.00"), agreement_line.start_date,
                              agreement.customer_type, agreement.term_start, agreement.term_end, invoice.term or "",
                              line.net)
        left = line.net - already[invoice.id].get(line.id, Decimal("0.00"))
        amount = min(credit_for(billed, end), left)
        if amount > 0:
            credits[invoice.id].amounts[line.id] = amount
    return [c for c in credits.values() if c.amounts]


def _gross(view: ChangeView, credit: InvoiceCredit) -> None:
    """The credit note's gross as issuing would work it out; a refusal (a paid invoice) is a problem."""
    invoice = db.session.get(Invoice, credit.invoice_id)
    try:
        credit.gross = credit_preview(invoice, credit_reason(view), credit.amounts)
    except ActionRefused as exc:
        view.problems.append(f"{credit.number}: {exc}; reverse the payment or credit it by hand, then apply again")


def _carried(agreement: Agreement, start) -> list[CarriedLine]:
    return carried_lines([CarriedLine(l.service_code, l.list_name, l.quantity, l.start_date, l.end_date)
                          for l in agreement.lines], start)


def _price(view: ChangeView, plan: SuccessorPlan, successor: School, lines: list[CarriedLine]) -> None:
    """Re-price the subscribed services for the successor on the year's published list; services
    with no price for its customer type are left out; any other problem blocks the change."""
    year = SlaYear.containing(plan.term_start).start_year
    price_list = price_lists.published(year)
    if price_list is None:
        view.problems.append(f"the {SlaYear(year).label} price list is not published: the successor cannot be priced")
        return
    census = census_for(year, price_list.census_basis)
    pupils = pupils_for(successor.id, census)
    if pupils is None and view.agreement.census_label == census.label and view.agreement.pupils is not None:
        pupils, plan.pupils_from = view.agreement.pupils, view.school.urn
    items = [(l.service_code, l.quantity) for l in lines if l.list_name == "subscribed"]
    check = price_school(successor, price_list, items, pupils_override=pupils)
    no_price = {p.service_code for p in check.problems if p.kind == "no_price"}
    kept, plan.left_out = left_out(lines, {c for c, _ in items} - no_price)
    view.problems.extend(p.reason for p in check.problems if p.kind != "no_price")
    starts = {l.service_code: l.start_date for l in kept if l.start_date}
    plan.lines, plan.starts = check.lines, starts
    plan.census_label, plan.pupils = census.label, pupils
    plan.annual_total = round_money(sum((l.annual for l in check.lines), Decimal(0)))
    plan.term_total = sum((term_charge(l.annual, plan.customer_type, plan.term_start, plan.term_end,
                                       starts.get(l.service_code)) for l in check.lines), Decimal("0.00"))
    plan.carried = kept


def _plan(view: ChangeView, urn: int, successor: School | None) -> SuccessorPlan:
    """The successor's agreement: issued at its prices for a conversion, a draft otherwise."""
    if successor is None:
        return SuccessorPlan(urn, "", note=f"URN {urn} is not in the register: import the GIAS extract that has "
                                           "it to prepare its agreement")
    start, end = successor_term(successor.opened_on, view.implied.end_date)
    plan = SuccessorPlan(urn, successor.name, successor.customer_type, start, end,
                         issued=view.implied.kind == CONVERSION)
    plan.carried = _carried(view.agreement, start)
    existing = find(SlaYear.containing(start).start_year, successor)
    if existing is not None:
        plan.note = f"already has {existing.name} ({existing.status}); nothing is made for it"
        if plan.issued:
            view.problems.append(f"URN {urn} {plan.note}: withdraw or cancel it first, or apply by hand")
        return plan
    try:
        plan.periods = successor_schedule(successor.customer_type, start, end)
    except ScheduleError as exc:
        view.problems.append(f"URN {urn}: {exc}")
        return plan
    if plan.issued:
        _price(view, plan, successor, plan.carried)
    else:
        plan.note = "a draft is prepared for the SLA team to edit and issue"
    return plan


def work_out(view: ChangeView) -> ChangeView:
    """Fill in the view's consequences: the credits, the successors' agreements, the problems
    that would stop it. An applied or upcoming change is left as it is."""
    if view.applied is not None or view.implied.upcoming:
        return view
    view.credit_kept_owed = not credits_conversions()
    if not view.credit_kept_owed:
        view.credits = _invoice_credits(view)
        for credit in view.credits:
            _gross(view, credit)
    if view.implied.kind != CLOSURE:
        found = schools_by_urn(view.implied.successors)
        view.successors = [_plan(view, urn, found.get(urn)) for urn in view.implied.successors]
    return view
