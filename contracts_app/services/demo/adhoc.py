"""Demo ad hoc work: a few requests in every state, made through the service so the rules hold.

Called by services.demo (load(rng, schools, year) -> summary lines). Idempotent: once
the demo requests exist nothing is added.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, School
from contracts_app.services.adhoc import lifecycle
from pricing.errors import ActionRefused

PREFIX = "DEMO-SR"
ESTIMATOR = "sla@demo.example"


def _reference(n: int) -> str:
    return f"{PREFIX}{n:04d}"


def load(rng: random.Random, schools: dict[int, School], year: int) -> list[str]:
    """Requests waiting, in progress, completed (for finance's next run), declined and new."""
    if db.session.scalar(select(AdHocRequest.id).where(AdHocRequest.reference.startswith(PREFIX)).limit(1)):
        return ["Ad hoc work: already loaded"]
    if not schools:
        return ["Ad hoc work: no schools"]
    today = date.today()
    # Work is dated on or before today, in a year whose ad hoc rate the demo publishes (year - 1 or year).
    latest = min(today, SlaYear(year).end)
    earliest = SlaYear(year - 1).start
    can_log = latest >= earliest
    start = max(earliest, latest - timedelta(days=28))
    estimate_year = SlaYear.containing(start).start_year if can_log else year
    own = schools[min(schools)]  # the demo school user's school is the council's first
    others = [s for urn, s in sorted(schools.items()) if s.id != own.id]
    rng.shuffle(others)
    picks = others[:5] + [own] * (5 - len(others[:5]))
    created: list[AdHocRequest] = []

    def make(n: int, school: School, kind: str, description: str, hours: str | None, third_party: str = "",
             report: str = "") -> AdHocRequest:
        request = lifecycle.create_request(school, _reference(n), kind, description, third_party=third_party,
                                       intervention_report=report, by=ESTIMATOR)
        if hours is not None:
            lifecycle.set_estimate(request, Decimal(hours), estimate_year, ESTIMATOR)
        created.append(request)
        return request

    def work(request: AdHocRequest, minutes: list[int]) -> None:
        lifecycle.authorise(request, name=f"Head of {request.school.name}", on=start, via="written")
        for offset, booked in enumerate(minutes, start=1):
            lifecycle.log_time(request, min(start + timedelta(days=offset * 2), latest), booked, rng.choice(TECHS),
                           rng.choice(NOTES))

    make(1, own, "project", "Set up 30 new Chromebooks and enrol them in the management console", "6")
    make(2, picks[0], "project", "Move the ICT suite to the new library, re-cable and test", "12.5")
    try:
        if can_log:
            w = make(3, picks[1], "project", "Install and configure a visitor sign-in kiosk", "4")
            work(w, [95, 60])
            r = make(4, picks[2], "rework", "Restore the staff Wi-Fi and DHCP scope after a contractor's changes",
                     None, third_party="BrightSpark AV Ltd",
                     report="A contractor fitting projectors replaced the core switch configuration without "
                            "approval (§9.5), taking staff Wi-Fi and DHCP down for the whole site.")
            work(r, [120, 45, 30])
            lifecycle.complete(r, min(r.entries[-1].work_date + timedelta(days=1), latest))
            o = make(5, picks[3], "out_of_scope", "Recover files from a personal laptop brought in by the head",
                     None)
            work(o, [70])
            lifecycle.complete(o, o.entries[-1].work_date)
        d = make(6, picks[4], "project", "Build a bespoke parents' evening booking site", "30")
        lifecycle.decline(d, "Using the MAT's booking system instead.")
    except ActionRefused as exc:  # e.g. no published ad hoc rate: the demo still loads the rest
        db.session.rollback()
        return [f"Ad hoc work: {len(created)} request(s); stopped early: {exc.message}"]
    waiting = sum(1 for r in created if r.status == "estimated")
    completed = sum(1 for r in created if r.status == "completed")
    return [f"Ad hoc work: {len(created)} requests ({waiting} estimate(s) waiting for schools, {completed} "
            "completed for the next invoice run)"]


TECHS = ["Sam Patel", "Rosa Quinn", "Owen Evans", "Nadia Khan"]
NOTES = ["On site", "Remote session", "Configuration and testing", "Handover to the school"]
