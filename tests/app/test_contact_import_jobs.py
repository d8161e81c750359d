"""Issue #31: a long call or email log uploaded on its page is imported by the job queue, as the
ticket log and the other long imports are (services/jobs/imports.py); a short one at once, as before.
Either way the same all-or-nothing import: a refused long log fails its job naming each row, storing nothing."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Job
from contracts_app.services import jobs
from tests.app.test_contact_standards import EMAILS, call_log, count
from tests.app.test_frozen_levels import issue, world  # noqa: F401 - the fixture: v1.0 maintained, v3.0 academy


def email_log(n: int = 60) -> str:
    """*n* emails in March 2026, each answered an hour after it came."""
    start = datetime(2026, 3, 2, 9)
    rows = [f"{start + timedelta(hours=k):%Y-%m-%dT%H:%M},{start + timedelta(hours=k + 1):%Y-%m-%dT%H:%M},"
            f"{140001 if k % 2 else 103700},E{k}" for k in range(n)]
    return "received_at,first_response_at,urn,reference\n" + "\n".join(rows) + "\n"


def upload(client, kind: str, text: str, name: str):
    return client.post(f"/reports/{kind}/import", data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def queued(response) -> Job:
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"], response.status_code
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def test_long_call_and_email_logs_are_imported_by_the_queue(app, world, client, login):
    app.config["IMPORT_INLINE_BYTES"] = 1024  # the 102 calls are about 6 KB
    login("sla")
    response = upload(client, "calls", call_log(), "calls.csv")
    job = queued(response)
    assert (job.kind, job.parameters["source"], job.state) == ("import_calls", "calls.csv", "queued")
    assert count("call") == 0  # nothing imported in the request
    assert "Import the call log" in client.get(response.headers["Location"]).get_data(as_text=True)
    done = jobs.execute(job.id)
    assert done.state == "done", done.error
    assert done.summary["summary"] == "102 added, 0 updated, 0 unchanged" and count("call") == 102

    job = queued(upload(client, "emails", email_log(), "mailbox.csv"))
    assert job.kind == "import_emails" and count("email") == 0
    done = jobs.execute(job.id)
    assert done.state == "done", done.error
    assert done.summary["summary"] == "60 added, 0 updated, 0 unchanged" and count("email") == 60


def test_a_refused_long_log_fails_its_job_naming_the_row_and_stores_nothing(app, world, client, login):
    app.config["IMPORT_INLINE_BYTES"] = 1024
    login("sla")
    bad = call_log().replace("C5\n", "C5\n2026-03-04T09:00:00,,,999999,C-BAD\n")
    done = jobs.execute(queued(upload(client, "calls", bad, "calls.csv")).id)
    assert done.state == "failed"
    assert "row 8, column urn: no school with URN 999999" in done.error and count("call") == 0


def test_a_short_log_is_still_imported_at_once(app, world, client, login):
    app.config["IMPORT_INLINE_BYTES"] = 10 ** 6
    login("sla")
    ok = upload(client, "emails", EMAILS, "mail.csv")
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/reports/emails/import")
    assert db.session.scalar(select(Job)) is None and count("email") == 4
    refused = upload(client, "calls", "called_at\n2026-03-02T09:00\n", "calls.csv")
    assert refused.status_code == 400 and "row 2, column answered_at: is empty" in refused.get_data(as_text=True)


def test_only_the_sla_team_starts_them(app, world, client, login):
    app.config["IMPORT_INLINE_BYTES"] = 1024
    login("finance")
    assert upload(client, "calls", call_log(), "calls.csv").status_code == 403
    assert db.session.scalar(select(Job)) is None and count("call") == 0
