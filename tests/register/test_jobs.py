"""Applying several register changes as a job (issue #28): each in its own transaction, a refused
one listed while the others go ahead, a re-run applying nothing twice; the page's confirmation."""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Agreement, Invoice, Job, RegisterChange
from contracts_app.services import jobs
from contracts_app.services.invoicing.balances import record_payment
from contracts_app.services.invoicing import runs as invoice_run
from tests.register import world


def _two_changes() -> tuple[int, int]:
    """The Done-when conversion, and a closure whose invoice is paid (so it is refused)."""
    w = world.conversion(summer_run=False)
    gone = world.school(990020, "Closing School")
    closing = world.agreement_for(gone)
    invoice_run.run(2026, "summer", date(2026, 4, 10), "finance@test")
    paid = db.session.scalar(select(Invoice).where(Invoice.school_urn == 990020))
    record_payment(paid, paid.gross, date(2026, 5, 1), "BACS", "finance@test")
    world.close(gone, date(2027, 2, 28), reason="Closure")
    return w["agreement"].id, closing.id


def test_job_applies_each_and_lists_the_refused(app, make_user):
    conversion, closing = _two_changes()
    job = jobs.execute(jobs.start("apply_register_changes", {}, make_user("sla")).id)
    assert job.state == "done", job.error
    assert (job.done, job.total) == (2, 2)
    rows = list(csv.reader(io.StringIO(jobs.result_file(job).read_text())))
    assert rows[0] == ["change", "applied", "what"]
    assert [r[:2] for r in rows[1:]] == [[str(conversion), "yes"], [str(closing), "no"]]
    assert "INV-2026-000002" in rows[2][2] and "still owed" in rows[2][2]
    assert db.session.get(Agreement, conversion).status == "ended"
    assert db.session.get(Agreement, closing).status == "active"
    again = jobs.execute(jobs.start("apply_register_changes", {}, make_user("sla", email="sla2@test.example")).id)
    assert again.state == "done" and again.total == 1  # only the refused one is still pending
    assert db.session.scalar(select(func.count()).select_from(RegisterChange)) == 1


def test_page_confirms_then_starts_the_job(app, client, login):
    _two_changes()
    login("sla")
    assert "Apply every pending change" in client.get("/schools/changes/").get_data(as_text=True)
    confirm = client.post("/schools/changes/apply-all", data={})
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "2 changes" in text and "Closing School (990020)" in text
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    started = client.post("/schools/changes/apply-all", data={"confirmed": "1"})
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    assert db.session.scalar(select(Job.kind)) == "apply_register_changes"


def test_job_takes_no_parameters(app, make_user):
    from pricing.errors import ActionRefused
    import pytest

    with pytest.raises(ActionRefused, match="year: not a parameter"):
        jobs.start("apply_register_changes", {"year": 2026}, make_user("sla"))
