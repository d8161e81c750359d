"""Schemathesis over the whole generated document: no 5xx, and every answer matches it.

Two passes per operation, both with every check Schemathesis runs by default:
- on the real data (the billed world's URNs, agreements and invoices in the path,
  everything else generated), as each role, so the 200 answers are checked too;
- fuzzing with an admin token: generated paths, queries and bodies, valid and not.
Examples are bounded so the whole file stays well under 30 seconds.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import OTHER, OWN
from tests.api.test_auth import EXPECTED

FUZZ = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
REAL = settings(FUZZ, max_examples=3)


@pytest.fixture
def schema(app, world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def run(operation, strategy, token: str, config=FUZZ) -> list[int]:
    """Run the cases; returns the statuses answered."""
    statuses: list[int] = []
    # A notice's requested date must be 90 days after its notice date (§2.4 b): a rule
    # between two fields that a JSON schema cannot state, so a schema-valid notice may be 400.
    excluded = [positive_data_acceptance] if operation.path.endswith("/notice") else []

    @config
    @given(case=strategy)
    def check(case):
        auth = {"Authorization": f"Bearer {token}"}
        # Explicit auth: Schemathesis also probes the operation without it and with a bad one.
        response = case.call(headers=auth)
        statuses.append(response.status_code)
        case.validate_response(response, headers=auth, excluded_checks=excluded)

    check()
    return statuses


def test_fuzz_the_whole_document_as_admin(schema, world):
    seen = 0
    for operation in operations(schema):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run(operation, operation.as_strategy(generation_mode=mode), world.tokens["admin"])
        seen += 1
    assert seen == len([p for item in schema.raw_schema["paths"].values() for p in item if p != "parameters"])


@pytest.mark.parametrize("who", ["admin", "sla", "finance", "school"])
def test_the_real_data_matches_the_document(schema, world, who):
    values = {"urn": OWN if who == "school" else OTHER, "year": 2025,
              "agreement_id": world.agreements[OWN if who == "school" else OTHER],
              "number": world.invoices[OWN if who == "school" else OTHER],
              # No payment, job or offer in the world: those answers are 404, which the document allows.
              "payment_id": 1, "job_id": 1, "offer_id": 1, "change_id": 1,
              "code": "3104"}  # no trust in the world either (tests/trusts/test_doors.py reads real ones)
    for operation in operations(schema):
        names = [p.name for p in operation.path_parameters]
        query = {"year": 2025} if operation.path in ("/api/v1/agreements", "/api/v1/price-lists",
                                                    "/api/v1/offers") else None
        strategy = operation.as_strategy(path_parameters={n: values[n] for n in names}, query=query)
        statuses = run(operation, strategy, world.tokens[who], REAL)
        real = set(names) <= {"urn", "year", "agreement_id", "number"}  # jobs and offers: see their own tests
        if real and operation.method.upper() == "GET" and who in EXPECTED[f"api.{operation.definition.raw['operationId']}"]:
            assert 200 in statuses, (who, operation.label, statuses)  # the real answers were checked
