"""`make bench`: build an England-sized data set and print one JSON object per figure.

Every figure is measured on SQLite and, when PG_CLUSTER_URL names one (``make bench`` runs
this under scripts/pg_cluster.sh, a throwaway cluster), on PostgreSQL; each row says its
``"database"``, its baseline measured in the same run on the same database, its ``goal``
and whether it ``meets_goal``. DATABASE_URL, when set, is the one database measured (a
PostgreSQL database is emptied first).

BENCH_SCHOOLS (default 25000) sets the number of schools; BENCH_REPEATS (default 3) how
many times the GIAS import and each invoice run are measured with their baselines; BENCH_PDFS (default 200) the ZIP
sample and BENCH_PDF_SAMPLES (10) how many single PDFs are timed; BENCH_PAGE_SAMPLES (40)
how many times the single client fetches each page; BENCH_CLIENTS (20), BENCH_SECONDS (30),
BENCH_WORKERS (4, as in the README), BENCH_THINK_SECONDS (1: each client's pause between pages)
and BENCH_WARMUP_SECONDS (10) the concurrent pages, measured again with no pause at all
(concurrent_pages_saturated: the most the server gives, with no goal); BENCH_NATIONAL_TIMEOUT (3600 s) bounds every SLA of the year through the
job queue; BENCH_EMAILS (1000) how many invoice emails go through the outbox to a local SMTP
server that drops one delivery in ten. BENCH_SKIP leaves out groups of figures,
comma-separated: email, documents, pages, concurrent, national (the register and the
invoice runs build the data the others use).
"""
from __future__ import annotations

import os
import statistics
import tempfile
from datetime import date
from functools import partial
from pathlib import Path

from benchmarks.app import YEAR, database_name, prepare
from benchmarks.runner import emit, in_child

PAGES = ("page_school_list", "page_school_search", "page_agreements_list", "page_invoices_list", "page_invoice")


def databases(workdir: Path) -> list[str]:
    """DATABASE_URL alone when set; else a fresh SQLite file, and the cluster's PostgreSQL if any."""
    url = os.environ.get("DATABASE_URL")
    if url:
        urls = [url]
    else:
        urls = [f"sqlite:///{workdir / 'bench.sqlite3'}"]
        if os.environ.get("PG_CLUSTER_URL"):
            urls.append(os.environ["PG_CLUSTER_URL"])
    return [u.replace("postgresql://", "postgresql+psycopg://", 1).replace("postgres://", "postgresql+psycopg://", 1)
            for u in urls]


def register_figures(url: str, gias: Path, n: int, out) -> None:
    from benchmarks import register
    from benchmarks.links import links_figure

    # The import and its baseline in pairs, BENCH_REPEATS times (medians), as the invoice runs.
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    runs, baselines = [], []
    for attempt in range(repeats):
        runs.append(in_child(register.bench_schools_import, url, str(gias), n))
        baselines.append(in_child(register.bench_schools_import_baseline, url, str(gias))["seconds"])
        if attempt < repeats - 1:
            in_child(register.undo_schools_import, url)
    seconds = [r["seconds"] for r in runs]
    out("schools_import", n, statistics.median(seconds), statistics.median(baselines),
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs), repeats=repeats,
        ratios=[round(r / b, 2) for r, b in zip(seconds, baselines)])
    links_figure(url, gias.parent, out)  # GIAS's national links file (issue #28)
    in_child(register.setup_prices_census_agreements, url)
    r = in_child(register.bench_agreements_issue, url)
    out("agreements_issue", r["issued"], r["seconds"], r["baseline"], peak_rss_mb=r["peak_rss_mb"])


def invoicing_figures(url: str, out) -> None:
    from benchmarks import invoicing

    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    for term, when in (("summer", date(YEAR, 4, 15)), ("autumn", date(YEAR, 9, 15))):
        r = invoicing.bench_invoice_runs(url, term, when, repeats)
        out(f"invoice_run_{term}", r["invoices"], r["seconds"], r["baseline"], peak_rss_mb=r["peak_rss_mb"],
            lines=r["lines"], repeats=repeats, ratios=r["ratios"])
    r = in_child(invoicing.bench_export, url)
    base = in_child(invoicing.bench_export_baseline, url)
    out("export_csv", r["rows"], r["seconds"], base["seconds"], peak_rss_mb=r["peak_rss_mb"])


def email_figure(url: str, out) -> None:
    from benchmarks.email import bench_outbox

    r = in_child(bench_outbox, url)
    out("outbox_invoice_emails", r.pop("n"), r.pop("seconds"), **r)


def document_figures(url: str, out) -> None:
    from benchmarks import documents
    from benchmarks.app import make_app

    for row in documents.run(url, make_app):
        baseline = row.pop("baseline")
        out(row.pop("metric"), row.pop("n"), row.pop("seconds"), baseline, **row)


def page_figures(url: str, n: int, out) -> None:
    from benchmarks.pages import bench_pages

    r = in_child(bench_pages, url, int(os.environ.get("BENCH_PAGE_SAMPLES", "40")))
    for name in PAGES:
        p50, p95 = r[name]
        out(f"{name}_p95", n, p95, r["baseline_p95"], p50_seconds=round(p50, 6))
    # Register changes (issue #28): after the runs, 1 school in 100 closed by GIAS, half converting.
    from benchmarks.register_changes import bench_register_changes_page, setup_register_changes

    changes = in_child(setup_register_changes, url)["changes"]
    rc = in_child(bench_register_changes_page, url, int(os.environ.get("BENCH_PAGE_SAMPLES", "40")))
    out("page_register_changes_p95", n, rc["p95"], r["baseline_p95"], p50_seconds=round(rc["p50"], 6),
        changes=changes)


def concurrent_figure(url: str, workdir: Path, out) -> None:
    from benchmarks import concurrent

    clients = int(os.environ.get("BENCH_CLIENTS", "20"))
    plan = in_child(concurrent.make_users, url, clients)
    seconds = float(os.environ.get("BENCH_SECONDS", "30"))
    for think, metric in ((None, "concurrent_pages"), (0.0, "concurrent_pages_saturated")):
        row = concurrent.bench_concurrent(url, plan, clients, seconds, workdir, think, metric)
        out(row.pop("metric"), row.pop("n"), row.pop("seconds"), **row)


def national_figure(url: str, workdir: Path, out) -> None:
    from benchmarks.national import bench_national

    row = bench_national(url, workdir, float(os.environ.get("BENCH_NATIONAL_TIMEOUT", "3600")))
    out(row.pop("metric"), row.pop("n"), row.pop("seconds"), **row)


def run_database(url: str, gias: Path, n: int, workdir: Path) -> None:
    out = partial(emit, database=database_name(url))
    skip = set(os.environ.get("BENCH_SKIP", "").replace(" ", "").split(","))
    in_child(prepare, url)
    register_figures(url, gias, n, out)
    invoicing_figures(url, out)
    if "einvoices" not in skip:
        from benchmarks.einvoices import einvoice_figures

        einvoice_figures(url, out)  # issue #32: ubl_run, ubl_validate
    if "email" not in skip:
        email_figure(url, out)
    if "documents" not in skip:
        document_figures(url, out)
    if "pages" not in skip:
        page_figures(url, n, out)
    if "concurrent" not in skip:
        concurrent_figure(url, workdir, out)
    if "national" not in skip:
        national_figure(url, workdir, out)


def main() -> None:
    n = int(os.environ.get("BENCH_SCHOOLS", "25000"))
    workdir = Path(tempfile.mkdtemp(prefix="contracts-bench-"))
    # Before anything imports the app: its instance folder and its job queue are the run's own.
    os.environ.setdefault("CONTRACTS_INSTANCE", str(workdir / "instance"))
    os.environ.setdefault("HUEY_SQLITE", str(workdir / "queue.sqlite3"))
    from benchmarks import dataset
    from benchmarks.app import make_app

    # Build the app once here, before any phase forks: every module it imports is then loaded
    # in each phase's process already (5 s each otherwise), and a phase times its work only.
    make_app("sqlite://")
    gias = workdir / "gias.csv"
    gias.write_bytes(dataset.gias_csv(n))
    for url in databases(workdir):
        run_database(url, gias, n, workdir)


if __name__ == "__main__":
    main()
