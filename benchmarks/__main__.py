"""`make bench`: build an England-sized data set and print one JSON object per figure.

BENCH_SCHOOLS (default 25000) sets the number of schools; DATABASE_URL picks the
database (a fresh SQLite file by default; a PostgreSQL database is emptied first);
BENCH_REPEATS (default 3) how many times each invoice run is measured with its baseline.
"""
from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks import dataset
from benchmarks.runner import Timer, emit, in_child

YEAR = 2025


def _app(url: str):
    from contracts_app import create_app

    return create_app({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})


def prepare(url: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from contracts_app.extensions import db

    app = _app(url)
    with app.app_context():
        upgrade()
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in reversed(tables):
                    conn.execute(text(f"DELETE FROM {name}"))


def bench_schools_import(url: str, path: str, n: int) -> dict:
    import pandas as pd

    from contracts_app.services.schools import import_schools

    with Timer() as baseline:
        pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    app = _app(url)
    with app.app_context(), Timer() as t:
        report = import_schools(Path(path), "bench GIAS")
    assert report.added == n, report.summary()
    return {"seconds": t.seconds, "baseline": baseline.seconds}


def setup_prices_census_agreements(url: str) -> dict:
    app = _app(url)
    with app.app_context():
        dataset.load_catalogue_and_prices(YEAR)
        dataset.load_census(YEAR)
        return {"agreements": dataset.load_draft_agreements(YEAR)}


def bench_agreements_issue(url: str) -> dict:
    from sqlalchemy import select, update

    from contracts_app.extensions import db
    from contracts_app.models import AgreementLine
    from contracts_app.services.agreements.issuing import issue_year

    app = _app(url)
    with app.app_context():
        # Baseline: the bare bulk update of what issuing writes (one row per line).
        ids = db.session.scalars(select(AgreementLine.id)).all()
        with Timer() as baseline:
            for start in range(0, len(ids), 5000):
                db.session.execute(update(AgreementLine), [
                    {"id": i, "annual_price": None, "explanation": ""} for i in ids[start:start + 5000]])
            db.session.rollback()
        with Timer() as t:
            report = issue_year(YEAR, "bench")
        return {"seconds": t.seconds, "baseline": baseline.seconds, "issued": len(report.issued),
                "refused": len(report.refused)}


def bench_invoice_run(url: str, term: str, issue_date: date) -> dict:
    from contracts_app.services.invoicing import runs as invoice_run

    app = _app(url)
    with app.app_context(), Timer() as t:
        report = invoice_run.run(YEAR, term, issue_date, "bench")
    return {"seconds": t.seconds, "invoices": report.count, "lines": report.lines_count}


def bench_insert_baseline(url: str) -> dict:
    """A bare Core bulk insert of the very same invoice and line rows as the last run wrote
    (renumbered, rolled back): what writing the run's output costs on its own.

    The copies' unique numbers and billing keys are the originals with a suffix, so they
    land in the same places in the indexes as the run's own rows did (a prefix would put
    them all together at one end, which is cheaper than what the run has to do). Run in a
    process of its own, so holding the rows does not count against the run's memory.
    """
    from sqlalchemy import func, insert, select

    from contracts_app.extensions import db
    from contracts_app.models import Invoice, InvoiceLine, InvoiceRun

    app = _app(url)
    with app.app_context():
        inv_table, line_table = Invoice.__table__, InvoiceLine.__table__
        run_id = db.session.scalar(select(func.max(InvoiceRun.id)))
        invoice_rows = [dict(r._mapping) for r in db.session.execute(
            select(inv_table).where(inv_table.c.run_id == run_id).order_by(inv_table.c.id))]
        old_ids = [r.pop("id") for r in invoice_rows]
        line_rows = [dict(r._mapping) for r in db.session.execute(
            select(line_table).where(line_table.c.invoice_id.in_(
                select(inv_table.c.id).where(inv_table.c.run_id == run_id))).order_by(line_table.c.id))]
        for row in invoice_rows:
            row["number"] += "B"
        with Timer() as baseline:
            new_ids = {}
            for start in range(0, len(invoice_rows), 500):
                new_ids.update(db.session.execute(insert(inv_table).returning(inv_table.c.number, inv_table.c.id),
                                                  invoice_rows[start:start + 500]).all())
            mapping = {old: new_ids[row["number"]] for old, row in zip(old_ids, invoice_rows)}
            for row in line_rows:
                row.pop("id")
                row["invoice_id"] = mapping[row["invoice_id"]]
                row["billing_key"] = row["billing_key"] + "B" if row["billing_key"] else None
            for start in range(0, len(line_rows), 5000):
                db.session.execute(insert(line_table), line_rows[start:start + 5000])
        db.session.rollback()
        return {"seconds": baseline.seconds}


def undo_last_run(url: str) -> dict:
    """Take the last run's invoices out again (Core deletes; the app never would), so the
    same run can be measured once more on the same data. Numbers are not given back: a
    repeat carries on the series, which costs the same."""
    from sqlalchemy import delete, func, select

    from contracts_app.extensions import db
    from contracts_app.models import Invoice, InvoiceLine, InvoiceRun

    app = _app(url)
    with app.app_context():
        run_id = db.session.scalar(select(func.max(InvoiceRun.id)))  # the run just measured
        invoices = select(Invoice.id).where(Invoice.run_id == run_id)
        db.session.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id.in_(invoices)))
        db.session.execute(delete(Invoice).where(Invoice.run_id == run_id))
        db.session.execute(delete(InvoiceRun).where(InvoiceRun.id == run_id))
        db.session.commit()
    return {}


def bench_invoice_runs(url: str, term: str, issue_date: date, repeats: int) -> dict:
    """The run and its baseline, in pairs, ``repeats`` times: the medians, so one noisy
    measurement on a shared machine does not make the figure. The last run is kept."""
    runs, baselines = [], []
    for attempt in range(repeats):
        runs.append(in_child(bench_invoice_run, url, term, issue_date))
        baselines.append(in_child(bench_insert_baseline, url)["seconds"])
        if attempt < repeats - 1:
            in_child(undo_last_run, url)
    seconds = [r["seconds"] for r in runs]
    return {"seconds": statistics.median(seconds), "baseline": statistics.median(baselines),
            "invoices": runs[-1]["invoices"], "lines": runs[-1]["lines"],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "ratios": [round(r / b, 2) for r, b in zip(seconds, baselines)]}


def bench_export(url: str) -> dict:

    from contracts_app.services.invoicing.documents import export_to
    from contracts_app.services.invoicing.balances import InvoiceFilter

    app = _app(url)
    path = Path(tempfile.mkdtemp()) / "export.csv"
    with app.app_context(), Timer() as t:
        export_to(InvoiceFilter(year=YEAR), "csv", path)
    with open(path, "rb") as handle:
        rows = sum(1 for _ in handle) - 1
    return {"seconds": t.seconds, "rows": rows}


def bench_export_baseline(url: str) -> dict:
    """pandas alone: read the same joined rows and write them as CSV (its own process)."""
    import pandas as pd
    from sqlalchemy import text

    from contracts_app.extensions import db

    app = _app(url)
    with app.app_context(), Timer() as t:
        frame = pd.read_sql(text("SELECT * FROM invoice_lines JOIN invoices ON invoices.id = invoice_lines.invoice_id"),
                            db.engine)
        frame.to_csv(io.StringIO(), index=False)
    return {"seconds": t.seconds}


def bench_pages(url: str, samples: int = 40) -> dict:
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from contracts_app.extensions import db
    from contracts_app.models import Invoice, User

    app = _app(url)
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


def main() -> None:
    n = int(os.environ.get("BENCH_SCHOOLS", "25000"))
    url = os.environ.get("DATABASE_URL")
    workdir = Path(tempfile.mkdtemp(prefix="contracts-bench-"))
    if not url:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    elif url.startswith("postgres"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1).replace("postgres://", "postgresql+psycopg://", 1)
    os.environ.setdefault("CONTRACTS_INSTANCE", str(workdir / "instance"))
    in_child(lambda: (prepare(url), {})[1])
    gias = workdir / "gias.csv"
    gias.write_bytes(dataset.gias_csv(n))

    r = in_child(bench_schools_import, url, str(gias), n)
    emit("schools_import", n, r["seconds"], r["baseline"], peak_rss_mb=r["peak_rss_mb"])
    in_child(setup_prices_census_agreements, url)
    r = in_child(bench_agreements_issue, url)
    emit("agreements_issue", r["issued"], r["seconds"], r["baseline"], peak_rss_mb=r["peak_rss_mb"])
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    for term, when in (("summer", date(YEAR, 4, 15)), ("autumn", date(YEAR, 9, 15))):
        r = bench_invoice_runs(url, term, when, repeats)
        emit(f"invoice_run_{term}", r["invoices"], r["seconds"], r["baseline"], peak_rss_mb=r["peak_rss_mb"],
             lines=r["lines"], repeats=repeats, ratios=r["ratios"])
    r = in_child(bench_export, url)
    base = in_child(bench_export_baseline, url)
    emit("export_csv", r["rows"], r["seconds"], base["seconds"], peak_rss_mb=r["peak_rss_mb"])
    try:
        from benchmarks import documents
    except ImportError:
        documents = None
    if documents is not None:
        for row in documents.run(url, _app):
            baseline = row.pop("baseline")
            emit(row.pop("metric"), row.pop("n"), row.pop("seconds"), baseline, **row)
    r = in_child(bench_pages, url)
    for name in ("page_school_list", "page_school_search", "page_agreements_list", "page_invoices_list",
                 "page_invoice"):
        p50, p95 = r[name]
        emit(f"{name}_p50", n, p50, r["baseline_p50"])
        emit(f"{name}_p95", n, p95, r["baseline_p95"])


if __name__ == "__main__":
    main()
