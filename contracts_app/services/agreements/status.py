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


def _why(agreement: Agreement, new: str) -> str:
    """How the calendar moved the agreement, as the audit trail and ``agreements settle`` say it."""
    notice, end = agreement.notice, f"{agreement.term_end.day} {agreement.term_end:%B %Y}"
    if new == "cancelled":
        return f"cancelled: notice effective {notice.effective_date.day} {notice.effective_date:%B %Y}"
    if notice is not None and notice.outcome.at_term_end:  # §2.4 b: never runs on into next year
        return (f"ended at its term end on {end}, not renewed (notice effective "
                f"{notice.effective_date.day} {notice.effective_date:%B %Y})")
    return f"ended: term ended {end}"


def settle_changes(today: date) -> list[str]:
    """Apply what the calendar has decided: notices reaching their effective date cancel the
    agreement (§2.4 b); terms that have run out end it, also those under a notice that takes
    effect after the term (``agreements.lifecycle.status_on``). Returns "name: what happened"
    for each agreement changed."""
    changes = []
    live = db.session.scalars(select(Agreement).where(Agreement.status.in_(("active", "notice_given")),
                                                      ((Agreement.term_end < today) |
                                                       (Agreement.status == "notice_given")))).all()
    for agreement in live:
        notice = agreement.notice
        new = status_on(agreement.status, today, agreement.term_end, notice.effective_date if notice else None)
        if new != agreement.status:
            why = _why(agreement, new)
            transition(agreement, new, why)
            changes.append(f"{agreement.name}: {why}")
    return changes


def settle(today: date) -> int:
    """``settle_changes``, counted."""
    return len(settle_changes(today))


def settle_and_save(today: date) -> list[str]:
    """``settle_changes`` as its own transaction (the operator's daily command)."""
    changes = settle_changes(today)
    db.session.commit()
    return changes
