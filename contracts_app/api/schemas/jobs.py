"""Jobs on the wire: a job to start (its kind and that kind's parameters), and a job's state.

Each kind has its own request schema (strict JSON types, no unknown fields); the OpenAPI
document shows them as one ``oneOf`` on ``kind``.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from contracts_app.api.schemas.common import DATE_PATTERN, MAX_ID, YEARS, Day, Flag, Text, text_pattern

TERMS = ("summer", "autumn")
MAX_CSV = 20_000_000


class _JobRequest(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True)
    year = fields.Integer(required=True, strict=True, validate=YEARS,
                          metadata={"description": "The SLA year by its start: 2026 is 2026-27."})


class YearJobRequest(_JobRequest):
    """rollover, issue_agreements."""


class DocumentsJobRequest(_JobRequest):
    group_id = fields.Integer(strict=True, validate=validate.Range(1, MAX_ID),
                              metadata={"description": "Only this group or trust's agreements."})


class InvoiceRunJobRequest(_JobRequest):
    term = fields.String(required=True, validate=validate.OneOf(TERMS))
    issue_date = Day(required=True)
    dry_run = Flag(required=True,
                             metadata={"description": "true: the preview (nothing is issued)."})


class ImportJobRequest(_JobRequest):
    csv = Text(multiline=True, not_blank=True, required=True, validate=validate.Length(min=1, max=MAX_CSV),
               metadata={"description": "The agreements file's text: urn,service_code,quantity,status[,start_date]."})
    filename = Text(validate=validate.Length(min=1, max=200))


REQUESTS = {"rollover": YearJobRequest, "issue_agreements": YearJobRequest, "import_agreements": ImportJobRequest,
            "invoice_run": InvoiceRunJobRequest, "agreement_documents": DocumentsJobRequest}


def _year() -> dict:
    return {"type": "integer", "minimum": YEARS.min, "maximum": YEARS.max}


def _variant(kind: str, required: list[str], extra: dict) -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["kind", "year", *required],
            "properties": {"kind": {"type": "string", "enum": [kind]}, "year": _year(), **extra}}


# The request body as the OpenAPI document shows it (marshmallow cannot say "oneOf on kind").
REQUEST_BODY = {"required": True, "content": {"application/json": {"schema": {"oneOf": [
    _variant("rollover", [], {}),
    _variant("issue_agreements", [], {}),
    _variant("agreement_documents", [], {"group_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}),
    _variant("invoice_run", ["term", "issue_date", "dry_run"], {
        "term": {"type": "string", "enum": list(TERMS)},
        "issue_date": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
        "dry_run": {"type": "boolean"}}),
    _variant("import_agreements", ["csv"], {
        "csv": {"type": "string", "minLength": 1, "maxLength": MAX_CSV,
                "pattern": text_pattern(multiline=True, not_blank=True)},
        "filename": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[^\x00-\x1f\x7f]*$"}}),
]}}}}


class JobSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(("queued", "running", "done", "failed")))
    done = fields.Integer(required=True)
    total = fields.Integer(required=True, allow_none=True)
    result_url = fields.String(required=True, allow_none=True, metadata={
        "description": "Where to GET the result file once done (with the same token); null before."})
    error = fields.String(required=True, allow_none=True, metadata={
        "description": "Why it failed, in words a person can act on."})
    interrupted_at = fields.AwareDateTime(required=True, allow_none=True, metadata={
        "description": "When its consumer was last found gone (or stopping) and the job was put back on the "
                       "queue to resume; null if never."})
