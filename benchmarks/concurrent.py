"""Many users at once: gunicorn as production runs it, and signed-in clients on loopback.

BENCH_CLIENTS (default 20) clients each sign in through the login form (CSRF token and
all) as staff and as a school, then for BENCH_SECONDS (default 30) fetch the list pages,
a school page, an agreement, an invoice and the portal, one request after another, each
client pausing between pages as a person does (BENCH_THINK_SECONDS, default 1: a pause drawn
evenly from half to one and a half times it, so clients do not march in step), after BENCH_WARMUP_SECONDS
(default 10) of the same unmeasured: each worker's first request of each page is slow (templates
compiled, queries compiled), and a long-running server has long since paid for those. The load
generator is threads and http.client, bounded in time: it stops by itself, and so does the server.
"""
from __future__ import annotations

import http.client
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks.app import YEAR, make_app

PASSWORD = "bench-concurrent-password"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def make_users(url: str, clients: int) -> dict:
    """A staff and a school user per client (sign-in limits count per account), and what to visit."""
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from contracts_app.extensions import db
    from contracts_app.models import Agreement, Invoice, School, User

    app = make_app(url)
    with app.app_context():
        hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        schools = db.session.scalars(select(Invoice.school_id).distinct().limit(clients)).all()
        tag = secrets.token_hex(3)
        db.session.add_all([User(email=f"staff-{tag}-{i}@bench.example", role="admin", password_hash=hashed)
                            for i in range(clients)])
        db.session.add_all([User(email=f"school-{tag}-{i}@bench.example", role="school", password_hash=hashed,
                                 school_id=schools[i % len(schools)]) for i in range(clients)])
        db.session.commit()
        count = db.session.scalar(select(func.count(School.id)))
        return {
            "tag": tag,
            "schools": count,
            "urns": db.session.scalars(select(School.urn).order_by(func.random()).limit(100)).all(),
            "agreements": db.session.scalars(select(Agreement.id).order_by(func.random()).limit(100)).all(),
            "invoices": db.session.scalars(select(Invoice.number).order_by(func.random()).limit(100)).all(),
            "list_pages": max(1, count // app.config["PAGE_SIZE"]),
        }


class Client:
    """One browser: its own cookies, a fresh connection per request (gunicorn's sync
    workers close each connection after answering)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                if value and "max-age=0" not in header.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            return response.status, text
        finally:
            connection.close()

    def sign_in(self, email: str) -> None:
        status, page = self.request("GET", "/login")
        match = CSRF.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"no sign-in form at /login (HTTP {status})")
        token = match.group(1) or match.group(2)
        status, _ = self.request("POST", "/login", {"email": email, "password": PASSWORD, "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"signing in as {email} answered HTTP {status}, not a redirect")


def _paths(plan: dict, rng: random.Random) -> list[tuple[str, str, str]]:
    """One round of a staff member's and a school's pages: (page, who, path)."""
    pages = min(plan["list_pages"], 200)
    return [
        ("school_list", "staff", f"/schools/?page={rng.randint(1, pages)}"),
        ("agreements_list", "staff", f"/agreements/?year={YEAR}&page={rng.randint(1, pages)}"),
        ("invoices_list", "staff", f"/invoices/?year={YEAR}&page={rng.randint(1, pages)}"),
        ("school", "staff", f"/schools/{rng.choice(plan['urns'])}"),
        ("agreement", "staff", f"/agreements/{rng.choice(plan['agreements'])}"),
        ("invoice", "staff", f"/invoices/{rng.choice(plan['invoices'])}"),
        ("portal", "school", "/portal/"),
    ]


def _client_loop(port: int, plan: dict, index: int, window: tuple[float, float], think: float,
                 out: dict) -> None:
    measure_from, until = window
    rng = random.Random(index)
    staff, school = Client(port), Client(port)
    try:
        staff.sign_in(f"staff-{plan['tag']}-{index}@bench.example")
        school.sign_in(f"school-{plan['tag']}-{index}@bench.example")
    except (OSError, http.client.HTTPException, RuntimeError) as exc:  # an error, not a crash
        out["errors"].append(f"client {index}: {exc}")
        return
    sessions = {"staff": staff, "school": school}
    while time.monotonic() < until:
        for page, who, path in _paths(plan, rng):
            if time.monotonic() >= until:
                return
            measured = time.monotonic() >= measure_from
            start = time.perf_counter()
            try:
                status, _ = sessions[who].request("GET", path)
            except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out
                status = f"{type(exc).__name__}: {exc}"
            if measured:
                out["times"].append((page, time.perf_counter() - start))
                if status != 200:
                    out["errors"].append(f"{path}: {status}")
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))


def load(port: int, plan: dict, clients: int, seconds: float, think: float = 0.0, warmup: float = 0.0) -> dict:
    """Run the clients for ``warmup`` then ``seconds`` and gather every measured request's
    latency and every error (a client that cannot sign in is one)."""
    out = {"times": [], "errors": []}
    measure_from = time.monotonic() + warmup
    window = (measure_from, measure_from + seconds)
    threads = [threading.Thread(target=_client_loop, args=(port, plan, i, window, think, out), daemon=True)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + seconds + 60)  # a request still hanging then counts as lost
    out["elapsed"] = time.monotonic() - measure_from
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    """The README's production command, on loopback."""
    env = {**os.environ, "CONTRACTS_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": url,
           # Every client signs in from 127.0.0.1: the per-address limit is for the real world.
           "LOGIN_LIMIT_ADDRESS": "100000/hour"}
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "contracts_app:create_app()"]
    server = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            if Client(port).request("GET", "/login")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"gunicorn did not answer within 60 s: {log.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen) -> None:
    # SIGINT: gunicorn's quick shutdown (the load has stopped; SIGTERM's graceful one waits).
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def bench_concurrent(url: str, plan: dict, clients: int, seconds: float, workdir: Path,
                     think: float | None = None, metric: str = "concurrent_pages") -> dict:
    """``metric`` with people's pauses (``think`` None: BENCH_THINK_SECONDS, 1 s), or
    with none (``think`` 0: how many pages a second the server can give at most)."""
    workers = int(os.environ.get("BENCH_WORKERS", "4"))  # the README's production command
    think = float(os.environ.get("BENCH_THINK_SECONDS", "1")) if think is None else think
    warmup = float(os.environ.get("BENCH_WARMUP_SECONDS", "10"))
    port = free_port()
    server = start_server(url, port, workers, workdir / f"gunicorn-{port}.log")
    try:
        result = load(port, plan, clients, seconds, think, warmup)
    finally:
        stop_server(server)
    times = sorted(t for _, t in result["times"]) or [0.0]
    cuts = _percentiles(times)
    by_page: dict[str, list[float]] = {}
    for page, seconds_taken in result["times"]:
        by_page.setdefault(page, []).append(seconds_taken)
    return {"metric": metric, "n": plan["schools"], "clients": clients, "workers": workers,
            "seconds": round(result["elapsed"], 3), "think_seconds": think, "requests": len(result["times"]),
            "requests_per_second": round(len(result["times"]) / result["elapsed"], 1),
            "p50_seconds": round(cuts[49], 6), "p95_seconds": round(cuts[94], 6), "p99_seconds": round(cuts[98], 6),
            "errors": len(result["errors"]), "first_errors": result["errors"][:5],
            "p95_by_page": {page: round(_percentiles(sorted(v))[94], 6) for page, v in sorted(by_page.items())}}


def _percentiles(times: list[float]) -> list[float]:
    """The 1st to 99th percentiles (every one the single value when there is only one)."""
    return statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
