"""The ticket CSV export: one row per ticket with its target and clock. No Flask here.

Times are ISO 8601 on the desk's clock (Europe/London, with the offset); durations are
service desk hours with two decimals, so a spreadsheet can add them up.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pricing.cells import safe_text
from pricing.sla_year import LONDON
from servicedesk.formatting import days, hours, mir_state
from servicedesk.ticket_report import MeasuredTicket

EXPORT_COLUMNS = (
    "reference", "school_urn", "school_name", "type", "priority", "summary", "logged_at", "resolved_at",
    "clock_started_at", "target", "target_table", "target_hours", "elapsed_hours", "third_party_hours",
    "deadline", "outcome", "time_left_hours", "resolved_reason", "awaiting_customer_days", "no_response_early",
    "reopens", "linked_to", "major", "original_priority", "downgraded_at", "triage_hours", "longest_update_gap_hours",
    "status", "mir", "mir_reason",
)
# The call log's free text must stay text: the one formula rule every export shares.
_text = safe_text


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(LONDON).isoformat(timespec="minutes")


def export_row(t: MeasuredTicket, mirs: Mapping[int, Any] | None = None) -> dict[str, str]:
    """One ticket as export cells; *mirs*: ticket id -> its §6.5 MIR's status (the report's ``mirs``)."""
    c = t.clock
    return {
        "reference": _text(t.reference), "school_urn": str(t.school_urn), "school_name": _text(t.school_name),
        "type": t.type, "priority": "" if t.priority is None else str(t.priority), "summary": _text(t.summary),
        "logged_at": _moment(c.logged_at), "resolved_at": _moment(c.resolved_at),
        "clock_started_at": _moment(c.started_at), "target": c.target.label, "target_table": t.targets,
        "target_hours": hours(c.allowance), "elapsed_hours": hours(c.elapsed),
        "third_party_hours": hours(c.suspended), "deadline": _moment(c.deadline), "outcome": t.outcome,
        "time_left_hours": hours(c.remaining), "resolved_reason": t.life.resolved_reason or "",
        # §6.3 working days awaiting the customer, two decimals; §6.4 re-opens; the ticket it continues.
        "awaiting_customer_days": days(t.awaiting_days) if t.life.awaiting else "",
        "no_response_early": "yes" if t.no_response_early else "", "reopens": str(t.reopens) if t.reopens else "",
        "linked_to": _text(t.life.linked_to or ""), **_major(t), "status": _text(t.status),
        **_mir(t, mirs or {}),
    }


def _major(t: MeasuredTicket) -> dict[str, str]:
    """§6.5: a major incident's original priority, downgrade, triage and longest gap between updates."""
    m = t.major
    if m is None:
        return dict.fromkeys(("major", "original_priority", "downgraded_at", "triage_hours",
                              "longest_update_gap_hours"), "")
    return {"major": "yes", "original_priority": "" if m.original_priority is None else str(m.original_priority),
            "downgraded_at": _moment(m.downgraded_at), "triage_hours": hours(m.triage),
            "longest_update_gap_hours": hours(m.longest_gap)}


def _mir(t: MeasuredTicket, mirs: Mapping[int, Any]) -> dict[str, str]:
    """§6.5: a major incident's MIR attached, the reason none was produced, or missing; '' for other tickets."""
    if t.major is None:
        return {"mir": "", "mir_reason": ""}
    mir = mirs.get(t.id)
    return {"mir": mir_state(mir), "mir_reason": _text(mir.reason) if mir is not None and not mir.shared else ""}


def export_csv(tickets: Iterable[MeasuredTicket], mirs: Mapping[int, Any] | None = None) -> bytes:
    """UTF-8 CSV of the tickets, in the columns of EXPORT_COLUMNS; *mirs* as ``export_row`` takes them."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(export_row(t, mirs) for t in tickets)
    return out.getvalue().encode("utf-8")
