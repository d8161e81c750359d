"""Where an agreement stands: the live one for a year, audited moves between states (§2.4),
and what the calendar settles (notices falling due, terms running out). ``InputRefused`` is
the refusal every door shows against the field the caller got wrong."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from agreements.lifecycle import TransitionRefused, check_transition, status_on
from contracts_app.extensions import db
from contracts_app.models import Agreement, School, SchoolGroup
from contracts_app.services import audit
from pricing.errors import ActionRefused


class InputRefused(ActionRefused):
    """A rule refused one value the caller gave; ``field`` names it for the form or the API."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def transition(agreement: Agreement, new: str, why: str) -> None:
    """Move the agreement to ``new``, refusing illegal moves (§2.4), and audit the transition."""
    try:
        check_transition(agreement.status, new)
    except TransitionRefused as exc:
        raise ActionRefused(f"{agreement.name}: {exc}") from None
    old, agreement.status = agreement.status, new
    db.session.flush()
    audit.record("transition", "Agreement", agreement.id, f"{agreement.name}: {old} → {new} ({why})",
                 {"status": [old, new]})


def find(year: int, school: School | None = None, group: SchoolGroup | None = None) -> Agreement | None:
    """The party's live (not cancelled) agreement for the year."""
    query = select(Agreement).where(Agreement.sla_year == year, Agreement.status != "cancelled")
    query = query.where(Agreement.school_id == school.id) if school else query.where(Agreement.group_id == group.id)
    return db.session.scalar(query)


def settle(today: date) -> int:
    """Apply what the calendar has decided: notices reaching their effective date cancel the
    agreement (§2.4 b); terms that have run out end it. Returns how many changed."""
    changed = 0
    live = db.session.scalars(select(Agreement).where(Agreement.status.in_(("active", "notice_given")),
                                                      ((Agreement.term_end < today) |
                                                       (Agreement.status == "notice_given")))).all()
    for agreement in live:
        notice = agreement.notice
        new = status_on(agreement.status, today, agreement.term_end, notice.effective_date if notice else None)
        if new != agreement.status:
            why = (f"notice effective {notice.effective_date:%d %B %Y}" if new == "cancelled"
                   else f"term ended {agreement.term_end:%d %B %Y}")
            transition(agreement, new, why)
            changed += 1
    return changed


def settle_and_save(today: date) -> int:
    """``settle`` as its own transaction (the operator's daily command)."""
    changed = settle(today)
    db.session.commit()
    return changed
