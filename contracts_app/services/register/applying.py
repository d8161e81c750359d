"""Applying a register change (issue #28), in one transaction, audited, once.

The predecessor's agreement becomes `ended` with its reason ("converted to academy URN N",
not a §2.4 notice) and, unless the council keeps the term owed (CONVERSION_CREDIT=false,
§2.5 d), its term ends on the end date and each invoice gets a credit note for the months
after it (§2.7), through the credit-note service. A conversion gives the successor an issued
agreement at its prices from its open date (contacts carried over, a new purchase-order
number); a merger, amalgamation, split or succession gives each successor a draft. The
RegisterChange row is unique per agreement: applying twice, at once or later, changes nothing
more. Next year follows the successor (services.register.next_year.follow_successor).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pricing.errors import ActionRefused
from pricing.text import one_line_problem

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, KeyStakeholder, RegisterChange, School
from contracts_app.models.types import utcnow
from contracts_app.services import audit, events
from contracts_app.services.agreements.drafts import LineInput, create_draft, set_lines
from contracts_app.services.agreements.status import InputRefused, transition
from contracts_app.services.documents import current_template
from contracts_app.services.invoicing.balances import issue_credit_note
from contracts_app.services.invoicing.locking import write_lock
from contracts_app.services.invoicing.numbering import ensure_series
from contracts_app.services.price_lists import published
from contracts_app.services.register.changes import ChangeView, SuccessorPlan, find_change
from contracts_app.services.register.consequences import credit_reason, long_date, work_out
from contracts_app.services.register.next_year import follow_successor
from contracts_app.services.transactions import refusal_rolls_back
from pricing.sla_year import SlaYear


@dataclass
class ApplyResult:
    """What applying did: the change as it stands after, and whether this call changed anything."""

    change: RegisterChange
    changed: bool
    credit_notes: list[str]

    @property
    def message(self) -> str:
        if not self.changed:
            return (f"The change of URN {self.change.urn} was applied on {self.change.applied_at:%d %B %Y} by "
                    f"{self.change.applied_by}; nothing changed.")
        return self.change.summary


def preview(change_id: int) -> ChangeView:
    """The change with its consequences, or ActionRefused when there is none."""
    view = find_change(change_id)
    if view is None:
        raise ActionRefused(f"no register change {change_id}: not an issued agreement of a school GIAS closes")
    return work_out(view)


def _already(change_id: int) -> RegisterChange | None:
    return db.session.scalar(select(RegisterChange).where(RegisterChange.agreement_id == change_id))


def _check(view: ChangeView) -> None:
    if view.implied.upcoming:
        raise ActionRefused(f"URN {view.school.urn} is only proposed to close ({view.school.status}); a change "
                            "is applied once GIAS closes the school")
    if view.problems:
        raise ActionRefused("; ".join(view.problems))


def _end(view: ChangeView, by: str) -> None:
    """The predecessor's agreement ends (not a §2.4 notice); its term is cut to the end date
    unless the term stays owed (§2.5 d), so no later run bills past it."""
    agreement, end = view.agreement, view.implied.end_date
    transition(agreement, "ended", f"{view.reason}, on {long_date(end)}, applied by {by}")
    agreement.end_reason = view.reason[:200]
    if not view.credit_kept_owed:
        agreement.term_end = end


def _credit(view: ChangeView, by: str, on: date) -> list[str]:
    numbers = []
    for credit in view.credits:
        invoice = db.session.get(Invoice, credit.invoice_id)
        numbers.append(issue_credit_note(invoice, credit_reason(view), by, on, credit.amounts, commit=False).number)
    return numbers


def _carry_contacts(source: School, target: School) -> None:
    """Key contacts carry over (§9.6, §10.2), each once: one the successor has (by email) is kept."""
    have = {(k.email.lower() or k.name.lower()) for k in target.stakeholders}
    for k in source.stakeholders:
        if (k.email.lower() or k.name.lower()) not in have:
            target.stakeholders.append(KeyStakeholder(name=k.name, role=k.role, email=k.email, phone=k.phone,
                                                      invoices=k.invoices, agreements=k.agreements,
                                                      notices=k.notices))


def _successor_agreement(view: ChangeView, plan: SuccessorPlan, by: str, po_number: str) -> Agreement:
    """The successor's agreement: the predecessor's services from its start; a conversion's issued
    at the successor's prices (the change's own pricing), any other a draft to edit and issue."""
    school = db.session.scalar(select(School).where(School.urn == plan.urn))
    year = SlaYear.containing(plan.term_start).start_year
    agreement = create_draft(year, school=school, from_catalogue=False, odm_name=view.agreement.odm_name,
                             odm_email=view.agreement.odm_email, commit=False)
    agreement.term_start, agreement.term_end = plan.term_start, plan.term_end
    agreement.po_number = po_number
    agreement.notes = f"Successor of URN {view.school.urn} ({view.reason})."
    set_lines(agreement, [LineInput(l.service_code, l.list_name, l.quantity, l.start_date) for l in plan.carried])
    _carry_contacts(view.school, school)
    if plan.issued:
        _issue(agreement, plan, view, by)
    return agreement


def _issue(agreement: Agreement, plan: SuccessorPlan, view: ChangeView, by: str) -> None:
    """Snapshot the prices worked out for the change and issue (as services.agreements.issue does)."""
    priced = {p.service_code: p for p in plan.lines}
    for line in agreement.lines:
        result = priced.get(line.service_code) if line.list_name == "subscribed" else None
        line.annual_price = result.annual if result else None
        line.explanation = result.explanation if result else ""
        line.vat_code = result.vat_code if result else None
    agreement.price_list = published(agreement.sla_year)
    agreement.census_label, agreement.pupils = plan.census_label, plan.pupils
    agreement.annual_total = plan.annual_total
    agreement.customer_type = plan.customer_type
    agreement.template = current_template(plan.customer_type)
    agreement.issued_at, agreement.issued_by = utcnow(), by
    transition(agreement, "active", f"issued by {by}: successor of URN {view.school.urn} ({view.reason})")
    events.emit("agreement.issued", agreement=agreement)


def _record(view: ChangeView, by: str, notes: list[str], made: list[Agreement],
            followed: list[str]) -> RegisterChange:
    parts = [f"{view.agreement.name} ended on {long_date(view.implied.end_date)}: {view.reason}"]
    if notes:
        parts.append(f"credit notes {', '.join(notes)} (£{view.credited_total:,.2f})")
    elif view.credit_kept_owed:
        parts.append("the term stays owed (CONVERSION_CREDIT=false, §2.5 d)")
    parts += [f"{a.name} {'issued' if a.status == 'active' else 'prepared as a draft'}" for a in made]
    parts += followed
    record = RegisterChange(agreement_id=view.agreement.id, kind=view.implied.kind, urn=view.school.urn,
                            successor_urns=",".join(str(u) for u in view.implied.successors),
                            end_date=view.implied.end_date, credited=view.credited_total,
                            successor_agreement_id=made[0].id if made else None, summary="; ".join(parts) + ".",
                            applied_by=by)
    db.session.add(record)
    db.session.flush()
    audit.record("apply", "RegisterChange", record.id, record.summary)
    return record


def _checked_po(po_number: str) -> str:
    """The successor's new purchase-order number: one line, at most 60 characters (its column)."""
    po_number = po_number.strip()
    problem = one_line_problem(po_number)
    if problem or len(po_number) > 60:
        raise InputRefused(f"purchase-order number: {problem or 'at most 60 characters'}", "po_number")
    return po_number


@refusal_rolls_back
def apply_change(change_id: int, by: str, po_number: str = "", credit_date: date | None = None) -> ApplyResult:
    """Apply one change in one transaction; applied already: nothing changes (``changed`` False)."""
    po_number = _checked_po(po_number)
    done = _already(change_id)
    if done is not None:
        return ApplyResult(done, False, [])
    view = preview(change_id)
    _check(view)
    ensure_series("credit_note", view.agreement.sla_year)  # it commits (nothing is pending yet)
    write_lock()  # SQLite: the database's write lock; PostgreSQL: the agreement's row, next
    db.session.execute(select(Agreement.id).where(Agreement.id == change_id).with_for_update())
    if (done := _already(change_id)) is not None:  # applied meanwhile, by another
        return ApplyResult(done, False, [])
    _end(view, by)
    notes = _credit(view, by, credit_date or date.today())
    made = [_successor_agreement(view, plan, by, po_number if plan.issued else "")
            for plan in view.successors if plan.term_start and not plan.note.startswith("already")]
    # Next year follows the successor: a predecessor's round offer (and acceptance) moves to it.
    followed = [message for successor in made for message in follow_successor(view.agreement, successor, by)]
    record = _record(view, by, notes, made, followed)
    try:
        db.session.commit()
    except IntegrityError:  # the same change applied at the same moment: theirs stands
        db.session.rollback()
        return ApplyResult(_already(change_id), False, [])
    return ApplyResult(record, True, notes)
