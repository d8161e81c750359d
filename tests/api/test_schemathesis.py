"""The OpenAPI document tells the truth (issue #27): Schemathesis, every check it has, as each role.

A bounded pass of what `st run .../api/v1/openapi.json --checks all` does, through the app's WSGI
test client and with the same configuration (schemathesis.toml at the top of the tree): per
operation and role, a few schema-valid requests on the billed world's own ids, and a few
generated ones, valid and not. Every check runs on every answer; the pass collects every
failure rather than stopping at the first, and expects none - no server error (an exception
reaching the test client counts as one), no answer outside the document, no schema-valid request
refused and no invalid one accepted. Examples are few and derandomized, so the whole file takes
well under a minute and fails the same way every time.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from contracts_app.services.invoicing import balances
from tests.api.conftest import OTHER, OWN

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
EXAMPLES = settings(max_examples=4, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
ROLES = ("admin", "sla", "finance", "school")


@pytest.fixture
def schema(app, world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=SchemathesisConfig.from_path(CONFIG))


@pytest.fixture
def made(client, world) -> dict:
    """A payment and a job besides the billed world, so their operations answer more than 404."""
    invoice = balances.by_number(world.invoices[OTHER])
    payment = balances.record_payment(invoice, Decimal("10.00"), date(2025, 5, 1), "BACS", "finance@test.example")
    started = client.post("/api/v1/jobs", json={"kind": "rollover", "year": 2025},
                          headers={"Authorization": f"Bearer {world.tokens['admin']}"})
    assert started.status_code == 202, started.get_data(as_text=True)
    return {"payment_id": payment.id, "job_id": started.get_json()["id"]}


def _real_ids(world, made: dict, who: str) -> dict:
    """Path values that exist (a school user's own school), so the answers behind the 404s are checked."""
    urn = OWN if who == "school" else OTHER
    return {"urn": urn, "year": 2025, "agreement_id": world.agreements[urn], "number": world.invoices[urn], **made}


def _strategies(operation, real: dict):
    names = [parameter.name for parameter in operation.path_parameters]
    if all(name in real for name in names):
        yield "valid, real ids", operation.as_strategy(
            generation_mode=GenerationMode.POSITIVE, path_parameters={name: real[name] for name in names})
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        yield mode.value, operation.as_strategy(generation_mode=mode)


def _run(operation, strategy, token: str, failures: list[str], label: str) -> int:
    """Call the operation with each generated case and every check; note what fails. How many were sent."""
    sent = 0

    @EXAMPLES
    @given(case=strategy)
    def check(case):
        nonlocal sent
        sent += 1
        auth = {"Authorization": f"Bearer {token}"}
        try:
            response = case.call(headers=auth)
            case.validate_response(response, headers=auth)
        # Schemathesis reports a FailureGroup (an exception group, not an Exception); anything
        # else the app raised through the test client is a server error.
        except (BaseExceptionGroup, Exception) as exc:  # noqa: BLE001 - collected and reported below
            failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:1500]}")

    check()
    return sent


@pytest.mark.parametrize("who", ROLES)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(schema, world, made, who):
    failures: list[str] = []
    operations = sent = 0
    real = _real_ids(world, made, who)
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for kind, strategy in _strategies(operation, real):
            sent += _run(operation, strategy, world.tokens[who], failures, f"{who} {operation.label} ({kind})")
    assert failures == [], "\n\n".join(failures)
    documented = sum(1 for item in schema.raw_schema["paths"].values() for method in item if method != "parameters")
    assert operations == documented and sent >= 2 * operations  # every operation was exercised
