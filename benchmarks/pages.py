"""Single-client page latencies through the test client, beside the login page's."""
from __future__ import annotations

import statistics
import time

from benchmarks.app import YEAR, make_app


def bench_pages(url: str, samples: int = 40) -> dict:
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from contracts_app.extensions import db
    from contracts_app.models import Invoice, User

    app = make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        user = User(email="bench@bench.example", role="finance",
                    password_hash=generate_password_hash("bench-password", method="pbkdf2:sha256:1000"))
        db.session.add(user)
        db.session.commit()
        number = db.session.scalar(select(Invoice.number).order_by(Invoice.id.desc()).limit(1))
    client = app.test_client()
    client.post("/login", data={"email": "bench@bench.example", "password": "bench-password"})

    def latency(path: str) -> list[float]:
        times = []
        for i in range(samples):
            start = time.perf_counter()
            response = client.get(path.format(i=i))
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        return times

    anonymous = app.test_client()
    base = []
    for _ in range(samples):
        start = time.perf_counter()
        anonymous.get("/login")
        base.append(time.perf_counter() - start)
    pages = {"page_school_list": "/schools/?page={i}", "page_school_search": "/schools/?q=bench%27s+school+1{i}",
             "page_agreements_list": f"/agreements/?year={YEAR}&page={{i}}",
             "page_invoices_list": f"/invoices/?year={YEAR}&page={{i}}", "page_invoice": f"/invoices/{number}"}
    result = {"baseline_p50": statistics.median(base),
              "baseline_p95": statistics.quantiles(base, n=20)[18]}
    for name, path in pages.items():
        times = latency(path)
        result[name] = (statistics.median(times), statistics.quantiles(times, n=20)[18])
    return result
