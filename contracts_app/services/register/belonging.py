"""Which trust an invoice or an agreement belongs to (issue #29), as SQL for the lists, their filters,
the API and the finance export, so a filter and the code it shows can never disagree.

- An invoice is the trust's when its school was a member on the invoice's date: the rule of the trust
  statement and of aged debt (register.trusts.membership_on), so a trust's filtered invoices are the
  ones on its statement, and the ones its users see (with their academies' own invoices from before
  they joined any trust).
- An agreement is the trust's its school belongs to on register.trusts.agreement_trust_day (today while
  the term runs, else the nearest end of the term). A group's agreement belongs to no trust.

At most one membership of a school holds on any day (register.trusts), so the joins add no rows.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Date, Exists, ScalarSelect, and_, case, exists, literal, or_, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, Trust, TrustMembership


def member_on(day: ColumnElement | date) -> ColumnElement:
    """A membership that holds on ``day`` (register.trusts.is_member_on, as SQL)."""
    return and_(or_(TrustMembership.joined_on.is_(None), TrustMembership.joined_on <= day),
                or_(TrustMembership.left_on.is_(None), TrustMembership.left_on > day))


def agreement_day(today: date) -> ColumnElement:
    """register.trusts.agreement_trust_day, as SQL over the agreement's term."""
    return case((Agreement.term_start > today, Agreement.term_start),
                (Agreement.term_end < today, Agreement.term_end), else_=literal(today, Date))


def _code(school_id: ColumnElement, day: ColumnElement, column: ColumnElement = Trust.code) -> ScalarSelect:
    return (select(column).join(TrustMembership, TrustMembership.trust_id == Trust.id)
            .where(TrustMembership.school_id == school_id, member_on(day)).limit(1).scalar_subquery())


def _member(school_id: ColumnElement, day: ColumnElement, trust_code: str) -> Exists:
    return exists(select(TrustMembership.id).join(Trust, Trust.id == TrustMembership.trust_id)
                  .where(TrustMembership.school_id == school_id, Trust.code == trust_code, member_on(day)))


def invoice_trust_code(column: ColumnElement = Trust.code) -> ScalarSelect:
    """The code (or another column) of the trust an invoice belongs to (NULL: none), correlated to Invoice."""
    return _code(Invoice.school_id, Invoice.issue_date, column).correlate(Invoice)


def invoice_seen_by_trust(trust_id: int, academy_ids: set[int]) -> ColumnElement:
    """The invoices a trust's users see: those that belong to the trust (its academies' on their dates,
    as on its statement - an academy that has left leaves its past invoices with the trust that was
    billed), and those of its academies of today that belong to no trust (addressed to the academy
    itself before it joined). Another trust's invoices stay that trust's."""
    ours = exists(select(TrustMembership.id).where(
        TrustMembership.school_id == Invoice.school_id, TrustMembership.trust_id == trust_id,
        member_on(Invoice.issue_date))).correlate(Invoice)
    no_trust = ~exists(select(TrustMembership.id).where(
        TrustMembership.school_id == Invoice.school_id, member_on(Invoice.issue_date))).correlate(Invoice)
    return or_(ours, and_(Invoice.school_id.in_(academy_ids or {-1}), no_trust,
                          or_(Invoice.trust_billing.is_(None), Invoice.trust_billing != "consolidated")))


def invoice_in_trust(trust_code: str) -> Exists:
    """Invoices that belong to the trust with this code."""
    return _member(Invoice.school_id, Invoice.issue_date, trust_code).correlate(Invoice)


def agreement_trust_code(today: date) -> ScalarSelect:
    """The code of the trust an agreement belongs to (NULL: none, or a group's), correlated to Agreement."""
    return _code(Agreement.school_id, agreement_day(today)).correlate(Agreement)


def agreement_in_trust(trust_code: str, today: date) -> Exists:
    """Agreements that belong to the trust with this code."""
    return _member(Agreement.school_id, agreement_day(today), trust_code).correlate(Agreement)


def invoice_trusts(ids: list[int]) -> dict[int, tuple[str, str]]:
    """{invoice id: (trust code, trust name)} for those of these invoices that belong to a trust (one query)."""
    if not ids:
        return {}
    rows = db.session.execute(select(Invoice.id, invoice_trust_code(), invoice_trust_code(Trust.name))
                              .where(Invoice.id.in_(ids)))
    return {invoice_id: (code, name) for invoice_id, code, name in rows if code}


def agreement_codes(ids: list[int], today: date) -> dict[int, str]:
    """{agreement id: trust code} for those of these agreements that belong to a trust (one query)."""
    if not ids:
        return {}
    rows = db.session.execute(select(Agreement.id, agreement_trust_code(today)).where(Agreement.id.in_(ids)))
    return {agreement_id: code for agreement_id, code in rows if code}
