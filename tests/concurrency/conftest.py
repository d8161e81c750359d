"""A real server for concurrency tests: gunicorn with several worker processes on a random
loopback port, on the suite's test database (SQLite file or PostgreSQL), and a tiny HTTP client.

Tests create their data through the ``app`` fixture as usual (committed), then fire
simultaneous requests at ``live_server.url`` from threads held at a barrier. The server
is started once per session; the per-test ``app`` fixture empties the tables under it.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
WORKERS = int(os.environ.get("LIVE_SERVER_WORKERS", "3"))


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    location: str = ""

    def json(self) -> dict:
        return json.loads(self.body)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the test looks at the redirect itself
        return None


class Browser:
    """One user's cookies against the live server (page requests, CSRF off in the server)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirects())

    def request(self, method: str, path: str, *, form: dict | None = None, json_body: dict | None = None,
                token: str | None = None) -> Answer:
        data, headers = None, {}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=120) as response:
                return Answer(response.status, response.read().decode(), response.headers.get("Location", ""))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read().decode(), exc.headers.get("Location", ""))

    def login(self, email: str, password: str = PASSWORD) -> Browser:
        answer = self.request("POST", "/login", form={"email": email, "password": password})
        assert answer.status == 302, answer
        return self


@dataclass
class LiveServer:
    url: str
    database_url: str
    process: subprocess.Popen

    def browser(self) -> Browser:
        return Browser(self.url)

    def api(self, method: str, path: str, token: str, body: dict | None = None) -> Answer:
        return Browser(self.url).request(method, "/api/v1" + path, json_body=body, token=token)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            urllib.request.urlopen(url + "/login", timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def live_server(database_url, tmp_path_factory):
    """gunicorn, WORKERS sync workers, on the test database; the same CONTRACTS_INSTANCE as the suite."""
    port = _free_port()
    # One secret for every worker (sessions made by one are read by another); no CSRF or sign-in
    # throttling to script around: those have their own tests.
    overrides = {"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                 "SECRET_KEY": secrets.token_hex(32), "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    log = tmp_path_factory.mktemp("live-server") / "gunicorn.log"
    env = {**os.environ, "CONTRACTS_ENV": "testing", "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
               "--timeout", "120", "--log-level", "warning", f"contracts_app:create_app({overrides!r})"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield LiveServer(url, database_url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def at_once(calls: list[Callable[[], Answer]]) -> list[Answer]:
    """Run the calls in threads released together by a barrier; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Answer | BaseException | None] = [None] * len(calls)

    def worker(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = calls[i]()
        except BaseException as exc:  # noqa: BLE001 - reported below, not swallowed
            answers[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    for a in answers:
        if isinstance(a, BaseException) or a is None:
            raise AssertionError(f"a concurrent request failed: {a!r}")
    return answers  # type: ignore[return-value]
