"""The document and the server agree on the values Schemathesis found them disagreeing on (issue #27).

The bounded pass (test_schemathesis.py) meets such values only by chance; here each is tried on
purpose. For every request field that took a value the other side refused - a blank or
control-character text the pattern let through (charge descriptions, reversal and decline
reasons, the signatory's name, a job's csv), `issue_date` on the 29th to 31st, a `0` taken as
`false` - the request body is checked against the OpenAPI document (with the JSON Schema engine
Schemathesis itself uses, formats included) and loaded by the server's own request schema; the
two must say the same, valid or not.
"""
from __future__ import annotations

import json

import jsonschema_rs
import pytest

from contracts_app.api.schemas.agreements import ChargeRequestSchema, NoticeRequestSchema
from contracts_app.api.schemas.invoices import ReversalRequestSchema
from contracts_app.api.schemas.jobs import REQUESTS
from contracts_app.api.schemas.rounds import AcceptanceRequestSchema, DeclineRequestSchema

TEXTS = ["x", " padded ", "é", "\ufeff", "", "   ", "\u3000", "\x85", " \u2028 ", "\xa0", "a\x12b", "\x12", "\x7f",
         "tab\there", "two\nlines", "\n", "end\n", "\x1c"]
FLAGS = [True, False, 0, 1, "true", "false", "yes", "1"]
DATES = ["2026-04-28", "2026-04-29", "2026-04-30", "2026-05-31", "2028-02-29", "2026-02-29", "2026-04-31",
         "2026-13-01", "2101-01-01", "1999-12-31", "26-04-30"]
JOBS = "/api/v1/jobs"

# (what, the server's request schema, the document's schema (component name or path), a valid body,
#  the field tried, the values tried)
CASES = [
    ("charge description", ChargeRequestSchema, "ChargeRequest",
     {"amount": "1.00", "vat_code": "S", "description": "x"}, "description", TEXTS),
    ("reversal reason", ReversalRequestSchema, "ReversalRequest", {"reason": "x"}, "reason", TEXTS),
    ("decline reason", DeclineRequestSchema, "DeclineRequest", {"reason": "x"}, "reason", TEXTS),
    ("signatory's name", AcceptanceRequestSchema, "AcceptanceRequest",
     {"name": "Pat Head", "job_title": "Headteacher", "authorised": True}, "name", TEXTS),
    ("signatory's job title", AcceptanceRequestSchema, "AcceptanceRequest",
     {"name": "Pat Head", "job_title": "Headteacher", "authorised": True}, "job_title", TEXTS),
    ("authorised", AcceptanceRequestSchema, "AcceptanceRequest",
     {"name": "Pat Head", "job_title": "Headteacher", "authorised": True}, "authorised", FLAGS),
    ("notice reason", NoticeRequestSchema, "NoticeRequest", {"notice_date": "2026-05-01"}, "reason", TEXTS),
    ("notice date", NoticeRequestSchema, "NoticeRequest", {"notice_date": "2026-05-01"}, "notice_date", DATES),
    ("fundamental breach", NoticeRequestSchema, "NoticeRequest", {"notice_date": "2026-05-01"},
     "fundamental_breach", FLAGS),
    ("agreements import csv", REQUESTS["import_agreements"], JOBS,
     {"kind": "import_agreements", "year": 2026, "csv": "urn,service_code,quantity,status\n"}, "csv", TEXTS),
    ("invoice run issue date", REQUESTS["invoice_run"], JOBS,
     {"kind": "invoice_run", "year": 2026, "term": "summer", "issue_date": "2026-04-10", "dry_run": True},
     "issue_date", DATES),
    ("invoice run dry_run", REQUESTS["invoice_run"], JOBS,
     {"kind": "invoice_run", "year": 2026, "term": "summer", "issue_date": "2026-04-10", "dry_run": True},
     "dry_run", FLAGS),
]


@pytest.fixture(scope="module")
def document(database_url) -> dict:
    from contracts_app import create_app

    app = create_app({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _validator(document: dict, where: str):
    """The request body's schema in the document, with its components to resolve references."""
    if where.startswith("/"):
        schema = document["paths"][where]["post"]["requestBody"]["content"]["application/json"]["schema"]
    else:
        schema = {"$ref": f"#/components/schemas/{where}"}
    return jsonschema_rs.validator_for({**schema, "components": document["components"]}, validate_formats=True)


def _server_takes(request_schema, body: dict) -> bool:
    return not request_schema().validate(body)


@pytest.mark.parametrize(("what", "request_schema", "where", "body", "field", "values"), CASES,
                         ids=[case[0] for case in CASES])
def test_the_document_and_the_server_agree(document, what, request_schema, where, body, field, values):
    validator = _validator(document, where)
    assert validator.is_valid(body) and _server_takes(request_schema, body), "the valid body is not valid"
    disagree = []
    for value in values:
        tried = {**body, field: value}
        documented, taken = validator.is_valid(tried), _server_takes(request_schema, tried)
        if documented != taken:
            disagree.append(f"{json.dumps(value)}: the document says {'valid' if documented else 'invalid'}, "
                            f"the server {'takes' if taken else 'refuses'} it")
    assert disagree == [], f"{what}: " + "; ".join(disagree)
    outcomes = {_server_takes(request_schema, {**body, field: value}) for value in values}
    assert outcomes == {True, False}  # the values tried do reach both answers
