"""1,000 invoice emails through the outbox to a local SMTP server (issue #18): how long queueing
(PDFs by reference: nothing rendered) and sending (each PDF rendered once, then re-used) take, and how many are lost or duplicated when the server
cuts one delivery in ten off mid-conversation (goal: 0 and 0)."""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from benchmarks.app import make_app
from benchmarks.runner import Timer


class _DroppingHandler:
    """Accepts messages, except that every Nth DATA drops the connection without an answer."""

    def __init__(self, drop_every: int) -> None:
        self.drop_every, self.seen, self.delivered = drop_every, 0, Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            if self.drop_every and self.seen % self.drop_every == 0:
                server.transport.close()  # not accepted: the sender must retry
                return "421 closing"
            for recipient in envelope.rcpt_tos:
                self.delivered[recipient] += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _queue(n: int, invoices_used: int) -> float:
    """n invoice emails, one recipient each, over the first `invoices_used` invoices (each PDF rendered once,
    by the sender: the renderer has figures of its own; this measures the outbox)."""
    from sqlalchemy import select

    from contracts_app.extensions import db
    from contracts_app.models import Invoice
    from contracts_app.services.outbox.messages import invoice_email
    from contracts_app.services.outbox.queueing import queue_many

    invoices = db.session.scalars(select(Invoice).where(Invoice.kind == "invoice").order_by(Invoice.id)
                                  .limit(min(n, invoices_used))).all()
    with Timer() as t:
        emails = [invoice_email(invoices[i % len(invoices)], []) for i in range(min(n, len(invoices)))]
        batch = []
        for i in range(n):
            email = emails[i % len(emails)]
            batch.append(replace(email, recipients=[f"bursar{i}@school{i}.example"], key=f"bench:{i}"))
            if len(batch) == 200:
                queue_many(batch)
                db.session.commit()
                batch = []
        queue_many(batch)
        db.session.commit()
    return t.seconds


def bench_outbox(url: str) -> dict:
    from aiosmtpd.controller import Controller

    from contracts_app.models.types import utcnow
    from contracts_app.services import outbox

    n = int(os.environ.get("BENCH_EMAILS", "1000"))
    invoices_used = int(os.environ.get("BENCH_EMAIL_INVOICES", "100"))
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    handler = _DroppingHandler(drop_every=10)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app = make_app(url)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=10,
                      OUTBOX_RETRY_MINUTES="1,1,1,1,1,1,1,1,1,1")
    try:
        with app.app_context():
            queue_seconds = _queue(n, invoices_used)
            now, passes, failed = utcnow(), 0, 0
            with Timer() as t:
                while True:  # each pass sends what is due; the retries become due a minute later
                    report = outbox.send_due(now=now)
                    passes += 1
                    failed += len(report.failed)
                    if not report.sent and not report.retrying:
                        break
                    now += timedelta(minutes=2)
    finally:
        controller.stop()
    expected = {f"bursar{i}@school{i}.example" for i in range(n)}
    delivered = set(handler.delivered)
    return {"seconds": t.seconds, "n": n, "queue_seconds": round(queue_seconds, 3), "pdfs": min(n, invoices_used),
            "passes": passes,
            "dropped": handler.seen // 10, "lost": len(expected - delivered), "failed": failed,
            "duplicated": sum(count - 1 for count in handler.delivered.values() if count > 1)}
