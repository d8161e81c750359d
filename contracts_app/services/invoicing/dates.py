"""Issue dates against their number series (invoices.bounds): numbers stay in date order."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from invoices import bounds

from contracts_app.extensions import db
from contracts_app.models import Invoice

NAMES = {"invoice": "invoice", "credit_note": "credit note"}


def last_issue_date(kind: str, year: int) -> date | None:
    """The latest issue date in the SLA year's series of this kind (None before the first)."""
    return db.session.scalar(select(func.max(Invoice.issue_date)).where(Invoice.kind == kind,
                                                                       Invoice.sla_year == year))


def check_issue_date(kind: str, when: date, year: int, not_before: tuple[str, date] | None = None) -> date:
    """Refuse (ActionRefused) an issue date outside the SLA year's window or before the series' last.

    Exact when called after the series' lock is taken (lock_series or take_numbers).
    """
    return bounds.document_date(NAMES[kind], when, year, last_issue_date(kind, year), not_before)
