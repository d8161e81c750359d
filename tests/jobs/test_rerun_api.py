"""POST /api/v1/jobs/ID/rerun (issue #27): a failed job started again by the roles of its kind,
409 naming why while it is queued, running or done; bad kinds are 400, never 500; the result file
is sent as the OpenAPI document says (application/zip, text/csv)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy import update

from contracts_app.extensions import db
from contracts_app.models import Job
from contracts_app.services import jobs
from contracts_app.services.users import issue_token
from tests.jobs.helpers import priced_world

ROLES = ("admin", "sla", "finance", "school")
# Who may start each kind again: its own roles, and admin.
MAY = {"agreement_documents": {"admin", "sla"}, "invoice_run": {"admin", "finance"}}
PARAMS = {"agreement_documents": {"year": 2025},
          "invoice_run": {"year": 2025, "term": "summer", "issue_date": "2025-04-10", "dry_run": False}}


@pytest.fixture
def headers(app, make_user, make_school):
    made = {}

    def of(role: str) -> dict:
        if role not in made:
            school = make_school(urn=188888) if role == "school" else None
            made[role] = {"Authorization": f"Bearer {issue_token(make_user(role, school=school).email)}"}
        return made[role]

    return of


def _failed(kind: str) -> Job:
    """A job of ``kind`` that failed (no price list, no agreements: nothing to do yet)."""
    job = jobs.execute(jobs.start(kind, PARAMS[kind], "test").id)
    assert job.state == "failed", job.error
    return job


@pytest.mark.parametrize("kind", sorted(MAY))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_start_a_failed_job_again(app, client, headers, kind, role):
    job = _failed(kind)
    response = client.post(f"/api/v1/jobs/{job.id}/rerun", headers=headers(role))
    if role in MAY[kind]:
        assert response.status_code == 202, response.get_json()
        assert response.get_json()["state"] == "queued" and response.get_json()["id"] == job.id
    else:
        assert response.status_code == 403 and response.get_json()["detail"], (role, response.get_json())
        db.session.expire_all()
        assert db.session.get(Job, job.id).state == "failed"


def test_no_token_is_401_and_no_such_job_404(app, client, headers):
    job = _failed("agreement_documents")
    assert client.post(f"/api/v1/jobs/{job.id}/rerun").status_code == 401
    assert client.post("/api/v1/jobs/424242/rerun", headers=headers("sla")).status_code == 404


@pytest.mark.parametrize(("state", "why"), [("running", "still running"), ("queued", "waiting for a worker"),
                                            ("done", "finished")])
def test_a_job_that_has_not_failed_is_409_with_the_reason(app, client, headers, state, why):
    job = _failed("agreement_documents")
    db.session.execute(update(Job).where(Job.id == job.id).values(state=state))
    db.session.commit()
    response = client.post(f"/api/v1/jobs/{job.id}/rerun", headers=headers("sla"))
    assert response.status_code == 409, response.get_json()
    detail = response.get_json()["detail"]
    assert f"job {job.id} is {state}" in detail and why in detail
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == state


def test_started_again_it_finishes_the_work(app, client, headers, make_school, job_consumer):
    job = _failed("agreement_documents")
    priced_world(make_school, schools=2, next_year=False)  # what was missing is there now
    assert client.post(f"/api/v1/jobs/{job.id}/rerun", headers=headers("sla")).status_code == 202
    assert job_consumer.wait(job.id).state == "done"
    shown = client.get(f"/api/v1/jobs/{job.id}", headers=headers("sla")).get_json()
    assert shown["state"] == "done" and shown["result_url"]


@pytest.mark.parametrize("kind", [{}, [], ["rollover"], {"kind": "rollover"}, None, 7, True])
def test_a_kind_that_is_not_a_name_is_400_naming_kind(app, client, headers, kind):
    response = client.post("/api/v1/jobs", json={"kind": kind, "year": 2025}, headers=headers("sla"))
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert "kind" in body["fields"] and "is not a kind of job" in body["detail"]
    assert db.session.query(Job).count() == 0


def test_the_result_file_is_sent_as_the_document_says(app, client, headers, make_school):
    priced_world(make_school, schools=2, next_year=False)
    zipped = jobs.execute(jobs.start("agreement_documents", {"year": 2025}, "test").id)
    listed = jobs.execute(jobs.start("rollover", {"year": 2025}, "test").id)
    assert (zipped.state, listed.state) == ("done", "done")
    as_zip = client.get(f"/api/v1/jobs/{zipped.id}/result", headers=headers("sla"))
    assert as_zip.status_code == 200 and as_zip.mimetype == "application/zip"
    as_csv = client.get(f"/api/v1/jobs/{listed.id}/result", headers=headers("sla"))
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema["/api/v1/jobs/{job_id}/result"]["GET"]
    for job_id in (zipped.id, listed.id):  # every Schemathesis check, the content type's among them
        statuses = []

        @settings(max_examples=3, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy(path_parameters={"job_id": job_id}))
        def check(case):
            response = case.call(headers=headers("sla"))
            statuses.append(response.status_code)
            case.validate_response(response, headers=headers("sla"))

        check()
        assert 200 in statuses
