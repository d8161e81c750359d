"""Uploaded imports as jobs (issue #27): a long file is imported by a consumer, not in the request.

A national GIAS extract, a year's time log or tens of thousands of ad hoc requests take
longer than gunicorn's 30 s request timeout would allow; killed there, the user got a 500.
So an upload larger than IMPORT_INLINE_BYTES (256 KB by default: a few thousand rows,
imported in a second or two) is kept in a job's folder and imported by the job queue, and
the page goes to the job's page, whose bar follows it; a smaller one is imported at once,
as before. Either way the same service imports it, all or nothing.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from contracts_app.extensions import db
from contracts_app.models import Job, User
from contracts_app.services import census, jobs, schools, servicedesk
from contracts_app.services.servicedesk import standards as desk_standards
from contracts_app.services.adhoc import requests_import, time_log
from contracts_app.services.invoicing import payments_import
from contracts_app.services.register import links
from contracts_app.services.imports import upload_name
from contracts_app.services.jobs import core as p
from contracts_app.services.jobs.core import JobContext, register
from pricing.errors import ActionRefused, ImportRefused

DEFAULT_INLINE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Upload:
    """One kind of uploaded import: the service that imports it and its name in messages."""

    importer: Callable[..., object]
    what: str
    takes_actor: bool = False  # payments: who recorded them


UPLOADS = {
    "import_schools": Upload(schools.import_schools, "GIAS file"),
    "import_school_links": Upload(links.import_links, "links file"),
    "import_census": Upload(census.import_census, "census file"),
    "import_time_log": Upload(time_log.import_time_log, "time log"),
    "import_adhoc_requests": Upload(requests_import.import_requests, "ad hoc requests"),
    "import_tickets": Upload(servicedesk.import_tickets, "ticket file"),
    # A month of the telephony system's calls is tens of thousands of rows (issue #31).
    "import_calls": Upload(desk_standards.import_calls, "call log"),
    "import_emails": Upload(desk_standards.import_emails, "email log"),
    "import_payments": Upload(payments_import.import_payments, "bank file", takes_actor=True),
}


def _run(kind: str) -> Callable[..., dict]:
    def run(job: JobContext, *, upload: str | None = None, source: str = "upload", by: str = "") -> dict:
        if not upload or not Path(upload).is_file():
            raise ActionRefused("the uploaded file is no longer kept; upload it again")
        found = UPLOADS[kind]
        job.progress(0, 1)
        data = Path(upload).read_bytes()
        report = found.importer(data, source, by) if found.takes_actor else found.importer(data, source)
        job.progress(1, 1)
        return {"summary": report.summary()}
    return run


def _no_params(params: dict) -> dict:
    p.only(params, set())
    return {}


def _by(params: dict) -> dict:
    p.only(params, {"by"})
    return {"by": str(params.get("by") or "")[:254]}


def inline_limit() -> int:
    """Bytes an upload may have to be imported in the request (the app's IMPORT_INLINE_BYTES, else the
    environment's, else 256 KB)."""
    value = current_app.config.get("IMPORT_INLINE_BYTES") or os.environ.get("IMPORT_INLINE_BYTES", "")
    return int(value) if str(value).strip().isdigit() else DEFAULT_INLINE_BYTES


def import_or_queue(kind: str, upload: FileStorage, actor: User,
                    ) -> tuple[object | None, ImportRefused | None, Job | None]:
    """(report, refusal, None) for a file imported at once; (None, None, job) for one handed to a job."""
    found = UPLOADS[kind]
    data, name = upload.read(), upload_name(upload, found.what)
    if len(data) > inline_limit():
        return None, None, jobs.start(kind, {"by": actor.email} if found.takes_actor else {}, actor,
                                      upload=(name, data))
    try:
        report = found.importer(data, name, actor.email) if found.takes_actor else found.importer(data, name)
        return report, None, None
    except ImportRefused as exc:
        db.session.rollback()
        return None, exc, None


TITLES = {"import_schools": ("Import schools (GIAS)", ("sla",)), "import_census": ("Import census figures", ("sla",)),
          "import_school_links": ("Import GIAS links", ("sla",)),
          "import_time_log": ("Import the ad hoc time log", ("sla",)),
          "import_adhoc_requests": ("Import ad hoc requests", ("sla",)),
          "import_tickets": ("Import the ticket log", ("sla",)),
          "import_calls": ("Import the call log", ("sla",)), "import_emails": ("Import the email log", ("sla",)),
          "import_payments": ("Import a bank file", ("finance",))}

for _kind, (_title, _roles) in TITLES.items():
    register(_kind, _run(_kind), title=_title, roles=_roles, check=_by if UPLOADS[_kind].takes_actor else _no_params)
