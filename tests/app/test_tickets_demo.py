"""The demo ticket log: realistic (some suspended, some breached, some open) and loaded once."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Ticket, TicketSuspension
from contracts_app.services.demo import servicedesk as demo_tickets
from contracts_app.services.servicedesk import service_report
from servicedesk.period import Period, default_period


def test_demo_tickets_load_once(app, make_school):
    schools = {s.urn: s for s in (make_school(urn=990001), make_school(urn=990002), make_school(urn=990003))}
    lines = demo_tickets.load(random.Random(7), schools, 2026)
    assert lines == [f"Tickets: {demo_tickets.TICKETS} added, 0 updated, 0 unchanged for 3 schools"]
    assert demo_tickets.load(random.Random(7), schools, 2026) == ["Tickets: already loaded"]
    assert db.session.scalar(select(func.count(Ticket.id))) == demo_tickets.TICKETS
    assert db.session.scalar(select(func.count(TicketSuspension.id))) > 10
    assert db.session.scalar(select(func.count(Ticket.id)).where(Ticket.resolved_at.is_(None))) > 0

    report = service_report(Period(date.today() - timedelta(days=200), date.today()))
    assert report.kpi.breached > 0 and report.kpi.met > report.kpi.breached
    assert {t.school_urn for t in report.breached} & {990001}  # the demo school user has a breach to see
    assert default_period(date(2026, 11, 23)).start == date(2026, 4, 1)
