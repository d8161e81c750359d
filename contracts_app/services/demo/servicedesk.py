"""Demo service desk tickets: a few hundred over the last five months, so the SLA
performance reports have something to show. Loaded through the real ticket import.

Most tickets are resolved well within target; some wait on a third party (§6.6), some
are logged out of hours (§5.3), a few breach, and the most recent are still open.
"""
from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import School, Ticket
from contracts_app.models.types import utcnow
from contracts_app.services.servicedesk import import_tickets
from pricing.sla_year import LONDON
from servicedesk import SLA_2022_23, desk_allowance
from servicedesk.ticket_report import CALENDAR

PREFIX = "DEMO-"
DAYS = 150
TICKETS = 320
SCHOOLS = 40
INCIDENTS = {
    1: ["Whole-site network down", "Internet access down across the school", "SIMS unavailable to all staff"],
    2: ["Wi-Fi down in the KS2 block", "Staff email not syncing for the office", "Server room switch failing"],
    3: ["Classroom PC will not boot", "Printer in the staff room offline", "Interactive whiteboard not detected",
        "Teacher cannot log in to the laptop", "Projector lamp failure in Year 4"],
    4: ["Request to rename a shared drive", "Desktop shortcut missing", "Spelling of a user's display name",
        "Slow login on one laptop", "Minor display flicker on one monitor"],
}
REQUESTS = ["New starter account: teaching assistant", "Install Scratch on ICT suite PCs",
            "Move two PCs to the library", "Firewall rule for a new curriculum website", "SIMS upgrade request",
            "New shared mailbox for admissions", "Leaver: disable account"]
PROJECTS = ["Wi-Fi survey for the new building", "Migrate the curriculum server", "Classroom AV refresh"]


def _working_moment(rng: random.Random, day: datetime) -> datetime:
    """A moment during the desk's hours on the first working day on or after *day*."""
    opens = CALENDAR.next_opening(day.replace(hour=0, minute=0))
    closes = next(CALENDAR.opening_intervals(opens, opens + timedelta(days=1)))[1]
    minutes = int((closes - opens).total_seconds() // 60)
    return opens + timedelta(minutes=rng.randrange(minutes))


def _out_of_hours(rng: random.Random, day: datetime) -> datetime:
    """An evening or weekend email (§5.3: actioned when the desk next opens)."""
    return day.replace(hour=rng.choice([6, 7, 18, 19, 20, 21]), minute=rng.randrange(60))


def _ticket(rng: random.Random, number: int, urn: int, start: datetime, now: datetime,
            force_breach: bool) -> dict[str, str]:
    roll = rng.random()
    ticket_type = "incident" if roll < 0.7 else ("service_request" if roll < 0.95 else "project")
    priority = rng.choices([1, 2, 3, 4], weights=[4, 12, 52, 32])[0] if ticket_type == "incident" else None
    day = (start + timedelta(days=rng.randrange(DAYS))).astimezone(LONDON)
    logged = _out_of_hours(rng, day) if rng.random() < 0.15 else _working_moment(rng, day)
    logged = logged.replace(second=0, microsecond=0)
    if logged > now - timedelta(hours=1):
        logged = (now - timedelta(hours=rng.randint(2, 30))).replace(second=0, microsecond=0)
    target = SLA_2022_23.target_for(ticket_type, priority)
    started = CALENDAR.next_opening(logged)
    allowance = desk_allowance(CALENDAR, started, target) or timedelta(hours=rng.randint(20, 120))
    share = rng.uniform(1.1, 1.8) if force_breach or rng.random() < 0.06 else rng.uniform(0.05, 0.92)
    used = timedelta(minutes=max(5, int(allowance.total_seconds() * share // 60)))
    suspensions: list[tuple[datetime, datetime | None]] = []
    if rng.random() < 0.12:
        # With a third party for a while (§6.6): that time does not count against the target.
        first = timedelta(minutes=int(used.total_seconds() * 0.3 // 60))
        away_from = CALENDAR.add_desk_time(started, first).replace(second=0, microsecond=0)
        away_to = away_from + timedelta(hours=rng.randint(4, 120))
        resolved = CALENDAR.add_desk_time(away_to, used - first)
        suspensions.append((away_from, away_to))
    else:
        resolved = CALENDAR.add_desk_time(started, used)
    resolved = resolved.replace(second=0, microsecond=0)
    if resolved > now:
        resolved = None
        suspensions = [(a, None if b > now else b) for a, b in suspensions if a <= now]
    summary = {"incident": lambda: rng.choice(INCIDENTS[priority]), "service_request": lambda: rng.choice(REQUESTS),
               "project": lambda: rng.choice(PROJECTS)}[ticket_type]()
    kind = {"incident": "INC", "service_request": "SR", "project": "PRJ"}[ticket_type]

    def iso(moment: datetime | None) -> str:
        # With the offset, so an hour repeated when the clocks go back is not ambiguous.
        return "" if moment is None else moment.astimezone(LONDON).isoformat(timespec="minutes")

    return {"reference": f"{PREFIX}{kind}-{number:05d}", "urn": str(urn), "type": ticket_type,
            "priority": "" if priority is None else str(priority), "logged_at": iso(logged),
            "resolved_at": iso(resolved), "suspensions": ";".join(f"{iso(a)}/{iso(b)}" for a, b in suspensions),
            "summary": summary}


def load(rng: random.Random, schools: dict[int, School], year: int) -> list[str]:
    """A ticket log over the last five months for some of the demo schools (idempotent).

    *year* is the demo's SLA year; tickets are dated before now whatever it is, as a
    call log can only be.
    """
    if db.session.scalar(select(Ticket.id).where(Ticket.reference.startswith(PREFIX)).limit(1)) is not None:
        return ["Tickets: already loaded"]
    if not schools:
        return ["Tickets: no schools to log tickets for"]
    now = utcnow().replace(second=0, microsecond=0)
    start = now - timedelta(days=DAYS)
    own = min(schools)  # the demo school user's school is the council's first
    others = [urn for urn in sorted(schools) if urn != own]
    chosen = rng.sample(others, min(SCHOOLS, len(others)))
    # The demo school user's school gets a busy log, with a breach or two to explain.
    first = own
    rows = []
    for number in range(1, TICKETS + 1):
        urn = first if number % 12 == 0 else rng.choice(chosen or [first])
        rows.append(_ticket(rng, number, urn, start, now, force_breach=number in (12, 60)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    report = import_tickets(out.getvalue().encode("utf-8"), "demo ticket log", now=now)
    return [f"Tickets: {report.summary()} for {len(set(r['urn'] for r in rows))} schools"]
