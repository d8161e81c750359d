"""The task queue: Huey, on a SQLite file in the instance folder, or on Redis when REDIS_URL is set.

The storage is chosen from the environment the way config.py reads it, at import, so the
web server (which enqueues) and every consumer (which runs) agree without an app.
Start a consumer with ``flask --app contracts_app jobs worker`` or
``huey_consumer contracts_app.worker.huey``; see docs/jobs.md.

Tasks are declared with ``task()`` / ``periodic_task()`` from this module rather than
``huey.task()``: each run gets its own Flask app context (a fresh database session) on
the one app of its worker process.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from flask import Flask
from huey import Huey
from huey.consumer import Consumer, ProcessEnvironment
from huey.storage import RedisStorage, SqliteStorage

from contracts_app.config import instance_dir
from contracts_app.extensions import db

QUEUE_NAME = "contracts"
log = logging.getLogger(__name__)


def _storage_from_environment() -> tuple[type, dict]:
    """RedisStorage when REDIS_URL is set, else a SQLite file in the instance folder."""
    url = os.environ.get("REDIS_URL")
    if url:
        return RedisStorage, {"url": url}
    path = Path(os.environ.get("HUEY_SQLITE") or instance_dir() / "queue.sqlite3")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage, {"filename": str(path)}


# Set while a consumer of this process stops: running jobs stop at their next step and go back on
# the queue (services/jobs/running.py), so a stop takes seconds, not the rest of a long job.
stopping = threading.Event()
STOP_SECONDS = 30  # how long a stopping consumer waits for its tasks to put themselves back
_start_hooks: list[Callable[[], None]] = []
_life_hooks: list[tuple[Callable[[Consumer], None], Callable[[Consumer], None]]] = []


def on_consumer_start(hook: Callable[[], None]) -> None:
    """Run ``hook()`` in an app context each time a consumer starts (services/jobs: resume the
    jobs a dead consumer left), so this module need not import the jobs."""
    if hook not in _start_hooks:
        _start_hooks.append(hook)


def on_consumer_life(started: Callable[[Consumer], None], stopped: Callable[[Consumer], None]) -> None:
    """Call ``started(consumer)`` once a consumer has started and ``stopped(consumer)`` once it has
    stopped (services/jobs/consumers.py: its heartbeat in the database). Errors are logged only."""
    if (started, stopped) not in _life_hooks:
        _life_hooks.append((started, stopped))


def _tell(index: int, consumer: Consumer) -> None:
    for hooks in list(_life_hooks):
        try:
            hooks[index](consumer)
        except Exception:  # a missed heartbeat must never keep a consumer down nor stop its stop
            log.exception("consumer %s hook failed", "start" if index == 0 else "stop")


def _end_with(parent: int) -> None:
    """A thread that ends this process when ``parent`` has gone (killed with kill -9, it could not
    stop us): a job left running is then resumed by the next look (services/jobs/recovery.py)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _ProcessEnvironment(ProcessEnvironment):
    """Huey's forked workers (``-k process``), not daemonic - a job may start processes of its own
    (the every-SLA ZIP's PDF pool), which a daemonic process may not - and ending with their consumer."""

    def create_process(self, runnable, name):
        process = super().create_process(runnable, name)
        process.daemon = False  # the consumer still stops and joins them (stop flag, then SIGTERM)
        return process

    def init_child(self, process):
        super().init_child(process)
        _end_with(os.getppid())


class JobConsumer(Consumer):
    """Huey's consumer, which on starting resumes what a dead consumer left, and on stopping
    (SIGTERM, SIGINT, or a call) has its running jobs stop at their next step rather than
    waiting for the end of a long job or being cut off in the middle of a step."""

    def start(self):
        stopping.clear()
        super().start()
        for hook in list(_start_hooks):
            try:
                with flask_app().app_context():
                    hook()
            except Exception:  # the periodic look does it later; never keep a consumer down
                log.exception("consumer start-up hook %s failed", getattr(hook, "__name__", hook))
        _tell(0, self)

    def get_environment(self, worker_type):
        if worker_type == "process":
            return _ProcessEnvironment(self._graceful_sig, self._interrupt_sig)
        return super().get_environment(worker_type)

    def stop(self, graceful=False):
        stopping.set()
        if self.environment.forks:
            # Process workers do not see this process's flag: interrupt them now (their job rolls
            # back the step under way and goes back on the queue) rather than after shutdown_timeout.
            self._interrupt_workers()
        try:
            super().stop(graceful=True)  # the jobs stop themselves; wait for that, at most shutdown_timeout
        finally:
            stopping.clear()
            _tell(1, self)


class AppHuey(Huey):
    """Huey whose consumers run tasks on the Flask app (see ``set_app``)."""

    def create_consumer(self, **options):
        flask_app()  # fail at start, not at the first task, when there is no app
        if options.get("shutdown_timeout") is None:  # huey_consumer passes None: wait for ever
            options["shutdown_timeout"] = STOP_SECONDS
        return JobConsumer(self, **options)


_storage_class, _storage_kwargs = _storage_from_environment()
# results=False: a job's outcome lives in its Job row, not in the queue.
huey = AppHuey(QUEUE_NAME, results=False, storage_class=_storage_class, **_storage_kwargs)

_app: Flask | None = None
_factory: Callable[[], Flask] | None = None
_pid: int | None = None
_lock = threading.Lock()


def set_app(app: Flask) -> None:
    """The app tasks run on in this process (the ``jobs worker`` command, tests)."""
    global _app, _pid
    with _lock:
        _app, _pid = app, os.getpid()


def set_app_factory(factory: Callable[[], Flask]) -> None:
    """How a bare consumer process builds its app, once, on first need."""
    global _factory
    _factory = factory


def flask_app() -> Flask:
    """This worker process's app, built once; a forked worker drops its parent's connections."""
    global _app, _pid
    with _lock:
        if _app is None:
            if _factory is None:
                raise RuntimeError("no Flask app for the task queue: start consumers with "
                                   "`flask --app contracts_app jobs worker` or "
                                   "`huey_consumer contracts_app.worker.huey`")
            _app, _pid = _factory(), os.getpid()
        elif _pid != os.getpid():
            with _app.app_context():
                db.engine.dispose(close=False)  # the parent's pooled connections are not ours
            _pid = os.getpid()
        return _app


def use_storage(redis_url: str | None = None, filename: str | Path | None = None) -> None:
    """Point the queue at another store (tests: a temp SQLite file, or a test Redis)."""
    if redis_url:
        huey.storage = RedisStorage(QUEUE_NAME, url=redis_url)
    else:
        huey.storage = SqliteStorage(QUEUE_NAME, filename=str(filename))


def _in_app_context(func: Callable) -> Callable:
    @wraps(func)
    def inner(*args, **kwargs):
        with flask_app().app_context():
            return func(*args, **kwargs)
    return inner


def task(**options) -> Callable:
    """``huey.task`` whose body runs in an app context: ``@task(retries=2)``."""
    return lambda func: huey.task(**options)(_in_app_context(func))


def periodic_task(validate_datetime: Callable, **options) -> Callable:
    """``huey.periodic_task`` in an app context: ``@periodic_task(crontab(minute="0", hour="3"))``."""
    return lambda func: huey.periodic_task(validate_datetime, **options)(_in_app_context(func))
