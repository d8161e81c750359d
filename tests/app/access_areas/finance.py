"""Access to issue #20's finance pages: payments, reversals, the bank import, aged-debt files and
chart are finance's; a statement of account is finance's and SLA's for any school, a school
user's for its own (another school's is 404)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, Payment

STAFF_READ = {"admin", "sla", "finance"}

EXPECTED = {
    "invoicing.payments": {"admin", "finance"},
    "invoicing.import_payments": {"admin", "finance"},
    "invoicing.export_payments": {"admin", "finance"},
    "invoicing.reverse_payment": {"admin", "finance"},
    "invoicing.aged_debt_export": {"admin", "finance"},
    "invoicing.aged_debt_chart": {"admin", "finance"},
    "schools.statement": STAFF_READ | {"school"},
    "schools.statement_pdf": STAFF_READ | {"school"},
}
SCHOOL_SCOPED = {"schools.statement", "schools.statement_pdf"}


def world(own, other) -> dict:
    """A payment on each school's invoice, so the reversal URL names one."""
    ids = {}
    for school in (own, other):
        invoice = db.session.scalar(select(Invoice).where(Invoice.school_id == school.id))
        payment = Payment(invoice=invoice, amount=Decimal("1.00"), paid_on=date(2026, 4, 20), reference="x")
        db.session.add(payment)
        db.session.flush()
        ids[school.urn] = payment.id
    db.session.commit()
    return {"payment_id": ids}
