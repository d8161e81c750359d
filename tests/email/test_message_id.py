"""Delivery is at least once (docs/email.md): every message has one Message-ID, made when it is
queued and sent with every attempt, so a receiving system can drop the copy it already has."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import OutboxMessage
from contracts_app.models.types import utcnow
from contracts_app.services import outbox


def _queue(recipients=("bursar@school.example",)) -> list[OutboxMessage]:
    rows = outbox.queue("test_message", concerns=("user", 1), recipients=list(recipients), template="test_message",
                        context={"name": "Ada", "amount": Decimal("12.50")})
    db.session.commit()
    return rows


def test_a_server_that_took_the_message_but_died_before_250_gets_it_again_with_the_same_id(app, smtp_server):
    smtp_server.keep_then_drop = 1
    [message] = _queue()
    first = outbox.send_due()
    assert first.sent == [] and len(first.retrying) == 1  # the sender cannot know the server kept it
    again = outbox.send_due(now=utcnow() + timedelta(minutes=2))
    assert len(again.sent) == 1
    db.session.refresh(message)
    assert (message.state, message.attempts) == ("sent", 2)
    ids = [received.message["Message-ID"] for received in smtp_server.to("bursar@school.example")]
    assert ids == [message.message_id, message.message_id]  # two copies, one id: the second can be dropped


def test_each_message_has_its_own_id_in_the_senders_domain_made_once(app, smtp_server):
    app.config["MAIL_DEFAULT_SENDER"] = "SLA team <sla-invoices@coventry.gov.uk>"
    rows = _queue(["a@school.example", "b@school.example"])
    ids = [row.message_id for row in rows]
    assert len(set(ids)) == 2 and all(i.startswith("<") and i.endswith("@coventry.gov.uk>") for i in ids)
    again = outbox.queue("test_message", concerns=("user", 1), recipients=["a@school.example"],
                         template="test_message", context={"name": "Ada", "amount": Decimal("12.50")})
    assert again[0].message_id == ids[0]  # queued again: the same row, the same id
    outbox.send_due()
    sent = {r.envelope_to[0]: r.message["Message-ID"] for r in smtp_server.received}
    assert sent == {"a@school.example": ids[0], "b@school.example": ids[1]}
    assert set(db.session.scalars(select(OutboxMessage.message_id))) == set(ids)
