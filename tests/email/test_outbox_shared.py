"""Bulk email shared by every consumer (issue #33): each commit that queues messages queues a send task,
which any consumer takes, and senders running at once split the messages by a conditional claim -
each message is sent once, whoever sends it."""
from __future__ import annotations

import threading

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import OutboxMessage
from contracts_app.services import outbox

MESSAGES = 30


def test_two_senders_at_once_send_each_message_once(app, smtp_server):
    outbox.queue("test_message", concerns=("user", 1), recipients=[f"bursar{i}@school.example" for i in range(MESSAGES)],
                 template="test_message", context={"name": "Ada", "amount": "1.00"})
    db.session.commit()
    start, reports, errors = threading.Barrier(2), [], []

    def sender() -> None:
        with app.app_context():
            try:
                start.wait(timeout=10)
                reports.append(outbox.send_due())
            except Exception as exc:  # shown by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(reports) == 2
    sent = [entry[0] for report in reports for entry in report.sent]
    assert len(sent) == len(set(sent)) == MESSAGES  # between them, every message, none twice
    received = sorted(message.to for message in smtp_server.received)
    assert received == sorted(f"bursar{i}@school.example" for i in range(MESSAGES))
    db.session.expire_all()
    states = db.session.execute(select(OutboxMessage.state, OutboxMessage.attempts)).all()
    assert states == [("sent", 1)] * MESSAGES
