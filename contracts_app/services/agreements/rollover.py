"""Rolling a year's agreements over into next year's drafts (DESIGN "Cancellation", §2.4)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models import Agreement
from contracts_app.services import audit
from contracts_app.services.agreements.drafts import LineInput, create_draft, set_lines
from contracts_app.services.agreements.status import find, settle
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear

BATCH = 200  # agreements per commit


@dataclass
class RolloverReport:
    """The drafts made, and (agreement name, why) for each agreement not rolled over."""

    created: list[Agreement] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _why_not(old: Agreement, next_year: int) -> str | None:
    """Why this agreement does not roll over, or None when it does."""
    if old.status in ("cancelled", "notice_given", "draft") or old.notices:
        return "notice of cancellation given" if old.notices else old.status
    if find(next_year, old.school, old.group) is not None:
        return f"already has a {SlaYear(next_year).label} agreement"
    return None


def _copy_lines(old: Agreement, new: Agreement) -> None:
    """The running lines of services still in the catalogue, without start dates."""
    keep = [LineInput(line.service_code, line.list_name, line.quantity, None) for line in old.lines
            if line.end_date is None and line.service.retired_at is None]
    set_lines(new, keep)
    audit.record("create", "Agreement", new.id, f"{new.name}: rolled over from {old.name}")


def roll_one(old: Agreement, next_year: int) -> Agreement | str:
    """Next year's draft from one agreement under the rollover rules, or why it does not roll over
    (the buying round renews schools that did not answer with this)."""
    why = _why_not(old, next_year)
    if why is not None:
        return why
    try:
        new = create_draft(next_year, school=old.school, group=old.group, from_catalogue=False,
                           odm_name=old.odm_name, odm_email=old.odm_email, commit=False)
    except ActionRefused as exc:
        return exc.message
    _copy_lines(old, new)
    return new


def rollover(year: int, progress: Callable[[int, int], None] | None = None) -> RolloverReport:
    """Drafts for the next SLA year from this year's agreements, re-priced on next year's list.

    Cancelled agreements, and ones under notice, never roll over (§2.4, DESIGN
    "Cancellation"). Lines removed mid-year are left out; start dates are cleared.
    Commits every BATCH agreements (then reports ``progress(done, total)``), so an
    interrupted rollover keeps its drafts and a re-run skips them as already made.
    """
    next_year = year + 1
    report = RolloverReport()
    settle(date.today())
    agreements = db.session.scalars(select(Agreement).where(Agreement.sla_year == year)
                                    .options(selectinload(Agreement.lines)).order_by(Agreement.id)).all()
    if progress:
        progress(0, len(agreements))
    for position, old in enumerate(agreements, start=1):
        if position % BATCH == 1 and position > 1:
            db.session.commit()
            if progress:
                progress(position - 1, len(agreements))
        why = _why_not(old, next_year)
        if why is not None:
            report.skipped.append((old.name, why))
            continue
        try:
            new = create_draft(next_year, school=old.school, group=old.group, from_catalogue=False,
                               odm_name=old.odm_name, odm_email=old.odm_email)
        except ActionRefused as exc:
            report.skipped.append((old.name, exc.message))
            continue
        _copy_lines(old, new)
        report.created.append(new)
    db.session.commit()
    if progress:
        progress(len(agreements), len(agreements))
    return report
