"""Rolling a year's agreements over into next year's drafts (DESIGN "Cancellation", §2.4); a
closed school's agreement rolls over to its successor instead (issue #28, "Next year")."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models import Agreement, School
from contracts_app.services import audit, price_lists
from contracts_app.services.agreements.drafts import LineInput, create_draft, set_lines
from contracts_app.services.agreements.status import find, settle
from contracts_app.services.register.census import successor_of
from pricing.errors import ActionRefused
from pricing.sla_year import SlaYear
from register.census import is_closed_by

BATCH = 200  # agreements per commit


@dataclass
class RolloverReport:
    """The drafts made, and (agreement name, why) for each agreement not rolled over."""

    created: list[Agreement] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # What happened to each closed school's agreement: offered to its successor, or why not.
    followed: list[str] = field(default_factory=list)


def _closed(school: School | None, next_year: int) -> bool:
    """The school closes before next year starts (GIAS status and close date, register.census)."""
    return school is not None and is_closed_by(school.status, school.closed_on, SlaYear(next_year).start)


def _why_not(old: Agreement, next_year: int) -> str | None:
    """Why this agreement does not roll over, or None when it does."""
    if old.status in ("cancelled", "notice_given", "draft") or old.notices:
        return "notice of cancellation given" if old.notices else old.status
    if _closed(old.school, next_year):
        return f"the school closed on {old.school.closed_on:%d %B %Y}" if old.school.closed_on else "the school closed"
    if find(next_year, old.school, old.group) is not None:
        return f"already has a {SlaYear(next_year).label} agreement"
    return None


def _copy_lines(old: Agreement, new: Agreement, priced: set[tuple[str, str]] | None = None) -> list[str]:
    """The running lines of services still in the catalogue, without start dates. ``priced``: the
    (service, customer type) pairs next year's list prices, when the party changes type (a
    successor academy): subscribed services it has no price for are left out and returned."""
    running = [line for line in old.lines if line.end_date is None and line.service.retired_at is None]
    left_out = [line.service_code for line in running if priced is not None and line.list_name == "subscribed"
                and (line.service_code, new.customer_type) not in priced]
    set_lines(new, [LineInput(line.service_code, line.list_name, line.quantity, None) for line in running
                    if line.service_code not in left_out])
    audit.record("create", "Agreement", new.id, f"{new.name}: rolled over from {old.name}")
    return left_out


def _follow(old: Agreement, next_year: int, report: RolloverReport) -> None:
    """A closed school's agreement offered to its successor for next year (issue #28): the same
    services and quantities, priced at the successor's customer type, unless the successor has an
    agreement of its own (this year's rolls over itself) or next year's already."""
    label = SlaYear(next_year).label
    successor, why = successor_of(old.school.urn)
    if successor is None:
        report.followed.append(f"{old.name}: not rolled over (the school closed); {why}: the SLA team decides")
        return
    own = find(next_year, successor) or find(next_year - 1, successor)
    if own is not None or _closed(successor, next_year):
        report.followed.append(f"{old.name}: not rolled over (the school closed); its successor "
                               f"{successor.name} (URN {successor.urn}) "
                               f"{'has ' + own.name if own else 'is closed too'}")
        return
    try:
        new = create_draft(next_year, school=successor, from_catalogue=False, odm_name=old.odm_name,
                           odm_email=old.odm_email, commit=False)
    except ActionRefused as exc:
        report.followed.append(f"{old.name}: not rolled over to URN {successor.urn}: {exc.message}")
        return
    price_list = price_lists.published(next_year) or price_lists.draft(next_year)
    left_out = _copy_lines(old, new, set(price_lists.rows_by_key(price_list)) if price_list else None)
    report.created.append(new)
    report.followed.append(
        f"{successor.name} (URN {successor.urn}): {label} draft made from {old.name}, whose school closed, "
        f"at {successor.customer_type} prices" + (f"; left out (no {successor.customer_type} price): "
                                                   f"{', '.join(left_out)}" if left_out else ""))


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
    closed: list[Agreement] = []
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
            if _closed(old.school, next_year) and why.startswith("the school closed"):
                closed.append(old)
            continue
        try:
            new = create_draft(next_year, school=old.school, group=old.group, from_catalogue=False,
                               odm_name=old.odm_name, odm_email=old.odm_email)
        except ActionRefused as exc:
            report.skipped.append((old.name, exc.message))
            continue
        _copy_lines(old, new)
        report.created.append(new)
    # After every school's own: a successor with an agreement of its own rolls that one.
    for old in closed:
        _follow(old, next_year, report)
    db.session.commit()
    if progress:
        progress(len(agreements), len(agreements))
    return report
