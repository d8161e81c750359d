"""`make bench` at a tiny size, so the benchmark cannot rot: every figure is printed with its
database, its goal and whether it meets it; and the parts that decide (goals, the load
generator, which databases) on their own."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks import concurrent
from benchmarks.__main__ import databases
from benchmarks.app import database_name
from benchmarks.goals import judge

ROOT = Path(__file__).resolve().parents[1]
METRICS = {"schools_import", "schools_links_import", "agreements_issue", "invoice_run_summer", "invoice_run_autumn", "export_csv",
           "sla_pdf", "sla_zip_two_cores", "page_school_list_p95", "page_agreements_list_p95", "page_invoice_p95",
           "concurrent_pages", "concurrent_pages_saturated", "sla_documents_national"}


def test_benchmark_runs_small(tmp_path):
    # BENCH_SECONDS: long enough that a loaded machine (the suite beside other work) still answers some pages.
    env = {**os.environ, "BENCH_SCHOOLS": "20", "BENCH_REPEATS": "2", "BENCH_PDFS": "2", "BENCH_PDF_SAMPLES": "1",
           "BENCH_PAGE_SAMPLES": "5", "BENCH_SKIP": "email", "BENCH_CLIENTS": "2", "BENCH_SECONDS": "3",
           "BENCH_WARMUP_SECONDS": "0.2", "BENCH_THINK_SECONDS": "0.02", "BENCH_WORKERS": "1", "BENCH_NATIONAL_TIMEOUT": "120",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}", "CONTRACTS_INSTANCE": str(tmp_path / "instance")}
    env.pop("PG_CLUSTER_URL", None)
    result = subprocess.run([sys.executable, "-m", "benchmarks"], cwd=ROOT, env=env, capture_output=True, check=False,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_metric = {row["metric"]: row for row in rows}
    assert METRICS <= set(by_metric), set(by_metric)
    for row in rows:
        assert row["database"] == "sqlite" and "goal" in row and "meets_goal" in row, row
        assert row["seconds"] > 0 and row["n"] > 0
        if "baseline_seconds" in row:
            # The ratio is worked out before rounding the seconds to 6 places.
            assert abs(row["ratio"] - row["seconds"] / row["baseline_seconds"]) <= 0.02 * row["ratio"] + 0.01
        if row["metric"] in ("schools_import", "agreements_issue", "invoice_run_summer", "export_csv", "sla_pdf"):
            assert row["peak_rss_mb"] > 0 and "peak_rss_mb <= 300" in row["goal"]
    assert by_metric["agreements_issue"]["n"] == 20  # the import measured twice leaves one register
    assert by_metric["schools_import"]["repeats"] == 2 and len(by_metric["schools_import"]["ratios"]) == 2
    links = by_metric["schools_links_import"]  # the national links file, whatever BENCH_SCHOOLS says
    assert links["n"] == 33801 and links["repeats"] == 2 and "peak_rss_mb <= 300" in links["goal"]
    # One summer invoice per agreement, but one for the two academies of the small set's consolidated trust
    # (issue #29: a quarter of its 8 academies, benchmarks.dataset.load_trusts).
    assert by_metric["invoice_run_summer"]["n"] == 19
    summer, autumn = by_metric["invoice_run_summer"], by_metric["invoice_run_autumn"]
    assert summer["repeats"] == 2 and len(summer["ratios"]) == 2
    # Each run is measured twice and undone between: what is left is one of each.
    assert by_metric["export_csv"]["n"] == summer["lines"] + autumn["lines"]
    pages = by_metric["concurrent_pages"]
    assert pages["clients"] == 2 and pages["errors"] == 0 and pages["requests"] > 0, pages
    assert 0 < pages["p50_seconds"] <= pages["p95_seconds"] <= pages["p99_seconds"]
    assert set(pages["p95_by_page"]) <= {"school_list", "agreements_list", "invoices_list", "school", "agreement",
                                         "invoice", "portal"}
    saturated = by_metric["concurrent_pages_saturated"]
    assert pages["think_seconds"] == 0.02 and saturated["think_seconds"] == 0
    assert saturated["requests"] > 0 and saturated["meets_goal"] is None  # capacity, not a goal
    national = by_metric["sla_documents_national"]
    assert national["n"] == 20  # every issued agreement, through the job queue, on one consumer then two
    assert national["one_consumer_seconds"] > 0 and national["consumers"] == 2
    assert national["speedup"] == round(national["one_consumer_seconds"] / national["seconds"], 2)


def test_goals_judge_ratio_memory_latency_and_errors():
    assert judge({"metric": "export_csv", "ratio": 0.9, "peak_rss_mb": 120})["meets_goal"] is True
    slow = judge({"metric": "export_csv", "ratio": 1.01, "peak_rss_mb": 120})
    assert slow["meets_goal"] is False and slow["goal"] == "ratio <= 1.0, peak_rss_mb <= 300"
    assert judge({"metric": "invoice_run_summer", "ratio": 1.2, "peak_rss_mb": 301})["meets_goal"] is False
    assert judge({"metric": "page_invoice_p95", "seconds": 0.05})["meets_goal"] is True
    busy = {"metric": "concurrent_pages", "p95_seconds": 0.05, "errors": 1}
    assert judge(busy)["meets_goal"] is False
    assert judge({"metric": "sla_documents_national", "per_second": 42.0, "speedup": 1.7})["meets_goal"] is True
    assert judge({"metric": "sla_documents_national", "per_second": 41.0, "speedup": 1.9})["meets_goal"] is False
    assert judge({"metric": "sla_documents_national", "per_second": 50.0, "speedup": 1.6})["meets_goal"] is False


def test_every_figure_on_sqlite_and_on_the_cluster(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PG_CLUSTER_URL", "postgresql://postgres@127.0.0.1:5999/contracts")
    urls = databases(tmp_path)
    assert [database_name(u) for u in urls] == ["sqlite", "postgresql"]
    assert urls[1].startswith("postgresql+psycopg://")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    assert databases(tmp_path) == ["sqlite:///elsewhere.sqlite3"]


class _FakeSite(BaseHTTPRequestHandler):
    """A sign-in form with a CSRF token, a session cookie, and one page that always fails."""

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: str = "", cookie: str | None = None, location: str | None = None):
        self.send_response(status)
        if cookie:
            self.send_header("Set-Cookie", f"session={cookie}; HttpOnly; Path=/")
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def do_GET(self):
        if self.path == "/login":
            return self._answer(200, '<input id="csrf_token" name="csrf_token" type="hidden" value="tok-1">')
        if "session=signed-in" not in (self.headers.get("Cookie") or ""):
            return self._answer(302, location="/login")
        return self._answer(500 if self.path.startswith("/invoices/INV") else 200, "ok")

    def do_POST(self):
        form = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if "csrf_token=tok-1" in form and "password=" in form:
            return self._answer(302, cookie="signed-in", location="/")
        return self._answer(400)


def test_load_generator_signs_in_counts_errors_and_stops_by_itself():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    plan = {"tag": "t", "urns": [100001], "agreements": [1], "invoices": ["INV-2025-000001"], "list_pages": 3}
    try:
        start = time.monotonic()
        result = concurrent.load(server.server_address[1], plan, clients=3, seconds=0.5, warmup=0.2)
        assert time.monotonic() - start < 10
    finally:
        server.shutdown()
    pages = {page for page, _ in result["times"]}
    assert {"school_list", "portal", "invoice"} <= pages
    # Only the invoice page fails: every other request was served to a signed-in client.
    assert result["errors"] and all(e.startswith("/invoices/INV") and e.endswith(": 500") for e in result["errors"])
