"""Issue #16 item 11: an invoice run's row always says what the run raised - killed midway
(an exception, or kill -9 of a real process), the row's counts equal the invoices carrying
its id, and the next run finishes it without billing anything twice. On SQLite a run that
cannot get the write lock in time stops with a clear message, not a traceback."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, Invoice, InvoiceLine, InvoiceRun
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.invoicing.locking import BUSY
from pricing.errors import ActionRefused
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput
ROOT = Path(__file__).resolve().parents[2]
SCHOOLS = 7


@pytest.fixture
def agreements(app, make_school):
    build_priced_world(2025)
    for n in range(SCHOOLS):
        school = make_school(urn=103700 + n)
        add_census(school, "2025-01", 100 + n)
        issue_agreement([L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(2))], school=school)


def _row_matches_its_invoices(run_id: int) -> InvoiceRun:
    db.session.remove()
    row = db.session.get(InvoiceRun, run_id)
    count, net, gross = db.session.execute(
        select(func.count(Invoice.id), func.coalesce(func.sum(Invoice.net), 0), func.coalesce(func.sum(Invoice.gross), 0))
        .where(Invoice.run_id == run_id)).one()
    assert (row.invoices_raised, row.total_net, row.total_gross) == (count, Decimal(net), Decimal(gross))
    invoices = db.session.scalars(select(Invoice).where(Invoice.run_id == run_id)).all()
    assert row.total_gross == sum((i.gross for i in invoices), Decimal("0.00"))  # pounds, not pence
    assert row.total_net == sum((i.net for i in invoices), Decimal("0.00"))
    return row


def _no_duplicates_no_gaps() -> None:
    numbers = sorted(db.session.scalars(select(Invoice.number)))
    assert numbers == [f"INV-2025-{n:06d}" for n in range(1, SCHOOLS + 1)]
    keys = db.session.scalars(select(InvoiceLine.billing_key)).all()
    assert len(keys) == len(set(keys)) == 2 * SCHOOLS


def test_a_run_that_dies_midway_counts_what_it_raised_and_the_rerun_finishes_it(agreements, monkeypatch):
    monkeypatch.setattr(invoice_run, "BATCH", 3)

    def power_cut(n):
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        invoice_run.run(2025, "summer", date(2025, 4, 10), "f", progress=power_cut)
    db.session.rollback()
    first = db.session.scalar(select(InvoiceRun.id))
    row = _row_matches_its_invoices(first)
    assert row.invoices_raised == 3 and row.finished_at is None
    report = invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    assert report.count == SCHOOLS - 3
    row = _row_matches_its_invoices(first)
    assert row.finished_at is not None and row.invoices_raised == 3
    assert _row_matches_its_invoices(report.run_id).invoices_raised == SCHOOLS - 3
    _no_duplicates_no_gaps()
    closed = db.session.scalar(select(AuditEvent.summary).where(AuditEvent.entity_type == "InvoiceRun",
                                                                AuditEvent.entity_id == str(first),
                                                                AuditEvent.summary.contains("interrupted")))
    assert closed and f"closed by run {report.run_id}" in closed and "3 invoice(s)" in closed


SLOW_RUN = """
import sys, time
from pathlib import Path
from contracts_app.services.invoicing import runs
runs.BATCH = 3
marker = Path(sys.argv[1])
real = runs._batches


def batches(ids):
    for i, batch in enumerate(real(ids)):
        if i == 1:  # the first batch is committed: say so, and wait to be killed
            marker.write_text("1")
            time.sleep(600)
        yield batch


runs._batches = batches
from contracts_app import create_app
app = create_app()
app.test_cli_runner().invoke(args=["invoices", "run", "--year", "2025", "--term", "summer",
                                   "--issue-date", "2025-04-10"], catch_exceptions=False)
"""


def test_a_run_killed_with_sigkill_leaves_a_true_row_and_the_next_run_finishes_it(agreements, database_url,
                                                                                   tmp_path):
    db.session.remove()
    marker = tmp_path / "first-batch-committed"
    env = {**os.environ, "DATABASE_URL": database_url, "CONTRACTS_ENV": "testing"}
    process = subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(marker)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()[0]
        time.sleep(0.1)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    killed = db.session.scalar(select(InvoiceRun.id))
    row = _row_matches_its_invoices(killed)
    assert row.invoices_raised == 3 and row.finished_at is None
    report = invoice_run.run(2025, "autumn", date(2025, 9, 1), "f")  # the next run, of the other term
    assert _row_matches_its_invoices(killed).finished_at is not None
    assert _row_matches_its_invoices(report.run_id).finished_at is not None
    invoice_run.run(2025, "summer", date(2025, 9, 1), "f")  # the summer re-run bills nothing twice
    _no_duplicates_no_gaps()


def test_the_busy_refusal_on_a_lock_held_too_long(agreements, database_url, app):
    """SQLite: a run that cannot get the write lock within the busy timeout stops with a message."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL waits on row locks; SQLite's one write lock is what times out")
    db.session.remove()
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding the database's write lock
    try:
        env = {**os.environ, "DATABASE_URL": database_url, "CONTRACTS_ENV": "testing", "SQLITE_BUSY_SECONDS": "1"}
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "contracts_app", "invoices", "run",
                                 "--year", "2025", "--term", "summer", "--issue-date", "2025-04-10"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    assert "another invoice run or import held the database" in output
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0


def test_a_payment_meeting_a_lock_held_too_long_is_refused_clearly(agreements, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's busy timeout")
    invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    invoice = db.session.scalar(select(Invoice))
    db.session.commit()
    # This transaction's connection (kept until it ends) waits 0.1 s instead of 30.
    db.session.connection().exec_driver_sql("PRAGMA busy_timeout = 100")
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ActionRefused, match="stayed busy"):
            invoicing.record_payment(invoice, Decimal("1.00"), date(2025, 5, 1), "", "f")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert BUSY.startswith("the database stayed busy")
    invoicing.record_payment(invoice, Decimal("1.00"), date(2025, 5, 1), "", "f")  # and once free, it works
