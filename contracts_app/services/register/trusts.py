"""Trusts in the register (issue #29): GIAS's `Trusts (code)` / `Trusts (name)` read on every
schools import (all or nothing, in the import's transaction), the SLA team's audited override
of a membership, and what the trust pages and API show. The rules are in ``register.trusts``."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import selectinload

from pricing.errors import ActionRefused, ImportRefused, Problem
from register.extract import BadDate, gias_date
from register.trusts import BILLING, check_code, is_member_on, membership_on, move_for

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, School, Trust, TrustContact, TrustMembership
from contracts_app.services import audit
from contracts_app.services.imports import FIRST_DATA_ROW, cells
from contracts_app.services.register.belonging import member_on
from contracts_app.services.invoicing.balances import ZERO, Balance, balances_for
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from pricing.spreadsheet import Column, Download, download

CODE, NAME = "Trusts (code)", "Trusts (name)"
# The date GIAS gives for a change of trust: the row's last change (the extract has no join date).
CHANGED = "LastChangedDate"


@dataclass(frozen=True)
class TrustRow:
    """One extract row's trust: ``code`` None when the school is in no trust."""

    urn: int
    code: str | None
    name: str
    opened_on: date | None
    changed_on: date | None


@dataclass
class TrustImportReport:
    trusts_added: int = 0
    joined: int = 0
    left: int = 0
    overrides_kept: list[int] = field(default_factory=list)

    def summary(self) -> str:
        kept = f", {len(self.overrides_kept)} kept by override" if self.overrides_kept else ""
        return f"trusts: {self.trusts_added} added, {self.joined} joined, {self.left} left{kept}"


def parse_extract(frame: pd.DataFrame, source: str) -> list[TrustRow] | None:
    """Each row's trust, or None when the extract has no `Trusts (code)` column (memberships are
    then left as they are). A bad cell refuses the whole file, named by row and column."""
    if CODE not in frame.columns:
        return None
    urns, codes, names = cells(frame, "URN"), cells(frame, CODE), cells(frame, NAME)
    opened, changed = cells(frame, "OpenDate"), cells(frame, CHANGED)
    problems: list[Problem] = []
    rows: list[TrustRow] = []
    for i, code in enumerate(codes):
        row = i + FIRST_DATA_ROW
        if code and (reason := check_code(code)):
            problems.append(Problem(row, CODE, reason))
        if code and not names[i]:
            problems.append(Problem(row, NAME, "is empty (the trust's name, beside its code)"))
        if len(names[i]) > 200:
            problems.append(Problem(row, NAME, "is longer than 200 characters"))
        changed_on = _date(changed[i], row, CHANGED, problems)
        if urns[i].isdigit():  # a bad URN is named by the schools import itself
            rows.append(TrustRow(int(urns[i]), code or None, names[i], _date(opened[i], row, None, []), changed_on))
    if problems:
        raise ImportRefused(problems, source)
    return rows


def _date(text: str, row: int, column: str | None, problems: list[Problem]) -> date | None:
    try:
        return gias_date(text)
    except BadDate as exc:
        if column:
            problems.append(Problem(row, column, str(exc)))
        return None


def apply_extract(rows: list[TrustRow], today: date) -> TrustImportReport:
    """Create or rename the trusts the extract names and move academies between them: a change of
    trust ends the old membership and starts the new one on the date GIAS gives (the row's last
    change, else today); history is kept. A membership the SLA team set by override stands."""
    report = TrustImportReport()
    trusts = {t.code: t for t in db.session.scalars(select(Trust))}
    for row in rows:
        if row.code is None:
            continue
        trust = trusts.get(row.code)
        if trust is None:
            trust = trusts[row.code] = Trust(code=row.code, name=row.name, name_lower=row.name.lower())
            db.session.add(trust)
            report.trusts_added += 1
        elif trust.name != row.name:
            trust.name, trust.name_lower = row.name, row.name.lower()
    school_ids = dict(db.session.execute(select(School.urn, School.id)).all())
    open_rows = db.session.scalars(select(TrustMembership).where(TrustMembership.left_on.is_(None))
                                   .options(selectinload(TrustMembership.trust))).all()
    current = {m.school_id: m for m in open_rows}
    for row in rows:
        school_id = school_ids.get(row.urn)
        if school_id is None:
            continue
        membership = current.get(school_id)
        if membership is not None and membership.source == "override":
            if membership.trust_code != row.code:
                report.overrides_kept.append(row.urn)
            continue
        move = move_for(membership.trust_code if membership else None, row.code,
                        membership.joined_on if membership else None, row.changed_on or today, row.opened_on)
        if move is None:
            continue
        if move.leave:
            membership.left_on = move.on
            report.left += 1
        if move.join is not None:
            db.session.add(TrustMembership(trust=trusts[move.join], school_id=school_id, joined_on=move.on,
                                           source="gias", note="GIAS import"))
            report.joined += 1
    db.session.flush()
    return report


# -- the SLA team's override ---------------------------------------------------------------

def override_membership(school: School, trust_code: str | None, on: date, reason: str) -> TrustMembership | None:
    """Set the school's trust from ``on`` (None: in no trust), whatever GIAS says, with the reason:
    the current membership ends on ``on`` and an override one starts. Audited; one transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("give the reason for the override")
    trust = by_code(trust_code) if trust_code else None
    if trust_code and trust is None:
        raise ActionRefused(f"no trust with code {trust_code!r}")
    memberships = _memberships(school.id)
    if any(m.joined_on is not None and m.joined_on > on for m in memberships):
        raise ActionRefused(f"{school.urn} has a membership starting after {on.isoformat()}: override from a later date")
    current = membership_on(memberships, on)
    if current is not None and current.left_on is None and current.trust_id == (trust.id if trust else None):
        raise ActionRefused(f"{school.urn} is already in that trust on {on.isoformat()}")
    for m in memberships:
        if m.left_on is None:
            m.left_on = max(on, m.joined_on) if m.joined_on else on
    new = None
    if trust is not None:
        new = TrustMembership(trust=trust, school_id=school.id, joined_on=on, source="override", note=reason)
        db.session.add(new)
    audit.record("override", "TrustMembership", str(school.id),
                 f"{school.urn} {school.name}: trust {trust.code if trust else 'none'} from {on.isoformat()} "
                 f"(override: {reason})")
    db.session.commit()
    return new


def _memberships(school_id: int) -> list[TrustMembership]:
    return list(db.session.scalars(select(TrustMembership).where(TrustMembership.school_id == school_id)
                                   .options(selectinload(TrustMembership.trust)).order_by(TrustMembership.id)))


# -- what the pages and the API show ---------------------------------------------------------

def by_code(code: str | None) -> Trust | None:
    """The trust with this GIAS code, or None."""
    if not code or check_code(code):
        return None
    return db.session.scalar(select(Trust).where(Trust.code == code)
                             .options(selectinload(Trust.contacts),
                                      selectinload(Trust.memberships).selectinload(TrustMembership.school)))


SORT_KEYS = ("code", "name", "academies", "billing")
EXPORT_COLUMNS = (Column("code"), Column("name"), Column("companies_house_number"), Column("academies", "whole"),
                  Column("billing"))


def _academies_today(day: date) -> ColumnElement:
    """How many academies each trust has on ``day`` (register.trusts.is_member_on, in SQL)."""
    return (select(func.count(TrustMembership.id)).where(
        TrustMembership.trust_id == Trust.id,
        member_on(day)).correlate(Trust).scalar_subquery())


def _trusts(q: str, billing: str, trust_ids: set[int] | None, sort: Sort | None) -> Select:
    query = select(Trust).options(selectinload(Trust.memberships).selectinload(TrustMembership.school))
    q = q.strip()
    if q:
        query = query.where((Trust.code == q) | Trust.name_lower.contains(q.lower()))
    if billing in ("per_academy", "consolidated"):
        query = query.where(Trust.billing == billing)
    if trust_ids is not None:
        query = query.where(Trust.id.in_(trust_ids or {-1}))
    columns = {"code": Trust.code, "name": Trust.name_lower, "billing": Trust.billing}
    if sort is not None and sort.key == "academies":
        columns["academies"] = _academies_today(date.today())
    return sorted_by(query, sort or Sort("name"), columns, (Trust.name_lower, Trust.code))


def search(q: str = "", page: int = 1, per_page: int = 50, trust_ids: set[int] | None = None,
           billing: str = "", sort: Sort | None = None) -> Page:
    """Trusts by name or code (and billing), a page at a time, by name unless another column is chosen;
    ``trust_ids`` limits them (a trust user's own)."""
    return paginate(_trusts(q, billing, trust_ids, sort), page, per_page)


def export_trusts(q: str, billing: str, sort: Sort | None, fmt: str) -> Download:
    """The trusts the filters find, in the list's order, as CSV or XLSX."""
    today = date.today()
    rows = ([t.code, t.name, t.companies_house_number, len(t.academy_ids_on(today)), t.billing]
            for t in db.session.scalars(_trusts(q, billing, None, sort)))
    return download(EXPORT_COLUMNS, rows, "trusts", fmt)


def academies(trust: Trust, day: date) -> list[School]:
    """The trust's academies on ``day``, by name."""
    ids = trust.academy_ids_on(day)
    return sorted({m.school for m in trust.memberships if m.school_id in ids}, key=lambda s: (s.name_lower, s.urn))


@dataclass
class TrustView:
    """The trust page: academies now and before, their agreements, invoices and balances."""

    trust: Trust
    current: list[TrustMembership]
    past: list[TrustMembership]
    agreements: list[Agreement]
    invoices: list[tuple[Invoice, Balance]]
    balances: dict[int, Decimal]
    total: Decimal


def trust_view(trust: Trust, today: date) -> TrustView:
    """What the trust page shows. An invoice is the trust's when it was issued while its school was
    a member (past invoices stay where they were); balances come from the invoicing services."""
    current = [m for m in trust.memberships if is_member_on(m.joined_on, m.left_on, today)]
    past = [m for m in trust.memberships if m not in current]
    ids = {m.school_id for m in current}
    members = {m.school_id for m in trust.memberships}
    agreements = list(db.session.scalars(select(Agreement).where(Agreement.school_id.in_(ids or {-1}))
                                         .options(selectinload(Agreement.school))
                                         .order_by(Agreement.sla_year.desc(), Agreement.id)))
    invoices = [i for i in db.session.scalars(select(Invoice).where(Invoice.school_id.in_(members or {-1}))
                                              .order_by(Invoice.issue_date.desc(), Invoice.number))
                if any(m.school_id == i.school_id and is_member_on(m.joined_on, m.left_on, i.issue_date)
                       for m in trust.memberships)]
    found = balances_for([i.id for i in invoices], today)
    per_school: dict[int, Decimal] = {school_id: ZERO for school_id in ids}
    for invoice in invoices:
        per_school[invoice.school_id] = per_school.get(invoice.school_id, ZERO) + found[invoice.id].outstanding
    return TrustView(trust, sorted(current, key=lambda m: (m.school.name_lower, m.school.urn)), past, agreements,
                     [(i, found[i.id]) for i in invoices], per_school, sum(per_school.values(), ZERO))


# -- the trust's own details and contacts ------------------------------------------------------

DETAIL_FIELDS = ("companies_house_number", "street", "town", "postcode", "billing")
CONTACT_FIELDS = ("name", "role", "email", "phone", "finance", "signatory")


def update_details(trust: Trust, **values: str) -> Trust:
    """The trust's Companies House number, address and billing setting (audited as it is flushed)."""
    if values.get("billing") not in BILLING:
        raise ActionRefused(f"billing: expected one of {', '.join(BILLING)}")
    number = (values.get("companies_house_number") or "").strip().upper()
    if number and not (len(number) == 8 and number.isalnum()):
        raise ActionRefused("companies_house_number: a Companies House number is 8 letters and digits")
    values["companies_house_number"] = number
    for name in DETAIL_FIELDS:
        setattr(trust, name, values[name])
    db.session.commit()
    return trust


def contact(trust: Trust, contact_id: int) -> TrustContact | None:
    """One of the trust's contacts, or None (another trust's included)."""
    found = db.session.get(TrustContact, contact_id)
    return found if found is not None and found.trust_id == trust.id else None


def add_contact(trust: Trust, **values: object) -> TrustContact:
    """A new contact at the trust: finance (receives its invoices) and/or a signatory."""
    new = TrustContact(trust=trust, **{name: values[name] for name in CONTACT_FIELDS})
    db.session.add(new)
    db.session.commit()
    return new


def remove_contact(found: TrustContact) -> None:
    """Remove a contact from its trust."""
    db.session.delete(found)
    db.session.commit()
