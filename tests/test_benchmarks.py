"""`make bench` at 200 schools, so the benchmark cannot rot: every figure is printed."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
METRICS = {"schools_import", "agreements_issue", "invoice_run_summer", "invoice_run_autumn", "export_csv",
           "page_school_list_p95", "page_agreements_list_p95", "page_invoice_p95"}


def test_benchmark_runs_small(tmp_path):
    env = {**os.environ, "BENCH_SCHOOLS": "200", "BENCH_PDFS": "6", "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
           "CONTRACTS_INSTANCE": str(tmp_path / "instance")}
    result = subprocess.run([sys.executable, "-m", "benchmarks"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_metric = {row["metric"]: row for row in rows}
    assert METRICS <= set(by_metric), set(by_metric)
    for row in rows:
        assert row["seconds"] > 0 and row["n"] > 0
        if "baseline_seconds" in row:
            # The ratio is worked out before rounding the seconds to 6 places.
            assert abs(row["ratio"] - row["seconds"] / row["baseline_seconds"]) <= 0.02 * row["ratio"] + 0.01
    assert by_metric["agreements_issue"]["n"] == 200
    assert by_metric["invoice_run_summer"]["n"] == 200  # one summer invoice per agreement
    assert by_metric["invoice_run_summer"]["peak_rss_mb"] > 0
    summer, autumn = by_metric["invoice_run_summer"], by_metric["invoice_run_autumn"]
    assert summer["repeats"] == 3 and len(summer["ratios"]) == 3
    # Each run is measured three times and undone between: what is left is one of each.
    assert by_metric["export_csv"]["n"] == summer["lines"] + autumn["lines"]
