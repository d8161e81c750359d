"""What applying a register change would do, worked out before anything happens (issue #28):
the credit each of the predecessor's invoices gets (register.credit, §2.7, §2.5 d) and the
successor's agreement - re-priced at its own prices on the year's published list by the shared
pricing rule (pricing.check.price_line), its term and §2.7 schedule (register.successor).

A page of changes is worked out from a few set-based queries (``work_out_all``): the list of
an England-sized register stays a page under 100 ms. Nothing is saved here.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from invoices.building import term_charge
from invoices.due import outstanding
from invoices.schedule import ScheduleError
from invoices.vat import vat_summary
from pricing.census import CensusRef, census_for_year
from pricing.check import price_line
from pricing.errors import MissingCensus, PricingError
from pricing.models import PricingContext
from pricing.money import round_money
from pricing.sla_year import SlaYear
from pricing.vat import VAT_RATES
from register.census import census_words
from register.changes import CLOSURE, CONVERSION
from register.credit import InvoicedLine, credit_for
from register.successor import CarriedLine, carried_lines, left_out, successor_schedule, successor_term

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, CensusFigure, Invoice, InvoiceLine, Payment, School
from contracts_app.services import price_lists
from contracts_app.services.imports import chunked
from contracts_app.services.register.changes import ChangeView, InvoiceCredit, SuccessorPlan, schools_by_urn

CREDIT_REASON = "register change: {reason}, agreement ended {end}"
ZERO = Decimal("0.00")


def credits_conversions() -> bool:
    """The council's CONVERSION_CREDIT setting: off means the term stays owed (§2.5 d)."""
    return bool(current_app.config.get("CONVERSION_CREDIT", True))


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def credit_reason(view: ChangeView) -> str:
    return CREDIT_REASON.format(reason=view.reason, end=long_date(view.implied.end_date))


@dataclass
class _Facts:
    """What a page of changes needs, each loaded once for all of them."""

    lines: dict[int, list] = field(default_factory=lambda: defaultdict(list))  # agreement id -> billed lines
    credited: dict[int, Decimal] = field(default_factory=dict)   # invoice line id -> credited so far
    owed: dict[int, Decimal] = field(default_factory=dict)       # invoice id -> still owed
    successors: dict[int, School] = field(default_factory=dict)
    live: dict[tuple[int, int], Agreement] = field(default_factory=dict)  # (school id, year) -> agreement
    pupils: dict[tuple[int, str], int] = field(default_factory=dict)
    services: dict[int, list[CarriedLine]] = field(default_factory=lambda: defaultdict(list))  # agreement id ->
    prices: dict[int, tuple | None] = field(default_factory=dict)  # year -> (rows by key, census) or None


def _load_invoices(facts: _Facts, agreement_ids: list[int]) -> None:
    """The scheduled lines billed on these agreements' invoices, what is credited and owed on them."""
    invoice_ids: set[int] = set()
    for chunk in chunked(agreement_ids):
        rows = db.session.execute(
            select(Invoice.agreement_id, Invoice.id.label("invoice_id"), Invoice.number, Invoice.term,
                   Invoice.net.label("invoice_net"), Invoice.gross, InvoiceLine.id, InvoiceLine.net,
                   InvoiceLine.vat_code, InvoiceLine.vat_rate, AgreementLine.annual_price, AgreementLine.start_date)
            .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
            .join(AgreementLine, AgreementLine.id == InvoiceLine.agreement_line_id)
            .where(Invoice.agreement_id.in_(chunk), Invoice.kind == "invoice", InvoiceLine.billing_key.like("line:%"))
            .order_by(Invoice.issue_date, Invoice.id, InvoiceLine.position))
        for row in rows:
            facts.lines[row.agreement_id].append(row)
            invoice_ids.add(row.invoice_id)
    paid: dict[int, Decimal] = {}
    notes: dict[int, Decimal] = {}
    for chunk in chunked(sorted(invoice_ids)):
        paid.update(db.session.execute(select(Payment.invoice_id, func.sum(Payment.amount))
                                       .where(Payment.invoice_id.in_(chunk)).group_by(Payment.invoice_id)).all())
        notes.update(db.session.execute(select(Invoice.credited_invoice_id, -func.sum(Invoice.gross))
                                        .where(Invoice.credited_invoice_id.in_(chunk), Invoice.kind == "credit_note")
                                        .group_by(Invoice.credited_invoice_id)).all())
        credit = select(InvoiceLine.credited_line_id, -func.sum(InvoiceLine.net)).join(
            Invoice, Invoice.id == InvoiceLine.invoice_id).where(Invoice.credited_invoice_id.in_(chunk),
                                                                 InvoiceLine.credited_line_id.is_not(None))
        facts.credited.update(db.session.execute(credit.group_by(InvoiceLine.credited_line_id)).all())
    for rows in facts.lines.values():
        for row in rows:
            facts.owed[row.invoice_id] = outstanding(row.gross, Decimal(paid.get(row.invoice_id) or 0),
                                                     Decimal(notes.get(row.invoice_id) or 0))


def _price_rows(facts: _Facts, year: int) -> tuple | None:
    if year not in facts.prices:
        price_list = price_lists.published(year)
        facts.prices[year] = None if price_list is None else (
            price_lists.rows_by_key(price_list), census_for_year(SlaYear(year), price_list.census_basis))
    return facts.prices[year]


def _load_successors(facts: _Facts, views: list[ChangeView]) -> None:
    """The successors, their live agreements and census figures, and the services they would take."""
    facts.successors = schools_by_urn(u for v in views if v.implied.kind != CLOSURE for u in v.implied.successors)
    for chunk in chunked([v.agreement.id for v in views if v.implied.kind != CLOSURE]):
        for r in db.session.execute(select(AgreementLine.agreement_id, AgreementLine.service_code,
                                           AgreementLine.list_name, AgreementLine.quantity, AgreementLine.start_date,
                                           AgreementLine.end_date).where(AgreementLine.agreement_id.in_(chunk))
                                    .order_by(AgreementLine.list_name, AgreementLine.service_code)):
            facts.services[r.agreement_id].append(CarriedLine(r.service_code, r.list_name, r.quantity, r.start_date,
                                                              r.end_date))
    ids = [s.id for s in facts.successors.values()]
    for chunk in chunked(ids):
        for agreement in db.session.scalars(select(Agreement).where(Agreement.school_id.in_(chunk),
                                                                    Agreement.status != "cancelled")):
            facts.live[(agreement.school_id, agreement.sla_year)] = agreement
        facts.pupils.update({(r.school_id, r.census): r.pupils for r in db.session.execute(
            select(CensusFigure.school_id, CensusFigure.census, CensusFigure.pupils)
            .where(CensusFigure.school_id.in_(chunk)))})


def _invoice_credits(view: ChangeView, facts: _Facts) -> list[InvoiceCredit]:
    """Per invoice of the predecessor's agreement, the net credited on each scheduled line (§2.7)."""
    agreement, end = view.agreement, view.implied.end_date
    credits: dict[int, InvoiceCredit] = {}
    vat: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    rates: dict[str, Decimal] = dict(VAT_RATES)
    for row in facts.lines.get(agreement.id, []):
        credit = credits.setdefault(row.invoice_id, InvoiceCredit(row.invoice_id, row.number, row.term,
                                                                  row.invoice_net, {}))
        billed = InvoicedLine(row.annual_price or ZERO, row.start_date, agreement.customer_type,
                              agreement.term_start, agreement.term_end, row.term or "", row.net)
        amount = min(credit_for(billed, end), row.net - Decimal(facts.credited.get(row.id) or 0))
        if amount > 0:
            credit.amounts[row.id] = amount
            vat[row.invoice_id].append((row.vat_code, -amount))
            rates[row.vat_code] = row.vat_rate
    for credit in credits.values():  # the credit note's gross as issuing works it out (EN 16931, per code)
        breakdown = vat_summary(vat[credit.invoice_id], rates)
        credit.gross = -sum((b.net + b.vat for b in breakdown), ZERO)
        if credit.gross > facts.owed.get(credit.invoice_id, ZERO):
            view.problems.append(
                f"{credit.number}: the credit note's £{credit.gross:,.2f} is more than the "
                f"£{max(facts.owed.get(credit.invoice_id, ZERO), ZERO):,.2f} still owed (payments received are "
                "not credited); reverse the payment or credit it by hand, then apply again")
    return [c for c in credits.values() if c.amounts]


def _price(view: ChangeView, plan: SuccessorPlan, successor: School, facts: _Facts) -> None:
    """Re-price the subscribed services for the successor on the year's published list (§2.6
    census, pricing.check.price_line); services with no price for its customer type are left out;
    any other problem blocks the change."""
    year = SlaYear.containing(plan.term_start).start_year
    loaded = _price_rows(facts, year)
    if loaded is None:
        view.problems.append(f"the {SlaYear(year).label} price list is not published: the successor cannot be priced")
        return
    rows, census = loaded
    pupils = _pupils(view, plan, successor, census, facts)
    words = census_words(census, [plan.pupils_from] if plan.pupils_from else [])
    priced, no_price = [], set()
    for line in plan.carried:
        if line.list_name != "subscribed":
            continue
        row = rows.get((line.service_code, successor.customer_type))
        if row is None:
            no_price.add(line.service_code)
            continue
        try:
            priced.append(price_line(row, PricingContext(pupils=pupils, census=census, quantity=line.quantity,
                                                         census_text=words)))
        except MissingCensus:
            view.problems.append(f"{successor.name} (URN {successor.urn}) has no pupil figure for the "
                                 f"{census.description} census, nor has its predecessor")
        except PricingError as exc:
            view.problems.append(f"{line.service_code}: {exc}")
    subscribed = {l.service_code for l in plan.carried if l.list_name == "subscribed"}
    plan.carried, plan.left_out = left_out(plan.carried, subscribed - no_price)
    starts = {l.service_code: l.start_date for l in plan.carried if l.start_date}
    plan.lines, plan.starts, plan.census_label, plan.pupils = priced, starts, census.label, pupils
    plan.annual_total = round_money(sum((l.annual for l in priced), Decimal(0)))
    plan.term_total = sum((term_charge(l.annual, plan.customer_type, plan.term_start, plan.term_end,
                                       starts.get(l.service_code)) for l in priced), ZERO)


def _pupils(view: ChangeView, plan: SuccessorPlan, successor: School, census: CensusRef, facts: _Facts) -> int | None:
    """The successor's own figure in the census, else the predecessor's for that census (a new
    academy has no census of its own yet; its pupils were counted under the old URN)."""
    own = facts.pupils.get((successor.id, census.label))
    if own is None and view.agreement.census_label == census.label and view.agreement.pupils is not None:
        plan.pupils_from = view.school.urn
        return view.agreement.pupils
    return own


def _plan(view: ChangeView, urn: int, facts: _Facts) -> SuccessorPlan:
    """The successor's agreement: issued at its prices for a conversion, a draft otherwise."""
    successor = facts.successors.get(urn)
    if successor is None:
        return SuccessorPlan(urn, "", note=f"URN {urn} is not in the register: import the GIAS extract that has "
                                           "it to prepare its agreement")
    start, end = successor_term(successor.opened_on, view.implied.end_date)
    plan = SuccessorPlan(urn, successor.name, successor.customer_type, start, end,
                         issued=view.implied.kind == CONVERSION)
    plan.carried = carried_lines(facts.services.get(view.agreement.id, []), start)
    existing = facts.live.get((successor.id, SlaYear.containing(start).start_year))
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
        _price(view, plan, successor, facts)
    else:
        plan.note = "a draft is prepared for the SLA team to edit and issue"
    return plan


def work_out_all(views: list[ChangeView]) -> list[ChangeView]:
    """Fill in each view's consequences - the credits, the successors' agreements, the problems
    that would stop it - from one set of look-ups. Applied and upcoming changes are left as they are."""
    todo = [v for v in views if v.applied is None and not v.implied.upcoming]
    facts = _Facts()
    keep_owed = not credits_conversions()
    if not keep_owed:
        _load_invoices(facts, [v.agreement.id for v in todo])
    _load_successors(facts, todo)
    for view in todo:
        view.credit_kept_owed = keep_owed
        view.credits = [] if keep_owed else _invoice_credits(view, facts)
        if view.implied.kind != CLOSURE:
            view.successors = [_plan(view, urn, facts) for urn in view.implied.successors]
    return views


def work_out(view: ChangeView) -> ChangeView:
    """``work_out_all`` for one change."""
    return work_out_all([view])[0]
