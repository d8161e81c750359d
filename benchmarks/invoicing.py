"""The invoice runs and the finance export, each beside its baseline."""
from __future__ import annotations

import statistics
import tempfile
from datetime import date
from pathlib import Path

from benchmarks.app import YEAR, make_app
from benchmarks.runner import Timer, in_child


def bench_invoice_run(url: str, term: str, issue_date: date) -> dict:
    from contracts_app.services.invoicing import runs as invoice_run

    app = make_app(url)
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

    app = make_app(url)
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

    app = make_app(url)
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
    from contracts_app.services.invoicing.balances import InvoiceFilter
    from contracts_app.services.invoicing.documents import export_to

    app = make_app(url)
    path = Path(tempfile.mkdtemp()) / "export.csv"
    with app.app_context(), Timer() as t:
        export_to(InvoiceFilter(year=YEAR), "csv", path)
    with open(path, "rb") as handle:
        rows = sum(1 for _ in handle) - 1
    return {"seconds": t.seconds, "rows": rows}


def bench_export_baseline(url: str) -> dict:
    """pandas alone: read the same joined rows and write them to a CSV file, as the export
    does (its own process)."""
    import pandas as pd
    from sqlalchemy import text

    from contracts_app.extensions import db

    app = make_app(url)
    path = Path(tempfile.mkdtemp()) / "baseline.csv"
    with app.app_context(), Timer() as t:
        frame = pd.read_sql(text("SELECT * FROM invoice_lines JOIN invoices ON invoices.id = invoice_lines.invoice_id"),
                            db.engine)
        frame.to_csv(path, index=False)
    return {"seconds": t.seconds}
