"""The jobs pages: each kind started from its page, the status JSON, the download, the list."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import Job, SchoolGroup
from contracts_app.services import jobs
from tests.jobs.helpers import count, priced_world, zip_texts


def _jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(select(Job).order_by(Job.id)))


def test_the_agreements_page_starts_rollover_and_the_job_page_shows_counts_and_download(
        app, client, login, make_school):
    priced_world(make_school)
    login("sla")
    page = client.get("/agreements/?year=2025").get_data(as_text=True)
    assert 'id="start-rollover"' in page and 'id="start-issue"' in page and 'id="start-import"' in page
    response = client.post("/jobs/start/rollover", data={"year": "2025"})
    [job] = _jobs()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.kind, job.parameters, job.state) == ("rollover", {"year": 2025}, "queued")
    queued = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'id="job-progress"' in queued and "jobs.js" in queued and "Waiting for a worker" in queued
    assert client.get(f"/jobs/{job.id}/status").get_json()["state"] == "queued"
    jobs.execute(job.id)
    status = client.get(f"/jobs/{job.id}/status").get_json()
    assert status["state"] == "done" and status["result_url"] == f"/jobs/{job.id}/result"
    shown = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Created" in shown and 'id="job-download"' in shown
    download = client.get(status["result_url"])
    assert download.status_code == 200 and download.data.startswith(b"agreement,reason")
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f'href="/jobs/{job.id}"' in listing and "Roll the year over" in listing


def test_a_job_of_another_teams_kind_is_forbidden(app, client, login, make_school, make_user):
    priced_world(make_school, schools=1, next_year=False)
    job = jobs.execute(jobs.start("agreement_documents", {"year": 2025}, make_user("sla", email="s@x.example")).id)
    login("finance")
    for url in (f"/jobs/{job.id}", f"/jobs/{job.id}/status", f"/jobs/{job.id}/result"):
        assert client.get(url).status_code == 403, url
    assert client.post("/jobs/start/agreement_documents", data={"year": "2025"}).status_code == 403
    assert f"/jobs/{job.id}" not in client.get("/jobs/").get_data(as_text=True)
    assert 'id="start-rollover"' not in client.get("/agreements/?year=2025").get_data(as_text=True)


def test_issuing_every_draft_is_confirmed_first(app, client, login, make_school):
    priced_world(make_school, schools=1)
    login("sla")
    first = client.post("/jobs/start/issue_agreements", data={"year": "2026"})
    assert first.status_code == 200 and 'id="confirmation"' in first.get_data(as_text=True)
    assert _jobs() == []
    confirmed = client.post("/jobs/start/issue_agreements", data={"year": "2026", "confirmed": "1"})
    assert confirmed.status_code == 302 and [j.kind for j in _jobs()] == ["issue_agreements"]


def test_invoice_run_preview_is_a_job_and_the_run_is_confirmed(app, client, login, make_school):
    priced_world(make_school, schools=1, next_year=False)
    login("finance")
    page = client.get("/invoices/runs").get_data(as_text=True)
    assert 'id="job-preview"' in page and 'id="job-run"' in page  # buttons of the page's one form
    fields = {"year": "2025", "term": "summer", "issue_date": "2025-04-10"}
    preview = client.post("/jobs/start/invoice_run", data={**fields, "dry_run": "1"})
    assert preview.status_code == 302
    [job] = _jobs()
    assert job.parameters == {"year": 2025, "term": "summer", "issue_date": "2025-04-10", "dry_run": True}
    run = client.post("/jobs/start/invoice_run", data={**fields, "dry_run": "0"})
    assert 'id="confirmation"' in run.get_data(as_text=True) and len(_jobs()) == 1
    client.post("/jobs/start/invoice_run", data={**fields, "dry_run": "0", "confirmed": "1"})
    assert _jobs()[-1].parameters["dry_run"] is False


def test_import_keeps_the_upload_in_the_jobs_folder_then_imports(app, client, login, make_school):
    priced_world(make_school, schools=1, next_year=False)
    make_school(urn=140001)
    login("sla")
    data = b"urn,service_code,quantity,status\n140001,SIMS,1,subscribed\n"
    client.post("/jobs/start/import_agreements", data={"year": "2025", "file": (io.BytesIO(data), "year.csv")},
                content_type="multipart/form-data")
    [job] = _jobs()
    assert job.parameters["source"] == "year.csv"
    assert job.parameters["upload"].startswith(app.config["JOBS_DIR"])
    assert open(job.parameters["upload"], "rb").read() == data
    assert jobs.execute(job.id).state == "done" and count(2025, "draft") == 1


def test_bad_input_is_a_message_and_starts_nothing(app, client, login):
    login("sla")
    response = client.post("/jobs/start/rollover", data={"year": "soon"}, follow_redirects=True)
    assert "SLA year" in response.get_data(as_text=True) and _jobs() == []
    assert client.post("/jobs/start/import_agreements", data={"year": "2025"}).status_code == 302
    assert _jobs() == []
    assert client.post("/jobs/start/no_such_kind", data={}).status_code == 404


def test_a_failed_job_shows_its_error_and_is_started_again(app, client, login, make_user):
    login("sla")
    job = jobs.execute(jobs.start("agreement_documents", {"year": 2025}, "test").id)
    assert job.state == "failed"
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "there are no issued 2025-26 agreements" in page and 'id="job-rerun"' in page
    client.post(f"/jobs/{job.id}/rerun")
    assert _jobs()[0].state == "queued"


def test_the_documents_page_offers_every_sla_as_a_zip_per_group(app, client, login, make_school):
    schools = priced_world(make_school, schools=2, next_year=False)
    db.session.add(SchoolGroup(name="Three Spires Trust", schools=schools))
    db.session.commit()
    login("sla")
    page = client.get("/sla-templates/").get_data(as_text=True)
    assert 'id="start-documents"' in page and "Three Spires Trust" in page
    client.post("/jobs/start/agreement_documents", data={"year": "2025"})
    [job] = _jobs()
    done = jobs.execute(job.id)
    assert len(zip_texts(client.get(f"/jobs/{done.id}/result").data)) == 2


def test_jobs_commands(app, make_school):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "clean-up"])
    assert result.exit_code == 0 and "Removed the result files of 0 job(s)" in result.output
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_job_left_running_by_a_dead_worker_is_marked_failed_then_finished(app, make_school, make_user):
    priced_world(make_school, schools=1)
    job = jobs.start("rollover", {"year": 2025}, make_user("sla"))
    job.state = "running"  # its consumer died
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "mark-failed", str(job.id)])
    assert result.exit_code == 0, result.output
    assert "marked failed" in result.output
    again = runner.invoke(args=["jobs", "mark-failed", str(job.id)])
    assert again.exit_code == 1 and "only a queued or running job" in again.output
    assert runner.invoke(args=["jobs", "mark-failed", "999"]).exit_code == 1
    db.session.expire_all()
    jobs.rerun(db.session.get(Job, job.id))
    assert jobs.execute(job.id).state == "done" and count(2026) == 1
