"""The Outbox (admin only) and the password links sent by email (open to anyone, signed in or not)."""
from __future__ import annotations


from contracts_app.extensions import db
from contracts_app.models import OutboxAttachment, OutboxMessage
from contracts_app.services import blobs

ANY = {"admin", "sla", "finance", "school"}

EXPECTED = {
    "outbox.index": {"admin"},
    "outbox.show": {"admin"},
    "outbox.html": {"admin"},
    "outbox.attachment": {"admin"},
    "outbox.retry": {"admin"},
    "outbox.retry_chosen": {"admin"},
    "auth.forgot_password": ANY,
    "auth.reset_password": ANY,
    "auth.set_password": ANY,
}
PUBLIC = {"auth.forgot_password", "auth.reset_password", "auth.set_password"}


def world(own, other) -> dict:
    """A failed message with a PDF attachment (stored as the outbox stores it)."""
    content = b"%PDF-1.4 test"
    digest = blobs.put(content, "application/pdf")
    message = OutboxMessage(key="test:user:1:a@x.example", purpose="test", concerns_type="user", concerns_id=1,
                            recipient="a@x.example", subject="A test", body_text="Hello", body_html="<p>Hello</p>",
                            state="failed", attempts=6, last_error="550 no such user",
                            attachments=[OutboxAttachment(filename="a.pdf", mimetype="application/pdf",
                                                          sha256=digest, size=len(content))])
    db.session.add(message)
    db.session.commit()
    return {"message_id": message.id, "attachment_id": message.attachments[0].id, "token": "not-a-valid-link"}
