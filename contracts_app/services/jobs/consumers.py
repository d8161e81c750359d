"""Which job consumers are alive (issue #33): each consumer's heartbeat, and what the admin home shows.

Every consumer - `flask jobs worker` or a bare `huey_consumer` - writes a row of ``job_consumers``
when it starts and, from a thread of its main process, every ``JOB_HEARTBEAT_SECONDS`` while it
runs; a clean stop (SIGINT, SIGTERM) marks the row stopped. A Huey periodic task could not do this:
periodic tasks run on one consumer only, and not at all on those started ``--no-periodic``.
A consumer killed outright leaves its row, which drops out of "seen in the last minute" by itself;
rows not seen for a day are pruned by the next beat of any consumer.

The same thread looks for jobs whose consumer died (``recover_with``, every ``JOB_RECOVER_SECONDS``)
on every consumer: were it a periodic task, the death of the one consumer that runs them would leave
its own jobs running for ever on a deployment whose other consumers are ``--no-periodic``.
"""
from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from huey.consumer import Consumer
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import Job, JobConsumer
from contracts_app.models.types import utcnow
from contracts_app.services.jobs.recovery import worker_identity

log = logging.getLogger(__name__)
SEEN_WITHIN = timedelta(minutes=1)  # "seen in the last minute": four missed beats at the default 15 s
PRUNE_AFTER = timedelta(days=1)
_numbers = itertools.count(1)  # tests run several consumers in one process: each its own row
_running: weakref.WeakKeyDictionary[Consumer, "ConsumerHeartbeat"] = weakref.WeakKeyDictionary()
_recovery: list[Callable[[], object]] = []  # what looks for interrupted jobs (jobs.tasks registers it)


def recover_with(look: Callable[[], object]) -> None:
    """Have every consumer call ``look`` (in an app context) every ``JOB_RECOVER_SECONDS``."""
    _recovery[:] = [look]


@dataclass(frozen=True)
class ConsumersSeen:
    """The consumers seen in the last minute and how many jobs wait for one."""

    consumers: list[JobConsumer]
    waiting: int

    @property
    def stalled(self) -> bool:
        """Jobs are queued and nobody is there to take them."""
        return self.waiting > 0 and not self.consumers


def seen(now: datetime | None = None) -> ConsumersSeen:
    """The consumers whose heartbeat is at most a minute old and not stopped, by host and pid."""
    cutoff = (now or utcnow()) - SEEN_WITHIN
    consumers = list(db.session.scalars(
        select(JobConsumer).where(JobConsumer.stopped_at.is_(None), JobConsumer.last_seen_at >= cutoff)
        .order_by(JobConsumer.host, JobConsumer.pid, JobConsumer.id)))
    waiting = db.session.scalar(select(func.count()).select_from(Job).where(Job.state == "queued")) or 0
    return ConsumersSeen(consumers, waiting)


class ConsumerHeartbeat(threading.Thread):
    """One consumer's row, written on a connection of its own every ``every`` seconds until stopped."""

    def __init__(self, engine: Engine, consumer: Consumer, every: float, recover_every: float = 60.0):
        super().__init__(name="consumer-heartbeat", daemon=True)
        self.engine, self.every, self.recover_every = engine, every, recover_every
        self.identity = f"{worker_identity()}#{next(_numbers)}"
        self.facts = {"host": socket.gethostname()[:255], "pid": os.getpid(),
                      "worker_type": str(consumer.worker_type)[:10], "workers": int(consumer.workers),
                      "periodic": bool(consumer.periodic)}
        self._stop_event = threading.Event()

    def run(self) -> None:
        # The consumer's start has just looked (jobs.tasks.resume_at_start): the next look is a period on.
        next_beat, next_look = time.monotonic() + self.every, time.monotonic() + self.recover_every
        while not self._stop_event.wait(max(0.05, min(next_beat, next_look) - time.monotonic())):
            now = time.monotonic()
            if now >= next_beat:
                self.beat()
                next_beat = now + self.every
            if now >= next_look:
                self.look_for_interrupted()
                next_look = now + self.recover_every

    def look_for_interrupted(self) -> None:
        """Resume the jobs whose consumer died (jobs.recovery); a failure is logged and tried next time."""
        for look in _recovery:
            try:
                with queue.flask_app().app_context():
                    look()
            except Exception as exc:  # noqa: BLE001 - a locked database or a lost connection: next time
                log.warning("looking for interrupted jobs failed (%s)", exc)

    def beat(self, starting: bool = False) -> None:
        """Say this consumer is alive (``starting``: from now); a row pruned meanwhile is written again."""
        table, now = JobConsumer.__table__, utcnow()
        values = {"last_seen_at": now}
        if starting:
            values.update(self.facts, started_at=now, stopped_at=None)
        try:
            with self.engine.begin() as conn:
                found = conn.execute(update(table).where(table.c.identity == self.identity).values(**values)).rowcount
                if found == 0:
                    conn.execute(insert(table).values(identity=self.identity, started_at=now, last_seen_at=now,
                                                      **self.facts))
                conn.execute(delete(table).where(table.c.last_seen_at < now - PRUNE_AFTER))
        except SQLAlchemyError as exc:  # the next beat tries again; a minute allows for a few missed
            log.warning("consumer heartbeat not written (%s)", exc)

    def finish(self) -> None:
        """Stop beating and mark the row stopped (a clean stop: it leaves "seen" at once)."""
        self._stop_event.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join(timeout=10)
        table = JobConsumer.__table__
        try:
            with self.engine.begin() as conn:
                conn.execute(update(table).where(table.c.identity == self.identity)
                             .values(stopped_at=utcnow(), last_seen_at=utcnow()))
        except SQLAlchemyError as exc:  # its row then ages out of "seen" within a minute
            log.warning("consumer stop not recorded (%s)", exc)


def consumer_started(consumer: Consumer) -> None:
    """Write this consumer's row now (it shows at once) and keep it fresh from a thread."""
    consumer_stopped(consumer)  # started again: one heartbeat per consumer
    with queue.flask_app().app_context():
        engine = db.engine
        every = max(0.1, float(current_app.config.get("JOB_HEARTBEAT_SECONDS", 15)))
        recover_every = max(0.1, float(current_app.config.get("JOB_RECOVER_SECONDS", 60)))
    heartbeat = ConsumerHeartbeat(engine, consumer, every, recover_every)
    heartbeat.beat(starting=True)
    heartbeat.start()
    _running[consumer] = heartbeat


def consumer_stopped(consumer: Consumer) -> None:
    heartbeat = _running.pop(consumer, None)
    if heartbeat is not None:
        heartbeat.finish()


queue.on_consumer_life(consumer_started, consumer_stopped)
