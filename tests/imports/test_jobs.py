"""Imports run as jobs (issue #27 defect 3, "long imports over the web go through the job queue"):
a refusal never leaves a job running, and a long upload is imported by the queue, not the request."""
from __future__ import annotations

import io

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Job, TimeEntry
from contracts_app.services import jobs
from tests.app.test_adhoc import authorised, world  # noqa: F401 - fixture
from tests.imports.files import utf16
from tests.jobs.helpers import count, priced_world

AGREEMENTS = "urn,service_code,quantity,status\n140001,SIMS,1,subscribed\n"


def _start_import(client, data: bytes, name: str = "year.csv") -> Job:
    client.post("/jobs/start/import_agreements", data={"year": "2025", "file": (io.BytesIO(data), name)},
                content_type="multipart/form-data")
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def test_a_utf16_agreements_file_imports_and_one_without_its_mark_fails_with_a_storable_message(
        app, client, login, make_school):
    priced_world(make_school, schools=1, next_year=False)
    make_school(urn=140001)
    login("sla")
    bad = jobs.execute(_start_import(client, utf16(AGREEMENTS, mark=False)).id)
    db.session.expire_all()
    assert bad.state == "failed"  # was left "running": the message held NULs PostgreSQL cannot store
    assert "without a byte order mark" in bad.error and "\x00" not in bad.error
    good = jobs.execute(_start_import(client, utf16(AGREEMENTS)).id)
    assert good.state == "done" and count(2025, "draft") == 1


def test_the_api_refuses_control_characters_in_the_agreements_text(app, client, make_user):
    from contracts_app.services.users import issue_token

    user = make_user("sla")
    token = issue_token(user.email)
    response = client.post("/api/v1/jobs", json={"kind": "import_agreements", "year": 2025,
                                                 "csv": "urn,service_code\x00,quantity,status\n"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and "csv" in response.get_json()["fields"]
    assert db.session.scalar(select(Job)) is None


def test_a_long_time_log_upload_is_imported_by_the_queue(app, client, login, world):
    authorised(world.maintained, "SR1")
    app.config["IMPORT_INLINE_BYTES"] = 1024
    log = "urn,reference,kind,date,minutes,description\n" + "".join(
        f"103700,SR1,project,2025-06-{1 + n % 28 + (n % 28 < 1):02d},{1 + n % 60},entry {n}\n" for n in range(40))
    login("sla")
    response = client.post("/adhoc/import", data={"file": (io.BytesIO(log.encode()), "log.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(Job))
    assert (job.kind, job.parameters["source"]) == ("import_time_log", "log.csv")
    assert db.session.scalar(select(TimeEntry)) is None  # nothing imported in the request
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import the ad hoc time log" in page
    done = jobs.execute(job.id)
    assert done.state == "done", done.error
    assert "time entries added" in done.summary["summary"]
    app.config["IMPORT_INLINE_BYTES"] = 10 ** 6
    small = client.post("/adhoc/import", data={"file": (io.BytesIO(log.encode()), "log.csv")},
                        content_type="multipart/form-data")
    assert small.status_code == 200 and "imported before" in small.get_data(as_text=True)  # at once, as before
