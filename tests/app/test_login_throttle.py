"""Login throttling per account and per address, the audit of sign-ins, and an answer that
takes as long whether or not the account exists (issue #16 item 4)."""
from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

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


def test_the_store_is_redis_with_redis_url_and_the_database_without(monkeypatch):
    from contracts_app.config import load_config

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert load_config({"CONTRACTS_ENV": "testing"})["RATELIMIT_STORAGE_URI"] == "database://"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert load_config({"CONTRACTS_ENV": "testing"})["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize("store", ["memory://", "async+memory://"])
def test_production_refuses_counts_kept_in_each_process(monkeypatch, store):
    from contracts_app.config import load_config

    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", store)
    with pytest.raises(RuntimeError, match=r"keeps the sign-in attempt counts in each worker process's own memory"):
        load_config({"CONTRACTS_ENV": "production"})
    assert load_config({"CONTRACTS_ENV": "testing"})["RATELIMIT_STORAGE_URI"] == store  # tests may
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    assert load_config({"CONTRACTS_ENV": "production"})["RATELIMIT_STORAGE_URI"] == "database://"


def test_the_database_is_where_the_counts_are(client, make_user):
    from contracts_app.extensions import limiter
    from contracts_app.models import RateLimitCounter
    from contracts_app.services.rate_limits import DatabaseStorage

    assert isinstance(limiter.storage, DatabaseStorage)
    user = make_user("sla")
    for _ in range(3):
        attempt(client, user.email, WRONG)
    counts = sorted(db.session.scalars(select(RateLimitCounter.hits)))
    assert counts == [3, 3, 3]  # the account's minute and hour, the address's hour
    assert user.email not in str(list(db.session.scalars(select(RateLimitCounter.key))))  # hashed


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


# -- the database storage itself (services/rate_limits.py) ---------------------------------------

class Clock:
    """The storage's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def storage(app, monkeypatch):
    from contracts_app.services import rate_limits

    clock = Clock()
    monkeypatch.setattr(rate_limits, "time", clock)
    found = rate_limits.DatabaseStorage("database://")
    found.clock = clock
    return found


def test_a_window_counts_until_it_ends_then_starts_again(storage):
    assert storage.get("k") == 0 and storage.get_expiry("k") == storage.clock.now
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("k", 60, amount=2) == 5 and storage.get("k") == 5
    assert storage.get_expiry("k") == storage.clock.now + 60  # from the window's first hit
    storage.clock.now += 59.5
    assert storage.incr("k", 60) == 6 and storage.get_expiry("k") == storage.clock.now + 0.5
    storage.clock.now += 0.5  # the window is over: nothing counted, and the next hit starts a new one
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1 and storage.get_expiry("k") == storage.clock.now + 60
    assert storage.incr("other", 10) == 1 and storage.get("k") == 1


def test_clear_reset_and_check(storage):
    for key in ("a", "b", "c"):
        storage.incr(key, 60)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 2 and storage.get("b") == 0
    assert storage.check() is True


def test_any_key_fits_and_is_not_kept_in_clear(storage):
    from contracts_app.models import RateLimitCounter

    keys = ["x" * 5000, "nul\x00in the middle", "é\u2028\U0001f600", ""]
    for key in keys:
        assert storage.incr(key, 60) == 1
    assert [storage.get(key) for key in keys] == [1, 1, 1, 1]
    stored = list(db.session.scalars(select(RateLimitCounter.key)))
    assert len(stored) == 4 and all(len(key) == 64 for key in stored)


def test_windows_that_are_over_are_deleted(storage):
    from contracts_app.models import RateLimitCounter
    from contracts_app.services.rate_limits import CLEAN_UP_SECONDS

    for n in range(5):
        storage.incr(f"tried once {n}", 60)
    storage.clock.now += 61
    storage.incr("late", 3600)
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 1
    storage.incr("soon over", 1)
    storage.clock.now += 2
    storage.incr("late", 3600)  # cleaned up a minute ago: not yet again
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 2
    storage.clock.now += CLEAN_UP_SECONDS
    storage.incr("late", 3600)
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 1


def test_simultaneous_hits_are_each_counted_once(app, storage):
    """Threads hitting one key at once, each on its own connection: the counts returned are
    1..N, each once (an increment read stale and written back would repeat one and lose another)."""
    threads, hits = 8, 15
    barrier = threading.Barrier(threads)
    seen: list[int] = []

    def hit() -> None:
        with app.app_context():
            barrier.wait()
            for _ in range(hits):
                seen.append(storage.incr("shared", 60))

    workers = [threading.Thread(target=hit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert sorted(seen) == list(range(1, threads * hits + 1))
    assert storage.get("shared") == threads * hits


# -- every worker of a real server shares the counts ---------------------------------------------

THROTTLED_WORKERS = 4


@pytest.fixture(scope="module")
def throttled_server(database_url, tmp_path_factory):
    """gunicorn with 4 workers, sign-in throttling on and its store left to the default (no Redis)."""
    from tests.concurrency.conftest import ROOT, _free_port, _wait_until_up

    port = _free_port()
    overrides = {"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                 "SECRET_KEY": secrets.token_hex(32), "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                 "LOGIN_LIMIT_ACCOUNT": "5/minute", "LOGIN_LIMIT_ADDRESS": "1000/hour"}
    env = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "RATELIMIT_STORAGE_URI")}
    env.update(CONTRACTS_ENV="testing", DATABASE_URL=database_url)
    log = tmp_path_factory.mktemp("throttled-server") / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(THROTTLED_WORKERS), "--bind", f"127.0.0.1:{port}",
               "--timeout", "120", "--log-level", "warning", f"contracts_app:create_app({overrides!r})"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_four_workers_check_exactly_the_limit_of_many_simultaneous_wrong_passwords(app, make_user,
                                                                                   throttled_server):
    """Issue #27: with memory:// each of 4 workers allowed 5, so 20 of 40 were checked."""
    from contracts_app.models import RateLimitCounter
    from tests.concurrency.conftest import Browser, at_once

    user = make_user("sla")
    email, user_id = user.email, user.id
    db.session.remove()  # the server's workers write; this session must hold nothing open
    tries = 40

    def wrong():
        return Browser(throttled_server).request("POST", "/login", form={"email": email, "password": WRONG})

    answers = at_once([wrong] * tries)
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [200] * 5 + [429] * (tries - 5), statuses
    checked = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "login_failed", AuditEvent.entity_id == str(user_id)))
    assert checked == 5  # the password was checked 5 times, no more
    right = Browser(throttled_server).request("POST", "/login", form={"email": email, "password": PASSWORD})
    assert right.status == 429
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 2  # account, address
