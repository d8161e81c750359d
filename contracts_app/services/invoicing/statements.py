"""Statements of account (issue #20): a school's invoices, credit notes, payments and
reversals as plain items for ``invoices.statement``, as a page's data or a PDF; and a
trust's (issue #29): every academy it has had, with the periods it was a member.

``statement_pdf(school_id, as_of)`` is what overdue reminders attach.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import aliased

from invoices.statement import Account, Item, Statement, TrustStatement, build_statement, build_trust_statement
from invoices.statement_pdf import render_statement_pdf, render_trust_statement_pdf
from pricing.errors import ActionRefused

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment, School, Trust
from contracts_app.services.council import invoice_issuer


def _owned() -> ColumnElement:
    """A school's own account leaves out its trust's consolidated invoices (the trust owes them; they are filed
    under one academy only to have a school): they are the trust's own account on its statement."""
    return or_(Invoice.trust_billing.is_(None), Invoice.trust_billing != "consolidated")


def _consolidated(trust_id: int) -> ColumnElement:
    """The trust's consolidated invoices and the credit notes against them (which are addressed as they were)."""
    return and_(Invoice.trust_id == trust_id, Invoice.trust_billing == "consolidated")


def _documents(school_ids: Collection[int], which: ColumnElement) -> dict[int, list[Item]]:
    credited = aliased(Invoice)
    rows = db.session.execute(
        select(Invoice.school_id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.due_date, Invoice.gross,
               credited.number.label("credits"), Invoice.description)
        .outerjoin(credited, credited.id == Invoice.credited_invoice_id)
        .where(Invoice.school_id.in_(school_ids), which))
    found: dict[int, list[Item]] = {school_id: [] for school_id in school_ids}
    for r in rows:
        found[r.school_id].append(Item(r.issue_date, r.kind, r.number,
                                       r.number if r.kind == "invoice" else (r.credits or r.number),
                                       r.gross, r.due_date if r.kind == "invoice" else None, r.description))
    return found


def _payments(school_ids: Collection[int], which: ColumnElement) -> dict[int, list[Item]]:
    rows = db.session.execute(
        select(Invoice.school_id, Payment.id, Payment.paid_on, Payment.amount, Payment.reference,
               Payment.reverses_payment_id, Payment.reason, Invoice.number)
        .join(Invoice, Invoice.id == Payment.invoice_id).where(Invoice.school_id.in_(school_ids), which))
    found: dict[int, list[Item]] = {school_id: [] for school_id in school_ids}
    for r in rows:
        kind = "reversal" if r.reverses_payment_id is not None else "payment"
        reference = r.reference or f"payment {r.id}"
        found[r.school_id].append(Item(r.paid_on, kind, reference, r.number, -r.amount, None, r.reason))
    return found


def _items(school_ids: Collection[int], which: ColumnElement | None = None) -> dict[int, list[Item]]:
    """Everything on each school's account (``which``: other documents instead): two queries, however
    many schools."""
    which = _owned() if which is None else which
    documents, payments = _documents(school_ids, which), _payments(school_ids, which)
    return {school_id: documents[school_id] + payments[school_id] for school_id in school_ids}


def statement(school: School, as_of: date | None = None) -> Statement:
    """The school's statement of account as of a date (default today)."""
    items = _items([school.id])[school.id]
    return build_statement(items, as_of or date.today(), school.name, school.urn, school.address or "")


def statement_pdf(school_id: int, as_of: date | None = None) -> bytes:
    """The statement of account of the school with this id, as a PDF."""
    school = db.session.get(School, school_id)
    if school is None:
        raise ActionRefused(f"no school with id {school_id}")
    return render_statement_pdf(statement(school, as_of), invoice_issuer())


def trust_statement(trust: Trust, as_of: date | None = None) -> TrustStatement:
    """The trust's statement of account as of a date (default today): each academy's invoices issued
    while a member, with what credits and pays them (``invoices.statement.items_while_member``)."""
    periods: dict[int, list[tuple[date | None, date | None]]] = {}
    schools: dict[int, School] = {}
    for membership in trust.memberships:
        periods.setdefault(membership.school_id, []).append((membership.joined_on, membership.left_on))
        schools[membership.school_id] = membership.school
    items = _items(list(periods)) if periods else {}
    accounts = [Account(school.name, school.urn, school.address or "", tuple(items[school_id]),
                        tuple(periods[school_id])) for school_id, school in schools.items()]
    # The consolidated invoices are the trust's whatever academy they are filed under (issued to it by name).
    filed = set(db.session.scalars(select(Invoice.school_id).where(_consolidated(trust.id)).distinct()))
    own = [item for found in (_items(filed, _consolidated(trust.id)) if filed else {}).values() for item in found]
    return build_trust_statement(accounts, as_of or date.today(), trust.name, trust.code, trust.address, own)


def trust_statement_pdf(trust: Trust, as_of: date | None = None) -> bytes:
    """The trust's statement of account as a PDF."""
    return render_trust_statement_pdf(trust_statement(trust, as_of), invoice_issuer())


def school_by_urn(urn: int) -> School | None:
    """The school with this URN, for the statement's doors."""
    if not 0 < urn < 2**31:
        return None
    return db.session.scalar(select(School).where(School.urn == urn))
