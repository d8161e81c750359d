"""Statements of account (issue #20): a school's invoices, credit notes, payments and
reversals as plain items for ``invoices.statement``, as a page's data or a PDF.

``statement_pdf(school_id, as_of)`` is what overdue reminders attach.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from invoices.statement import Item, Statement, build_statement
from invoices.statement_pdf import render_statement_pdf
from pricing.errors import ActionRefused

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment, School
from contracts_app.services.council import invoice_issuer


def _documents(school_id: int) -> list[Item]:
    credited = aliased(Invoice)
    rows = db.session.execute(
        select(Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.due_date, Invoice.gross,
               credited.number.label("credits"), Invoice.description)
        .outerjoin(credited, credited.id == Invoice.credited_invoice_id).where(Invoice.school_id == school_id))
    return [Item(r.issue_date, r.kind, r.number, r.number if r.kind == "invoice" else (r.credits or r.number),
                 r.gross, r.due_date if r.kind == "invoice" else None, r.description) for r in rows]


def _payments(school_id: int) -> list[Item]:
    rows = db.session.execute(
        select(Payment.id, Payment.paid_on, Payment.amount, Payment.reference, Payment.reverses_payment_id,
               Payment.reason, Invoice.number)
        .join(Invoice, Invoice.id == Payment.invoice_id).where(Invoice.school_id == school_id))
    items = []
    for r in rows:
        kind = "reversal" if r.reverses_payment_id is not None else "payment"
        reference = r.reference or f"payment {r.id}"
        items.append(Item(r.paid_on, kind, reference, r.number, -r.amount, None, r.reason))
    return items


def statement(school: School, as_of: date | None = None) -> Statement:
    """The school's statement of account as of a date (default today)."""
    items = _documents(school.id) + _payments(school.id)
    return build_statement(items, as_of or date.today(), school.name, school.urn, school.address or "")


def statement_pdf(school_id: int, as_of: date | None = None) -> bytes:
    """The statement of account of the school with this id, as a PDF."""
    school = db.session.get(School, school_id)
    if school is None:
        raise ActionRefused(f"no school with id {school_id}")
    return render_statement_pdf(statement(school, as_of), invoice_issuer())


def school_by_urn(urn: int) -> School | None:
    """The school with this URN, for the statement's doors."""
    if not 0 < urn < 2**31:
        return None
    return db.session.scalar(select(School).where(School.urn == urn))
