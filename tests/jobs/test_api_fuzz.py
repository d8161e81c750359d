"""Schemathesis over the jobs operations (tests/api/test_fuzz.py covers the rest): no 5xx,
schema-valid bodies accepted, invalid ones refused, every answer as documented."""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode

from contracts_app.services.users import issue_token
from tests.api.test_fuzz import run


@pytest.fixture
def schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_fuzz_the_jobs_operations_as_admin(schema, make_user):
    token = issue_token(make_user("admin").email)
    seen = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/jobs"):
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run(operation, operation.as_strategy(generation_mode=mode), token)
        seen += 1
    assert seen == 4
