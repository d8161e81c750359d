"""Listing the register changes of an England-sized register (issue #28): a page under 100 ms.

After the invoice runs, one school in ``share`` with an issued agreement is closed by GIAS on
30 November: every other one converts (a new academy with its own URN opening on 1 December,
joined by Predecessor/Successor links), the rest close without a successor. The figure is the
register changes page, each change's consequences worked out, as the SLA team opens it.
"""
from __future__ import annotations

import statistics
import time
from datetime import date

from benchmarks.app import YEAR, make_app


def setup_register_changes(url: str, share: int = 100) -> dict:
    from sqlalchemy import insert, select, update
    from werkzeug.security import generate_password_hash

    from contracts_app.extensions import db
    from contracts_app.models import Agreement, School, SchoolLink, User

    app = make_app(url)
    with app.app_context():
        rows = db.session.execute(select(School.id, School.urn, School.la_code, School.la_name).join(
            Agreement, Agreement.school_id == School.id).where(Agreement.issued_at.is_not(None))
            .order_by(School.id)).all()[::share]
        closed_on, opened_on = date(YEAR, 11, 30), date(YEAR, 12, 1)
        db.session.execute(update(School), [{"id": r.id, "status": "Closed", "closed_on": closed_on,
                                             "close_reason": "Academy converter" if i % 2 == 0 else "Closure"}
                                            for i, r in enumerate(rows)])
        converting = rows[::2]
        top = db.session.scalar(select(School.urn).order_by(School.urn.desc()).limit(1))
        academies = [{"urn": top + 1 + i, "name": f"Bench Academy {i}", "name_lower": f"bench academy {i}",
                      "establishment_type": "Academy converter", "phase": "Primary", "status": "Open",
                      "la_code": r.la_code, "la_name": r.la_name, "opened_on": opened_on,
                      "open_reason": "Academy converter", "customer_type_derived": "academy",
                      "customer_type": "academy"} for i, r in enumerate(converting)]
        db.session.execute(insert(School), academies)
        links = []
        for r, academy in zip(converting, academies):
            links += [{"urn": r.urn, "link_urn": academy["urn"], "link_type": "Successor", "link_name": ""},
                      {"urn": academy["urn"], "link_urn": r.urn, "link_type": "Predecessor", "link_name": ""}]
        db.session.execute(insert(SchoolLink), links)
        db.session.add(User(email="bench-sla@bench.example", role="sla",
                            password_hash=generate_password_hash("bench-password", method="pbkdf2:sha256:1000")))
        db.session.commit()
        return {"changes": len(rows)}


def bench_register_changes_page(url: str, samples: int = 40) -> dict:
    app = make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"email": "bench-sla@bench.example", "password": "bench-password"})
    times = []
    for i in range(samples):
        start = time.perf_counter()
        response = client.get(f"/schools/changes/?page={1 + i % 5}")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return {"p50": statistics.median(times), "p95": statistics.quantiles(times, n=20)[18]}
