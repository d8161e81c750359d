"""Invoices after they are issued: balances, payments, credit notes, lists and aged debt."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, Subquery, and_, event, func, or_, select
from sqlalchemy.orm import Session, selectinload

from invoices import bounds
from invoices.credit import CreditRefused, CreditRequest, check_credit, full_credit
from invoices.due import age_bucket, is_overdue, outstanding, payment_status
from invoices.vat import VatBreakdown, vat_summary
from pricing.errors import ActionRefused
from pricing.vat import VAT_RATES

from contracts_app.extensions import db
from contracts_app.models import Invoice, InvoiceLine, Payment, School
from contracts_app.models.types import utcnow
from contracts_app.services import audit, events
from contracts_app.services.bounds import search_number
from contracts_app.services.invoicing.dates import check_issue_date
from contracts_app.services.invoicing.locking import lock_invoice
from contracts_app.services.invoicing.numbering import ensure_series, take_numbers
from contracts_app.services.invoicing.listing import ordered
from contracts_app.services.register.belonging import invoice_in_trust, invoice_seen_by_trust
from contracts_app.services.queries import Page, Sort, paginate
from contracts_app.services.transactions import refusal_rolls_back

ZERO = Decimal("0.00")
# "outstanding": every invoice with something still owed, part-paid ones included (aged debt's drill-down).
STATUSES = ("unpaid", "part_paid", "paid", "credited", "overdue", "outstanding")


# -- immutability --------------------------------------------------------------------------

def _refuse_changes_to_issued(session: Session, flush_context: object, instances: object) -> None:
    """An issued invoice or credit note never changes: corrections are credit notes."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, (Invoice, InvoiceLine)) and session.is_modified(obj, include_collections=False) \
                or isinstance(obj, (Invoice, InvoiceLine)) and obj in session.deleted:
            raise ActionRefused("an issued invoice never changes; issue a credit note to correct it")


def install(session_factory: type[Session]) -> None:
    """Hook the never-changes rule into every session the app makes (called once by create_app)."""
    if not event.contains(session_factory, "before_flush", _refuse_changes_to_issued):
        event.listen(session_factory, "before_flush", _refuse_changes_to_issued)


# -- balances -------------------------------------------------------------------------------

def _paid_subquery() -> Subquery:
    return (select(Payment.invoice_id.label("invoice_id"), func.sum(Payment.amount).label("paid"))
            .group_by(Payment.invoice_id).subquery())


def _credited_subquery() -> Subquery:
    credit = Invoice.__table__.alias("credit")
    return (select(credit.c.credited_invoice_id.label("invoice_id"), (-func.sum(credit.c.gross)).label("credited"))
            .where(credit.c.kind == "credit_note").group_by(credit.c.credited_invoice_id).subquery())


@dataclass(frozen=True)
class Balance:
    gross: Decimal
    paid: Decimal
    credited: Decimal
    due: date
    today: date
    kind: str

    @property
    def outstanding(self) -> Decimal:
        """What is still owed (nothing on a credit note)."""
        return ZERO if self.kind == "credit_note" else outstanding(self.gross, self.paid, self.credited)

    @property
    def status(self) -> str:
        """unpaid, part_paid, paid or credited; credit_note for a credit note."""
        if self.kind == "credit_note":
            return "credit_note"
        return payment_status(self.gross, self.paid, self.credited)

    @property
    def overdue(self) -> bool:
        """An invoice past its due date with something still owed."""
        return self.kind == "invoice" and is_overdue(self.due, self.today, self.outstanding)

    @property
    def age(self) -> str:
        """The aged-debt bucket of its due date."""
        return age_bucket(self.due, self.today)


def balance(invoice: Invoice, today: date | None = None) -> Balance:
    """The invoice's balance from its loaded payments and credit notes."""
    paid = sum((p.amount for p in invoice.payments), ZERO)
    credited = -sum((c.gross for c in invoice.credit_notes), ZERO)
    return Balance(invoice.gross, paid, credited, invoice.due_date, today or date.today(), invoice.kind)


# -- lists ----------------------------------------------------------------------------------

@dataclass
class InvoiceFilter:
    year: int | None = None
    term: str = ""
    status: str = ""
    customer_type: str = ""
    q: str = ""
    kind: str = ""
    school_ids: set[int] | None = None  # a school user's own schools
    viewer_trust_id: int | None = None  # that user's trust, if a trust user (consolidated invoices: its own only)
    urn: int | None = None  # one school's (the API's filter)
    run_id: int | None = None  # the invoices one invoice run raised, whatever their terms
    trust_code: str = ""  # one trust's (issue #29: services.register.belonging's rule, as its statement)


def visible_to_trust_user(trust_id: int | None) -> ColumnElement:
    """A trust's consolidated invoice is filed under one academy but holds every academy's lines: a school user
    sees it only as a user of that trust (access.may_see_invoice says the same for one invoice)."""
    return or_(Invoice.trust_billing.is_(None), Invoice.trust_billing != "consolidated",
               Invoice.trust_id == (trust_id if trust_id is not None else -1))


def seen_by(school_ids: set[int], trust_id: int | None) -> ColumnElement:
    """A school user's invoices (access.may_see_invoice says the same for one invoice): its schools', and for a
    trust's user the trust's own by services.register.belonging's rule."""
    if trust_id is not None:
        return invoice_seen_by_trust(trust_id, school_ids)
    return and_(Invoice.school_id.in_(school_ids or {-1}), visible_to_trust_user(None))


def filtered(query: Select, f: InvoiceFilter, today: date) -> Select:
    """Apply the list filters. The payment and credit totals are joined only when the
    status filter needs them: on 50,000 invoices the aggregates cost more than the page."""
    if f.year:
        query = query.where(Invoice.sla_year == f.year)
    if f.term:
        query = query.where(Invoice.term == f.term)
    if f.kind:
        query = query.where(Invoice.kind == f.kind)
    if f.run_id is not None:
        query = query.where(Invoice.run_id == f.run_id)
    if f.customer_type:
        query = query.where(Invoice.customer_type == f.customer_type)
    if f.trust_code:
        query = query.where(invoice_in_trust(f.trust_code))
    if f.school_ids is not None:
        query = query.where(seen_by(f.school_ids, f.viewer_trust_id))
    if f.urn is not None:
        query = query.where(Invoice.school_id.in_(select(School.id).where(School.urn == f.urn)))
    q = f.q.strip()
    if q:
        conditions = [func.lower(Invoice.customer_name).contains(q.lower()), Invoice.number == q.upper()]
        if (number := search_number(q)) is not None:
            conditions.append(Invoice.school_urn == number)
        query = query.where(or_(*conditions))
    if f.status not in STATUSES:
        return query
    paid, credited = _paid_subquery(), _credited_subquery()
    query = query.outerjoin(paid, paid.c.invoice_id == Invoice.id).outerjoin(credited, credited.c.invoice_id == Invoice.id)
    left = Invoice.gross - func.coalesce(paid.c.paid, 0) - func.coalesce(credited.c.credited, 0)
    paid_any = func.coalesce(paid.c.paid, 0)
    query = query.where(Invoice.kind == "invoice")
    if f.status == "paid":
        return query.where(left <= 0, paid_any > 0)
    if f.status == "credited":
        return query.where(left <= 0, paid_any == 0)
    if f.status == "unpaid":
        return query.where(left > 0, paid_any == 0)
    if f.status == "part_paid":
        return query.where(left > 0, paid_any > 0)
    if f.status == "outstanding":
        return query.where(left > 0)
    return query.where(left > 0, Invoice.due_date < today)  # overdue


def by_number(number: str) -> Invoice | None:
    """The invoice or credit note with this number (any case), with its lines, payments and credit notes."""
    return db.session.scalar(select(Invoice).where(Invoice.number == number.upper()).options(
        selectinload(Invoice.lines), selectinload(Invoice.payments), selectinload(Invoice.credit_notes)))


def list_invoices(f: InvoiceFilter, page: int, per_page: int, today: date | None = None, *,
                  with_lines: bool = False, sort: Sort | None = None) -> tuple[Page, dict[int, Balance]]:
    """One page of the filtered invoices (newest first unless ``sort`` says otherwise), with their balances;
    ``with_lines`` loads each invoice's lines and credited invoice too (the API lists them)."""
    today = today or date.today()
    query = select(Invoice)
    if with_lines:
        query = query.options(selectinload(Invoice.lines), selectinload(Invoice.credited_invoice))
    query = ordered(filtered(query, f, today), sort)
    result = paginate(query, page, per_page)
    balances = balances_for([i.id for i in result.items], today)
    return result, balances


@dataclass(frozen=True)
class InvoiceList:
    """The invoice list page: one page of invoices, their balances, and the filter's totals."""

    result: Page
    balances: dict[int, Balance]
    count: int
    gross: Decimal


def invoice_list(f: InvoiceFilter, page: int, per_page: int, sort: Sort | None = None) -> InvoiceList:
    """What the invoice list shows: the page and the count and gross of everything filtered."""
    result, balances = list_invoices(f, page, per_page, sort=sort)
    count, gross = totals(f)
    return InvoiceList(result, balances, count, gross)


@dataclass(frozen=True)
class InvoiceSummary:
    """What an invoice's page shows beside the invoice: balance, VAT per code, credits per line."""

    state: Balance
    breakdown: list[VatBreakdown]
    credited: dict[int, Decimal]


def summary(invoice: Invoice) -> InvoiceSummary:
    """The invoice's balance, its VAT per code and (for an invoice) what each line has had credited."""
    breakdown = vat_summary(((l.vat_code, l.net) for l in invoice.lines),
                            {l.vat_code: l.vat_rate for l in invoice.lines})
    credited = credited_by_line(invoice) if invoice.kind == "invoice" else {}
    return InvoiceSummary(balance(invoice), breakdown, credited)


def balances_for(ids: list[int], today: date) -> dict[int, Balance]:
    """The balances of these invoices, in one query of totals (not their payments one by one)."""
    if not ids:
        return {}
    paid, credited = _paid_subquery(), _credited_subquery()
    rows = db.session.execute(
        select(Invoice.id, Invoice.gross, Invoice.due_date, Invoice.kind, paid.c.paid, credited.c.credited)
        .outerjoin(paid, paid.c.invoice_id == Invoice.id).outerjoin(credited, credited.c.invoice_id == Invoice.id)
        .where(Invoice.id.in_(ids)))
    return {r.id: Balance(r.gross, _money(r.paid), _money(r.credited), r.due_date, today, r.kind) for r in rows}


def _money(value: Decimal | int | None) -> Decimal:
    """Aggregates keep the money column's type, so they arrive in pounds; None is nothing."""
    return ZERO if value is None else Decimal(value)


def totals(f: InvoiceFilter, today: date | None = None) -> tuple[int, Decimal]:
    """How many invoices the filter matches, and their gross."""
    query = filtered(select(func.count(), func.coalesce(func.sum(Invoice.gross), 0)).select_from(Invoice), f,
                     today or date.today())
    count, gross = db.session.execute(query).one()
    return count, _money(gross)


# -- payments -------------------------------------------------------------------------------

@refusal_rolls_back
def record_payment(invoice: Invoice, amount: Decimal, paid_on: date, reference: str, by: str) -> Payment:
    """Record money received against an invoice; never more than is owed, checked under its lock."""
    if invoice.kind != "invoice":
        raise ActionRefused(f"{invoice.number} is a credit note; payments are recorded against invoices")
    amount = bounds.amount(amount, "the payment")
    bounds.payment_date(paid_on, invoice.number, invoice.issue_date, date.today())
    lock_invoice(invoice.id)
    state = owed(invoice)
    if state.status == "credited" or (state.credited >= invoice.gross and invoice.gross > 0):
        raise ActionRefused(f"{invoice.number} has been cancelled by credit note; it takes no payments")
    if amount > state.outstanding:
        raise ActionRefused(f"£{amount:,.2f} is more than the £{state.outstanding:,.2f} still owed on "
                            f"{invoice.number}")
    payment = Payment(invoice=invoice, amount=amount, paid_on=paid_on, reference=reference.strip(),
                      recorded_by=by)
    db.session.add(payment)
    db.session.commit()
    return payment


def owed(invoice: Invoice) -> Balance:
    """The invoice's balance read from the database now (after lock_invoice: what the last change left)."""
    return balances_for([invoice.id], date.today())[invoice.id]


# -- credit notes ---------------------------------------------------------------------------

def credited_by_line(invoice: Invoice) -> dict[int, Decimal]:
    """What each of the invoice's lines has had credited so far (positive amounts)."""
    rows = db.session.execute(
        select(InvoiceLine.credited_line_id, func.sum(InvoiceLine.net))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.credited_invoice_id == invoice.id, InvoiceLine.credited_line_id.is_not(None))
        .group_by(InvoiceLine.credited_line_id))
    return {line_id: -_money(total) for line_id, total in rows}


def _credit_lines(invoice: Invoice, reason: str, amounts: dict[int, Decimal] | None) -> list[InvoiceLine]:
    """The credit note's lines (not yet saved), or ActionRefused: never more than is left (invoices.credit)."""
    if invoice.kind != "invoice":
        raise ActionRefused(f"{invoice.number} is a credit note; credit the invoice itself")
    if not reason.strip():
        raise ActionRefused("give the reason for the credit note")
    lines = {line.id: line.net for line in invoice.lines}
    already = credited_by_line(invoice)
    try:
        if amounts is None:
            requests = full_credit(lines, already)
            if not requests:
                raise ActionRefused(f"{invoice.number} has been credited in full already")
        else:
            requests = [CreditRequest(line_id, amount) for line_id, amount in amounts.items() if amount]
        check_credit(lines, already, requests)
    except CreditRefused as exc:
        position = {l.id: l.position for l in invoice.lines}.get(exc.line_id, exc.line_id)
        raise ActionRefused(f"line {position}: {exc.reason}" if exc.line_id is not None else exc.reason) from None
    by_id = {line.id: line for line in invoice.lines}
    note_lines = []
    for position, request in enumerate(requests, start=1):
        original = by_id[request.line_id]
        note_lines.append(InvoiceLine(
            position=position, service_code=original.service_code, description=original.description,
            explanation=f"Credit against {invoice.number} line {original.position}: {reason.strip()}",
            quantity=Decimal(1), unit_price=-request.amount, net=-request.amount, vat_code=original.vat_code,
            vat_rate=original.vat_rate, credited_line_id=original.id))
    return note_lines


def _credit_totals(note_lines: list[InvoiceLine]) -> tuple[Decimal, Decimal]:
    breakdown = vat_summary(((l.vat_code, l.net) for l in note_lines),
                            {**VAT_RATES, **{l.vat_code: l.vat_rate for l in note_lines}})
    return sum((l.net for l in note_lines), ZERO), sum((b.vat for b in breakdown), ZERO)


def _within_owed(invoice: Invoice, net: Decimal, vat: Decimal) -> None:
    """A credit note never credits more than is still owed: what was paid is not credited away
    (reverse the payment first), so an invoice is never both paid and credited in full."""
    gross, left = -(net + vat), owed(invoice).outstanding
    if gross > left:
        raise ActionRefused(f"the credit note's £{gross:,.2f} is more than the £{max(left, ZERO):,.2f} still owed "
                            f"on {invoice.number}; payments received are not credited")


def credit_preview(invoice: Invoice, reason: str, amounts: dict[int, Decimal] | None = None) -> Decimal:
    """What the credit note would credit, gross (a positive amount), for its confirmation; nothing is saved.

    The same checks as issuing it: ActionRefused when it could not be issued.
    """
    net, vat = _credit_totals(_credit_lines(invoice, reason, amounts))
    _within_owed(invoice, net, vat)
    return -(net + vat)


@refusal_rolls_back
def issue_credit_note(invoice: Invoice, reason: str, by: str, issue_date: date,
                      amounts: dict[int, Decimal] | None = None, *, commit: bool = True) -> Invoice:
    """A credit note against an invoice: the whole of what is left, or chosen lines' amounts.

    It never exceeds what is left to credit on any line (invoices.credit) nor what is still
    owed; both are read under the invoice's lock, so concurrent notes and payments queue.
    ``commit=False``: part of the caller's transaction (a register change), which has made
    sure of the series first (ensure_series commits).
    """
    if commit:
        ensure_series("credit_note", invoice.sla_year)  # it commits: before the lock
    lock_invoice(invoice.id)
    note_lines = _credit_lines(invoice, reason, amounts)
    net, vat = _credit_totals(note_lines)
    _within_owed(invoice, net, vat)
    number = take_numbers("credit_note", invoice.sla_year, 1)[0]
    # After take_numbers, which holds the series: the last date read is final.
    check_issue_date("credit_note", issue_date, invoice.sla_year, (invoice.number, invoice.issue_date))
    note = Invoice(number=number, kind="credit_note", sla_year=invoice.sla_year, term=invoice.term,
                   period_start=invoice.period_start, period_end=invoice.period_end, school_id=invoice.school_id,
                   agreement_id=invoice.agreement_id, credited_invoice=invoice, customer_name=invoice.customer_name,
                   school_urn=invoice.school_urn, customer_type=invoice.customer_type, po_number=invoice.po_number,
                   description=f"Credit note against {invoice.number}: {reason.strip()}", issue_date=issue_date,
                   due_date=issue_date, net=net, vat=vat, gross=net + vat, issued_at=utcnow(), issued_by=by,
                   lines=note_lines, **addressed_as(invoice))  # to whom the invoice was (issue #29)
    db.session.add(note)
    db.session.flush()
    audit.record("issue", "Invoice", note.id, f"{number} credits £{-note.gross:,.2f} of {invoice.number}: "
                                              f"{reason.strip()}")
    events.emit("invoice.issued", invoice=note)
    if commit:
        db.session.commit()
    return note


def addressed_as(invoice: Invoice) -> dict:
    """The invoice's buyer as issued (a trust or none), for a credit note against it."""
    return {name: getattr(invoice, name) for name in ("trust_id", "trust_billing", "bill_to_name", "bill_to_street",
                                                      "bill_to_town", "bill_to_postcode")}


# Aged debt (by customer and by trust) is contracts_app/services/invoicing/aged_debt.py.
