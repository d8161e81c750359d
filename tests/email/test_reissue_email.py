"""A re-issue tells the school (issue #31): the agreement contacts get the re-issued SLA by email, naming the
version it moves to and each service level that changes, with the new document attached; once per version,
through the real SMTP server."""
from __future__ import annotations

from sqlalchemy import func, select

from contracts_app.models import OutboxMessage
from contracts_app.extensions import db
from contracts_app.services import outbox
from contracts_app.services.agreements.reissuing import reissue_agreement
from pricing.errors import ActionRefused
from tests.app.test_reissue import fresh, world  # noqa: F401 - the fixture
from tests.email.test_messages import contact


def test_the_agreement_contacts_get_the_reissued_document_once(world, smtp_server):  # noqa: F811
    contact(world.school, "head@cardinal.example", agreements=True)
    contact(world.school, "bursar@cardinal.example", invoices=True)  # not an agreement contact
    outbox.send_due()
    smtp_server.received.clear()  # the issue's own email, if any
    reissue_agreement(fresh(world.id), "sla@test")
    outbox.send_due()
    [message] = smtp_server.received
    assert message.envelope_to == ["head@cardinal.example"]
    assert message.subject == f"Your service level agreement {world.name} re-issued under version 3.1"
    assert "it was v3.0" in message.text and "prices, services and term are unchanged" in message.text
    assert "Priority 1 incidents: 0-2 service desk hours → 0-3 service desk hours" in message.text
    [filename] = message.attachments()
    text = " ".join(message.pdf_text(filename).split())
    assert "SLA document version 3.1" in text and "0 - 3 Service Desk Hours" in text
    # Refused a second time (already on the newest version): no second email.
    try:
        reissue_agreement(fresh(world.id), "sla@test")
    except ActionRefused:
        pass
    outbox.send_due()
    assert len(smtp_server.received) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.purpose == "agreement_reissued")) == 1


def test_a_refused_reissue_queues_nothing(world, smtp_server):  # noqa: F811
    contact(world.school, "head@cardinal.example", agreements=True)
    reissue_agreement(fresh(world.id), "sla@test")
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    try:
        reissue_agreement(fresh(world.id), "sla@test")
        raise AssertionError("a second re-issue under the same version must be refused")
    except ActionRefused:
        pass
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before
