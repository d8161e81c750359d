"""`make bench`'s e-invoice figures (issue #32) on a small run, in this process: they measure what
they say, and the baseline builds the very same documents."""
from __future__ import annotations

from benchmarks import einvoices
from tests.einvoice_fixtures import bill_every_kind


def test_the_ubl_figures_on_a_small_run(app, make_school, database_url, monkeypatch):
    found = bill_every_kind(make_school)
    summer = [i for i in found.values() if i.run_id == found["maintained summer 103700"].run_id]
    written = einvoices.bench_ubl_run(database_url)
    assert written["invoices"] == len(summer) + 1  # and the credit note against one of them
    assert written["seconds"] > 0 and written["bytes"] > 1000 * written["invoices"]
    assert einvoices.bench_ubl_baseline(database_url)["seconds"] > 0
    checked = einvoices.bench_ubl_validate(database_url, 2)
    assert (checked["checked"], checked["failed"]) == (2, 0)
    rows = []
    monkeypatch.setattr(einvoices, "in_child", lambda func, *args: {**func(*args), "peak_rss_mb": 1.0})  # no fork
    einvoices.einvoice_figures(database_url, lambda *a, **k: rows.append((a, k)))
    assert [a[0] for a, _ in rows] == ["ubl_run", "ubl_validate"]
    (_, n, seconds, baseline), extra = rows[0]
    assert n == written["invoices"] and seconds > 0 and baseline > 0 and extra["bytes"] == written["bytes"]
    print("ubl_run ratio on the small run:", round(seconds / baseline, 2))
