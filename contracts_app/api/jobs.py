"""Background jobs: start one (202), watch its state, download its result file."""
from __future__ import annotations

from flask import Response, request, send_file, url_for
from flask_login import current_user
from marshmallow import ValidationError

from pricing.errors import ActionRefused
from contracts_app.api.auth import allow
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import ApiError, not_found
from contracts_app.api.schemas.common import MAX_ID
from contracts_app.api.schemas.jobs import REQUEST_BODY, REQUESTS, JobSchema
from contracts_app.models import Job
from contracts_app.services import jobs
from contracts_app.services.jobs import kinds  # noqa: F401 - every kind registered

TAGS = ["Jobs"]
MAX_CSV = 20_000_000
# What a result file is sent as, by its name (a ZIP of SLA documents, a CSV of what could not be done).
RESULT_TYPES = {".zip": "application/zip", ".csv": "text/csv; charset=utf-8"}
RESULT_RESPONSE = {"description": "The result file: a ZIP of SLA documents (agreement_documents), or a CSV "
                                  "of what could not be done with the reason (the other kinds).",
                   "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}},
                               "text/csv": {"schema": {"type": "string"}}}}


def job_dict(job: Job) -> dict:
    found = jobs.result_file(job)
    return {"id": job.id, "kind": job.kind, "state": job.state, "done": job.done, "total": job.total,
            "result_url": url_for("api.job_result", job_id=job.id) if found else None, "error": job.error,
            "interrupted_at": job.interrupted_at}


def _job(job_id: int) -> Job:
    jobs.look()  # a job whose consumer died is found and resumed by whoever looks (docs/jobs.md)
    job = jobs.get(job_id)
    if job is None:
        raise not_found(f"no job {job_id}")
    if not jobs.may_use(job.kind, current_user):
        raise ApiError(403, f"the {current_user.role} role cannot see {job.kind} jobs")
    return job


def _upload(params: dict) -> tuple[str, bytes] | None:
    """import_agreements: the file's text travels as ``csv`` (kept in the job's folder first)."""
    text = params.pop("csv", None)
    name = params.pop("filename", None) or "agreements.csv"
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_CSV:
        raise ApiError(400, "csv: give the agreements file's text (urn,service_code,quantity,status[,start_date])",
                       fields={"csv": ["not the text of a CSV file"]})
    return str(name)[:200], text.encode("utf-8")


def _bad_parameter(exc: ActionRefused) -> ApiError:
    field, _, _ = exc.message.partition(":")
    return ApiError(400, exc.message, fields={field.strip() if " " not in field.strip() else "body": [exc.message]})


def _shown(value: object) -> str:
    """A client's value in a message, cut short (a kind may be any JSON)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _request_body() -> tuple[str, dict]:
    """The kind and its parameters, checked against that kind's schema (400 naming the field)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "send a JSON object: {\"kind\": ..., ...parameters}", fields={"body": ["not a JSON object"]})
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in REQUESTS:  # {} and [] are unhashable: checked first
        message = f"kind: {_shown(kind)} is not a kind of job; one of {', '.join(REQUESTS)}"
        raise ApiError(400, message, fields={"kind": [message]})
    try:
        params = REQUESTS[kind]().load(body)
    except ValidationError as exc:
        fields = {name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
                  for name, msgs in exc.messages.items()}
        raise ApiError(400, "; ".join(f"{n}: {' '.join(m)}" for n, m in fields.items()), fields=fields) from None
    params.pop("kind")
    if "issue_date" in params:
        params["issue_date"] = params["issue_date"].isoformat()
    return kind, params


@bp.route("/jobs", methods=["POST"], tags=TAGS)
@allow("sla", "finance")
@bp.doc(requestBody=REQUEST_BODY)
@bp.response(202, JobSchema, description="Queued; GET the job to watch it.")
@bp.alt_response(400, response="BAD_REQUEST")
@bp.alt_response(404, response="NOT_FOUND")
def start_job() -> dict:
    """Start a background job

    ``{"kind": ..., ...parameters}``: ``rollover`` and ``issue_agreements`` take
    ``{"year"}``; ``agreement_documents`` ``{"year", "group_id"?}`` (every issued
    agreement's SLA as one ZIP; an unknown group is 404); ``invoice_run`` ``{"year",
    "term", "issue_date", "dry_run"}``; ``import_agreements`` ``{"year", "csv",
    "filename"?}``. The SLA team starts the agreements and documents kinds, finance the
    invoice run (403 otherwise); a bad parameter is 400 naming it.
    """
    kind, params = _request_body()
    if not jobs.may_use(kind, current_user):
        raise ApiError(403, f"the {current_user.role} role cannot start {kind} jobs")
    upload = _upload(params) if kind == "import_agreements" else None
    try:
        return job_dict(jobs.start(kind, params, current_user, upload=upload))
    except jobs.NotAllowed as exc:
        raise ApiError(403, exc.message) from None
    except jobs.NotFound as exc:
        raise not_found(exc.message) from None
    except ActionRefused as exc:
        raise _bad_parameter(exc) from None


@bp.route(f"/jobs/<int(max={MAX_ID}):job_id>", tags=TAGS)
@allow("sla", "finance")
@bp.response(200, JobSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_job(job_id: int) -> dict:
    """A job's state

    ``state`` is queued, running, done or failed; ``done`` of ``total`` steps;
    ``result_url`` once done; ``error`` when failed.
    """
    return job_dict(_job(job_id))


@bp.route(f"/jobs/<int(max={MAX_ID}):job_id>/result", tags=TAGS)
@allow("sla", "finance")
@bp.doc(responses={"200": RESULT_RESPONSE})
@bp.alt_response(404, response="NOT_FOUND")
def job_result(job_id: int) -> Response:
    """A done job's result file

    A ZIP of SLA documents (``application/zip``), or a CSV of what could not be done with
    the reason (``text/csv``). Kept for JOB_RESULT_DAYS days (404 after, or before the job is done).
    """
    path = jobs.result_file(_job(job_id))
    if path is None:
        raise not_found(f"job {job_id} has no result file (not done yet, or no longer kept)")
    return send_file(path, as_attachment=True, download_name=path.name,
                     mimetype=RESULT_TYPES.get(path.suffix.lower(), "application/octet-stream"))


@bp.route(f"/jobs/<int(max={MAX_ID}):job_id>/rerun", methods=["POST"], tags=TAGS)
@allow("sla", "finance")
@bp.response(202, JobSchema, description="Queued again; GET the job to watch it.")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def rerun_job(job_id: int) -> dict:
    """Start a failed job again

    It finishes what the failed attempt left and does nothing twice (every kind is
    idempotent). The same roles as the job's kind (403 otherwise); 409 when the job is
    queued, running or done. A job whose consumer died is resumed by itself once, without
    this (``interrupted_at`` says when).
    """
    job = _job(job_id)
    try:
        return job_dict(jobs.rerun(job))
    except jobs.Running as exc:
        raise ApiError(409, exc.message) from None
