"""Login throttling per account and per address, the audit of sign-ins, and an answer that
takes as long whether or not the account exists (issue #16 item 4)."""
from __future__ import annotations

import os
import statistics
import time
import uuid

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent
from tests.conftest import PASSWORD

WRONG = "not-the-password"


@pytest.fixture
def limits() -> tuple[str, str]:
    """(per account, per address): the default settings unless a test says otherwise."""
    return "5/minute;20/hour", "50/hour"


@pytest.fixture
def app_config(app_config, limits):
    # The suite runs with the limiter off; these tests need it on.
    account, address = limits
    return {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_LIMIT_ACCOUNT": account,
            "LOGIN_LIMIT_ADDRESS": address}


def attempt(client, email: str, password: str, address: str = "192.0.2.10"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_sixth_wrong_password_in_a_minute_is_throttled_even_with_the_right_password(client, make_user):
    user = make_user("admin")
    for _ in range(5):
        assert attempt(client, user.email, WRONG).status_code == 200
    throttled = attempt(client, user.email, WRONG)
    assert throttled.status_code == 429
    html = throttled.get_data(as_text=True)
    assert "Too many sign-in attempts for this account or from this address" in html
    assert "5 per 1 minute" in html and "Retry-After" in throttled.headers
    right = attempt(client, user.email, PASSWORD)
    assert right.status_code == 429  # not signed in while throttled
    assert client.get("/").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_the_account_is_one_however_the_email_is_typed(client, make_user):
    user = make_user("admin")
    for spelling in ("admin@test.example", "ADMIN@test.example", " Admin@Test.Example ", "admin@TEST.example",
                     "aDmin@test.example"):
        assert attempt(client, spelling, WRONG).status_code == 200
    assert attempt(client, user.email, PASSWORD).status_code == 429


def test_another_account_from_another_address_is_not_throttled(client, make_user):
    user, other = make_user("admin"), make_user("sla")
    for _ in range(6):
        attempt(client, user.email, WRONG)
    assert attempt(client, user.email, PASSWORD, address="198.51.100.7").status_code == 429  # the account
    assert attempt(client, other.email, PASSWORD).status_code == 302  # same address, other account


@pytest.mark.parametrize("limits", [("100/minute", "3/hour")])
def test_an_address_trying_many_accounts_is_throttled(client, make_user):
    user = make_user("sla")
    for n in range(3):
        assert attempt(client, f"guess{n}@test.example", WRONG).status_code == 200
    assert attempt(client, user.email, PASSWORD).status_code == 429
    assert attempt(client, user.email, PASSWORD, address="198.51.100.7").status_code == 302


def test_the_page_itself_is_not_throttled(client, make_user):
    user = make_user("sla")
    for _ in range(6):
        attempt(client, user.email, WRONG)
    assert client.get("/login").status_code == 200


def test_failed_and_successful_sign_ins_are_audited_with_email_and_address(client, make_user):
    user = make_user("finance")
    attempt(client, "Nobody@Test.Example", WRONG)
    attempt(client, user.email, WRONG)
    assert attempt(client, user.email, PASSWORD).status_code == 302
    client.post("/logout")
    rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "User")
                                   .order_by(AuditEvent.id)))
    assert [row.action for row in rows] == ["login_failed", "login_failed", "login", "logout"]
    unknown, wrong, success, logout = rows
    assert unknown.changes == {"email": "nobody@test.example", "address": "192.0.2.10", "reason": "unknown account"}
    assert unknown.entity_id == "unknown" and unknown.actor_label == "sign-in from 192.0.2.10"
    assert wrong.entity_id == str(user.id) and wrong.changes["reason"] == "wrong password"
    assert "finance@test.example" in wrong.summary and "192.0.2.10" in wrong.summary
    assert success.actor_id == user.id and success.changes == {"email": user.email, "address": "192.0.2.10"}
    assert logout.actor_id == user.id
    assert WRONG not in str([(row.summary, row.changes) for row in rows])  # never the password tried


def test_a_deactivated_account_is_refused_and_audited(client, make_user):
    user = make_user("sla")
    user.active = False
    db.session.commit()
    response = attempt(client, user.email, PASSWORD)
    assert response.status_code == 200 and b"do not match an active account" in response.data
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed"))
    assert row.changes["reason"] == "deactivated"


@pytest.mark.parametrize("limits", [("1000/minute", "1000/minute")])
def test_an_unknown_account_answers_in_the_same_time_as_a_known_one(client, make_user):
    user = make_user("admin")
    user.set_password(PASSWORD)  # the real (slow) hash, as every account made by the app has
    db.session.commit()

    def timed(email: str) -> float:
        start = time.perf_counter()
        assert attempt(client, email, WRONG).status_code == 200
        return time.perf_counter() - start

    timed("warm-up@test.example"), timed(user.email)
    known, unknown = [], []
    for n in range(7):  # interleaved, so a busy machine slows both alike
        known.append(timed(user.email))
        unknown.append(timed(f"nobody{n}@test.example"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 1 / 3 < ratio < 3, (known, unknown)


def test_redis_url_is_the_default_store(monkeypatch):
    from contracts_app.config import load_config

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert load_config({"CONTRACTS_ENV": "testing"})["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert load_config({"CONTRACTS_ENV": "testing"})["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL (scripts/test.sh starts one)")
def test_workers_share_the_counts_in_redis(app_config, make_user):
    """Two apps (two workers) on one Redis: the attempts at one count at the other."""
    from contracts_app import create_app

    config = {**app_config, "RATELIMIT_STORAGE_URI": os.environ["TEST_REDIS_URL"],
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    user = make_user("sla")
    first = create_app(config).test_client()
    for _ in range(5):
        assert attempt(first, user.email, WRONG).status_code == 200
    second = create_app(config).test_client()  # a fresh worker: nothing counted in its memory
    assert attempt(second, user.email, PASSWORD).status_code == 429
