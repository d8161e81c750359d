"""An invoice run's row always says what the run raised (issue #16, item 11).

Each batch's transaction sets the row's counts from the invoices carrying its id,
so a run killed midway (kill -9, a power cut) leaves a row whose counts are right,
only unfinished. The next run of the same SLA year - a re-run or the other term's -
closes such rows under the series lock (the one every batch of that year takes), so
the counts it writes are final and the audit trail says the run was interrupted.

A run still going in another process when the next one starts is closed early too;
its own batches keep its counts right and it sets its finish time again when it ends.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from contracts_app.extensions import db
from contracts_app.models import Invoice, InvoiceRun
from contracts_app.models.types import utcnow
from contracts_app.services import audit
from contracts_app.services.invoicing.dates import check_issue_date
from contracts_app.services.invoicing.numbering import ensure_series, lock_series


def recount(run_id: int) -> None:
    """Set the row's counts and totals from the invoices that carry its id (one indexed aggregate)."""
    totals = select(func.count(Invoice.id), func.coalesce(func.sum(Invoice.net), 0),
                    func.coalesce(func.sum(Invoice.gross), 0)).where(Invoice.run_id == run_id)
    count, net, gross = db.session.execute(totals).one()
    db.session.execute(update(InvoiceRun).where(InvoiceRun.id == run_id)
                       .values(invoices_raised=count, total_net=net, total_gross=gross),
                       execution_options={"synchronize_session": False})


def finish(run_id: int) -> None:
    """The run is done: its final counts and its finish time (in the caller's transaction)."""
    recount(run_id)
    db.session.execute(update(InvoiceRun).where(InvoiceRun.id == run_id).values(finished_at=utcnow()),
                       execution_options={"synchronize_session": False})


def close_interrupted(year: int, by_run: int) -> list[int]:
    """Finish the SLA year's unfinished runs before ``by_run`` (their processes died), with an audit row each.

    Call it holding the year's series lock, so no batch of theirs is half-way.
    """
    ids = list(db.session.scalars(select(InvoiceRun.id).where(InvoiceRun.sla_year == year, InvoiceRun.id < by_run,
                                                               InvoiceRun.finished_at.is_(None))
                                  .order_by(InvoiceRun.id)))
    for run_id in ids:
        finish(run_id)
        raised = db.session.scalar(select(InvoiceRun.invoices_raised).where(InvoiceRun.id == run_id))
        audit.record("run", "InvoiceRun", run_id, f"run {run_id} was interrupted; closed by run {by_run} "
                                                  f"with the {raised} "
                                                  f"invoice(s) it had raised")
    return ids


def open_run(year: int, term: str, issue_date: date, by: str) -> int:
    """Check the issue date against the series, close interrupted runs and write this run's row:
    one transaction under the series lock, so a refused date leaves no row behind."""
    ensure_series("invoice", year)
    lock_series("invoice", year)
    check_issue_date("invoice", issue_date, year)
    row = InvoiceRun(sla_year=year, term=term, issue_date=issue_date, started_by=by)
    db.session.add(row)
    db.session.flush()
    run_id = row.id
    close_interrupted(year, by_run=run_id)
    db.session.commit()
    return run_id
