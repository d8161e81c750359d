"""The API's role rules for jobs (tests/api/test_auth.py sweeps the others): 401 without a
token, 403 for a role that may not use the kind (a school always), 404 for no such job."""
from __future__ import annotations

import pytest

from contracts_app.services import jobs
from contracts_app.services.users import issue_token
from tests.jobs.helpers import priced_world

STAFF = {"admin", "sla", "finance"}
EXPECTED = {"api.start_job": STAFF, "api.get_job": STAFF, "api.job_result": STAFF, "api.rerun_job": STAFF}
ROLES = ("admin", "sla", "finance", "school")


def test_every_jobs_operation_declares_its_roles(app):
    seen = {rule.endpoint: set(app.view_functions[rule.endpoint].allowed_roles)
            for rule in app.url_map.iter_rules() if rule.endpoint in EXPECTED}
    assert seen == EXPECTED


@pytest.fixture
def sla_job(app, make_school):
    priced_world(make_school, schools=1, next_year=False)
    return jobs.execute(jobs.start("agreement_documents", {"year": 2025}, "test").id)


@pytest.mark.parametrize("role", ROLES)
def test_role_access_on_an_sla_teams_job(client, make_user, make_school, sla_job, role):
    user = make_user(role, school=make_school(urn=188888) if role == "school" else None)
    headers = {"Authorization": f"Bearer {issue_token(user.email)}"}
    allowed = role in ("admin", "sla")
    for path in (f"/api/v1/jobs/{sla_job.id}", f"/api/v1/jobs/{sla_job.id}/result"):
        response = client.get(path, headers=headers)
        assert response.status_code == (200 if allowed else 403), (role, path, response.status_code)
    empty = client.post("/api/v1/jobs", json={}, headers=headers)
    assert empty.status_code == (403 if role == "school" else 400), (role, empty.get_json())
    assert client.get("/api/v1/jobs/424242", headers=headers).status_code == (403 if role == "school" else 404)


def test_no_token_is_401(client, sla_job):
    for method, path in (("POST", "/api/v1/jobs"), ("GET", f"/api/v1/jobs/{sla_job.id}"),
                         ("GET", f"/api/v1/jobs/{sla_job.id}/result"), ("POST", f"/api/v1/jobs/{sla_job.id}/rerun")):
        assert client.open(path, method=method, json={}).status_code == 401, path
