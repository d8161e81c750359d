"""The invoice runs page (issue #30): one form asks the year, term and issue date once, for the preview here
and for the background job; the issue date defaults to the term's usual date; a date before the SLA year
starts is named on the confirmation; the run's job page shows pounds, plain labels and the schools."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Invoice, Job
from contracts_app.services import jobs
from tests.jobs.helpers import priced_world

EARLY = "The issue date 10 March 2025 is before the 2025-26 SLA year starts on 1 April 2025"


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _invoices() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Invoice))


def test_one_form_asks_each_thing_once_with_the_terms_usual_date(app, client, login):
    login("finance")
    page = _text(client.get("/invoices/runs?year=2025&term=autumn"))
    assert page.count('<form method="post" action="/invoices/runs"') == 1
    for name in ("year", "term", "issue_date"):
        assert len(re.findall(rf'name="{name}"', page)) == 1, name
    assert 'value="2025-09-01"' in page  # the autumn run is dated 1 September
    assert 'value="2025-04-01"' in _text(client.get("/invoices/runs?year=2025&term=summer"))
    assert 'formaction="/jobs/start/invoice_run"' in page


def test_a_blank_issue_date_previews_on_the_usual_date(app, client, login, make_school):
    priced_world(make_school, schools=2, next_year=False)
    login("finance")
    page = _text(client.post("/invoices/runs", data={"year": "2025", "term": "summer", "issue_date": "",
                                                     "preview": "1"}))
    assert "issue date 1 April 2025" in page and 'id="preview"' in page and 'id="early-date"' not in page
    assert _invoices() == 0


def test_a_date_before_the_year_starts_is_named_before_anything_is_raised(app, client, login, make_school):
    priced_world(make_school, schools=1, next_year=False)
    login("finance")
    run = {"year": "2025", "term": "summer", "issue_date": "2025-03-10"}
    asked = _text(client.post("/invoices/runs", data=run))
    assert EARLY in asked and 'name="confirmed" value="1"' in asked and _invoices() == 0
    assert client.post("/invoices/runs", data={**run, "confirmed": "1"}).status_code == 302
    assert _invoices() == 1
    # The background run names it on its confirmation too, and starts nothing until confirmed.
    job_page = _text(client.post("/jobs/start/invoice_run", data={**run, "dry_run": "0"}))
    assert 'id="confirmation"' in job_page and EARLY in job_page
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_the_runs_job_page_shows_pounds_plain_labels_and_the_schools(app, client, login, make_school):
    schools = priced_world(make_school, schools=2, next_year=False)
    login("finance")
    client.post("/jobs/start/invoice_run", data={"year": "2025", "term": "summer", "issue_date": "",
                                                 "dry_run": "0", "confirmed": "1"})
    job = db.session.scalar(select(Job))
    assert job.parameters["issue_date"] == "2025-04-01"  # blank: the usual date
    jobs.execute(job.id)
    page = _text(client.get(f"/jobs/{job.id}"))
    summary = page[page.index('id="job-summary"'):page.index("</dl>", page.index('id="job-summary"'))]
    assert "Invoices raised</dt><dd>2" in summary and "Schools invoiced</dt><dd>2" in summary
    assert re.search(r"Total with VAT</dt><dd>£\d{1,3}(,\d{3})*\.\d\d<", summary), summary
    assert "Run_id" not in page and "True" not in summary and "False" not in summary
    listed = page[page.index('id="job-schools"'):]
    assert all(s.name in listed for s in schools)
    assert 'id="job-run-invoices"' in page
