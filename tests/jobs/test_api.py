"""The jobs API: POST /api/v1/jobs (202), GET the job, GET its result; roles per kind."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pricing.sla_year import SlaYear
from contracts_app.extensions import db
from contracts_app.models import Agreement, Job
from contracts_app.services import jobs
from contracts_app.services.demo.council import load_demo
from contracts_app.services.users import issue_token
from tests.jobs.helpers import count, priced_world, zip_texts

KEYS = {"id", "kind", "state", "done", "total", "result_url", "error", "interrupted_at"}


@pytest.fixture
def token(app, make_user, make_school):
    made = {}

    def of(role: str) -> dict:
        if role not in made:
            school = make_school(urn=199999) if role == "school" else None
            made[role] = issue_token(make_user(role, school=school).email)
        return {"Authorization": f"Bearer {made[role]}"}

    return of


def test_sla_starts_the_zip_watches_it_and_downloads_it(app, client, token, make_school, job_consumer):
    priced_world(make_school, next_year=False)
    started = client.post("/api/v1/jobs", json={"kind": "agreement_documents", "year": 2025}, headers=token("sla"))
    assert started.status_code == 202, started.get_json()
    body = started.get_json()
    assert set(body) == KEYS and body["state"] == "queued" and body["result_url"] is None
    job_consumer.wait(body["id"])
    shown = client.get(f"/api/v1/jobs/{body['id']}", headers=token("sla")).get_json()
    assert shown["state"] == "done" and (shown["done"], shown["total"]) == (3, 3) and shown["error"] is None
    result = client.get(shown["result_url"], headers=token("sla"))
    assert result.status_code == 200 and len(zip_texts(result.data)) == 3


@pytest.mark.parametrize(("role", "kind", "status"), [
    ("school", "agreement_documents", 403), ("finance", "agreement_documents", 403),
    ("sla", "invoice_run", 403), ("school", "invoice_run", 403), ("finance", "rollover", 403),
])
def test_roles_per_kind(app, client, token, role, kind, status):
    params = {"year": 2025, "term": "summer", "issue_date": "2025-04-10", "dry_run": True} if kind == "invoice_run" \
        else {"year": 2025}
    response = client.post("/api/v1/jobs", json={"kind": kind, **params}, headers=token(role))
    assert response.status_code == status and response.get_json()["detail"]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_school_token_cannot_see_a_job_or_its_file(app, client, token, make_school, make_user):
    priced_world(make_school, schools=1, next_year=False)
    job = jobs.execute(jobs.start("agreement_documents", {"year": 2025}, "test").id)
    for headers in (token("school"), token("finance")):
        assert client.get(f"/api/v1/jobs/{job.id}", headers=headers).status_code == 403
        assert client.get(f"/api/v1/jobs/{job.id}/result", headers=headers).status_code == 403
    assert client.get(f"/api/v1/jobs/{job.id}").status_code == 401
    assert client.get("/api/v1/jobs/99999", headers=token("sla")).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "rollover"}, "year"),
    ({"kind": "rollover", "year": "next"}, "year"),
    ({"kind": "rollover", "year": 2025, "colour": "red"}, "colour"),
    ({"kind": "fly"}, "kind"),
    ({"kind": "import_agreements", "year": 2025}, "csv"),
    ({"kind": "invoice_run", "year": 2025, "term": "summer", "issue_date": "soon"}, "issue_date"),
])
def test_bad_parameters_are_400_naming_the_field(app, client, token, body, field):
    who = "finance" if body["kind"] == "invoice_run" else "sla"
    response = client.post("/api/v1/jobs", json=body, headers=token(who))
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["fields"], response.get_json()
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_import_rollover_and_finance_run_through_the_api(app, client, token, make_school, job_consumer):
    priced_world(make_school, schools=1)
    make_school(urn=140001)
    csv = "urn,service_code,quantity,status\n140001,SIMS,1,subscribed\n"
    imported = client.post("/api/v1/jobs", json={"kind": "import_agreements", "year": 2025, "csv": csv},
                           headers=token("sla")).get_json()
    assert job_consumer.wait(imported["id"]).state == "done" and count(2025, "draft") == 1
    rolled = client.post("/api/v1/jobs", json={"kind": "rollover", "year": 2025}, headers=token("sla")).get_json()
    assert job_consumer.wait(rolled["id"]).state == "done" and count(2026) == 1
    run = client.post("/api/v1/jobs", json={"kind": "invoice_run", "year": 2025, "term": "summer",
                                            "issue_date": "2025-04-10", "dry_run": True}, headers=token("finance"))
    assert run.status_code == 202
    assert job_consumer.wait(run.get_json()["id"]).summary["invoices"] == 1


def test_done_when_on_the_demo(app, client, make_user, job_consumer):
    """On the demo, an SLA token starts agreement_documents for the demo year, watches it reach
    done and downloads a ZIP holding one PDF per issued agreement."""
    year = SlaYear.containing(date.today()).start_year
    load_demo(year)
    issued = db.session.scalar(select(func.count()).select_from(Agreement).where(
        Agreement.sla_year == year, Agreement.issued_at.is_not(None)))
    assert issued > 0
    headers = {"Authorization": f"Bearer {issue_token(make_user('sla', email='zip@test.example').email)}"}
    body = client.post("/api/v1/jobs", json={"kind": "agreement_documents", "year": year}, headers=headers).get_json()
    job_consumer.wait(body["id"], timeout=600)
    shown = client.get(f"/api/v1/jobs/{body['id']}", headers=headers).get_json()
    assert shown["state"] == "done", shown["error"]
    texts = zip_texts(client.get(shown["result_url"], headers=headers).data)
    assert len(texts) == issued and all(name.endswith(".pdf") and text.strip() for name, text in texts.items())
