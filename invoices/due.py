"""Due dates, payment status and debt ageing (DESIGN §1 "Invoices").

Due date = issue date + payment terms; unpaid invoices past due are overdue.
Credit notes reduce what an invoice's school owes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from invoices.money import ZERO

__all__ = [
    "DEFAULT_PAYMENT_TERMS_DAYS",
    "PAYMENT_STATUSES",
    "AGE_BUCKETS",
    "due_date",
    "outstanding",
    "payment_status",
    "is_overdue",
    "age_bucket",
]

DEFAULT_PAYMENT_TERMS_DAYS = 30
PAYMENT_STATUSES = ("unpaid", "part_paid", "paid", "credited")
AGE_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def due_date(issue_date: date, payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS) -> date:
    """Issue date plus payment terms in calendar days (DESIGN §1 "Invoices")."""
    if isinstance(payment_terms_days, bool) or not isinstance(payment_terms_days, int):
        raise TypeError(f"payment terms must be a whole number of days, got {payment_terms_days!r}")
    if payment_terms_days < 0:
        raise ValueError(f"payment terms must not be negative, got {payment_terms_days}")
    return issue_date + timedelta(days=payment_terms_days)


def outstanding(gross: Decimal, paid: Decimal, credited: Decimal = ZERO) -> Decimal:
    """What is still owed: gross less credit notes less payments (may be negative if overpaid)."""
    return gross - credited - paid


def payment_status(gross: Decimal, paid: Decimal, credited: Decimal = ZERO) -> str:
    """One of ``PAYMENT_STATUSES`` for an invoice (DESIGN §1 "Invoices").

    ``credited`` is the positive gross of the credit notes against the invoice.
    Nothing left owed -> "credited" if credit notes cleared it with nothing paid,
    else "paid"; something owed -> "part_paid" if anything was paid, else "unpaid".
    """
    if outstanding(gross, paid, credited) <= 0:
        if paid == 0 and credited > 0:
            return "credited"
        return "paid"
    return "part_paid" if paid > 0 else "unpaid"


def is_overdue(due: date, today: date, outstanding: Decimal) -> bool:
    """True when money is still owed after the due date (DESIGN §1 "Invoices")."""
    return today > due and outstanding > 0


def age_bucket(due: date, today: date) -> str:
    """The aged-debt bucket for an invoice: days past due, "current" if not yet past it."""
    days_late = (today - due).days
    if days_late <= 0:
        return "current"
    if days_late <= 30:
        return "1-30"
    if days_late <= 60:
        return "31-60"
    if days_late <= 90:
        return "61-90"
    return "90+"
