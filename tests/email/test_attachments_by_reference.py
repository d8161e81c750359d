"""Attachments by reference: an invoice run queues, the sender renders each PDF once, a retry
re-uses the stored file, and a reference to something gone fails the message, never sends it bare."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, OutboxAttachment, OutboxMessage
from contracts_app.models.types import utcnow
from contracts_app.services import outbox
from contracts_app.services.invoicing import documents as invoice_documents
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.outbox import attachments
from tests.email.test_invoice_emails import _world
from tests.email.test_messages import contact, issue


@pytest.fixture
def renders(monkeypatch):
    """Counts invoice PDFs rendered anywhere (the domain renderer every invoice PDF goes through)."""
    calls: list[str] = []
    real = invoice_documents.render_invoice_pdf

    def counting(document, issuer):
        calls.append(document.number)
        return real(document, issuer)

    monkeypatch.setattr(invoice_documents, "render_invoice_pdf", counting)
    return calls


@pytest.fixture
def run_world(app, make_school):
    maintained, academy, lonely = _world(make_school)
    contact(maintained, "pat@allesley.example", invoices=True)
    contact(academy, "sam@cardinal.example", invoices=True)
    return maintained, academy


def _run():
    return invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")


def test_an_invoice_run_renders_no_pdf_and_the_sender_renders_one_per_message(run_world, renders, smtp_server):
    _run()
    assert renders == []  # the run only queued
    stored = db.session.scalars(select(OutboxAttachment)).all()
    assert len(stored) == 2 and all(a.render_kind == "invoice_pdf" and a.sha256 is None for a in stored)
    report = outbox.send_due()
    assert len(report.sent) == 2
    numbers = sorted(db.session.scalars(select(Invoice.number).where(Invoice.school_urn.in_([103700, 140001]))))
    assert sorted(renders) == numbers  # one per message, at send
    assert all(a.sha256 and a.size for a in db.session.scalars(select(OutboxAttachment)))


def test_two_contacts_of_one_school_get_one_rendering_of_its_invoice(run_world, renders, smtp_server):
    contact(run_world[0], "finance@allesley.example", invoices=True)
    _run()
    assert len(outbox.send_due().sent) == 3
    assert len(renders) == 2  # Allesley's invoice once for both of its contacts
    [first], [second] = smtp_server.to("pat@allesley.example"), smtp_server.to("finance@allesley.example")
    assert first.attachments() == second.attachments()


def test_the_delivered_pdf_names_the_invoice_number_and_amount(run_world, smtp_server):
    _run()
    outbox.send_due()
    invoice = db.session.scalar(select(Invoice).where(Invoice.school_urn == 103700))
    [message] = smtp_server.to("pat@allesley.example")
    text = message.pdf_text(f"{invoice.number}.pdf")
    assert invoice.number in text and f"£{invoice.gross:,.2f}" in text and "Allesley Primary School" in text


def test_a_retry_reuses_the_stored_file_and_delivers_exactly_once(run_world, renders, smtp_server):
    _run()
    smtp_server.refuse_next = 1
    first = outbox.send_due(limit=1)
    assert first.sent == [] and first.retrying[0][3].startswith("451")
    message = db.session.get(OutboxMessage, first.retrying[0][0])
    [attachment] = message.attachments
    digest, rendered = attachment.sha256, len(renders)
    assert digest is not None and rendered == 1  # rendered and kept before the refused conversation
    later = outbox.send_due(now=utcnow() + timedelta(minutes=2))
    assert message.id in [m for m, _, _ in later.sent]
    db.session.refresh(attachment)
    assert attachment.sha256 == digest
    assert renders.count(attachment.filename.removesuffix(".pdf")) == 1  # not rendered again
    [delivered] = smtp_server.to(message.recipient)
    assert hashlib.sha256(delivered.attachments()[attachment.filename]).hexdigest() == digest
    assert outbox.send_due(now=utcnow() + timedelta(hours=1)).sent == []
    assert len(smtp_server.to(message.recipient)) == 1


def test_a_reference_to_something_gone_fails_the_message_with_a_clear_error(app, smtp_server, monkeypatch):
    outbox.queue("test_message", concerns=("invoice", 999999), recipients=["bursar@school.example"],
                 template="test_message", context={"name": "Ada", "amount": 5},
                 attachments=[outbox.AttachmentRef("invoice_pdf", 999999, "INV-GONE.pdf")])
    db.session.commit()
    report = outbox.send_due()
    assert report.sent == [] and len(report.failed) == 1
    message = db.session.scalar(select(OutboxMessage))
    assert message.state == "failed" and message.claimed_at is None
    assert "INV-GONE.pdf (invoice_pdf 999999)" in message.last_error
    assert "invoice 999999 no longer exists" in message.last_error
    assert message.attachments[0].sha256 is None
    assert smtp_server.received == []
    assert outbox.send_due(now=utcnow() + timedelta(days=1)).sent == []  # failed: never sent bare


def test_a_renderer_that_raises_fails_the_message_and_an_unknown_kind_is_named(app, smtp_server, monkeypatch):
    def broken(object_id):
        raise RuntimeError("template missing")

    monkeypatch.setitem(attachments._renderers, "statement_pdf", broken)
    for kind in ("statement_pdf", "no_such_kind"):
        outbox.queue("test_message", concerns=("user", 1), recipients=[f"{kind}@school.example"],
                     template="test_message", context={"name": "Ada", "amount": 5},
                     attachments=[outbox.AttachmentRef(kind, 1, f"{kind}.pdf")])
    db.session.commit()
    report = outbox.send_due()
    errors = {to: error for _, to, _, error in report.failed}
    assert "could not be rendered: template missing" in errors["statement_pdf@school.example"]
    assert "no renderer for attachments of kind 'no_such_kind'" in errors["no_such_kind@school.example"]
    assert smtp_server.received == []


def test_each_registered_kind_renders_its_document(run_world):
    _run()
    invoice = db.session.scalar(select(Invoice).where(Invoice.school_urn == 103700))
    filename, content, mimetype = attachments.render("invoice_pdf", invoice.id)
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf") and content.startswith(b"%PDF")
    filename, content, _ = attachments.render("statement_pdf", invoice.school_id)
    assert content.startswith(b"%PDF")
    with pytest.raises(attachments.AttachmentGone, match="credit note"):
        attachments.render("credit_note_pdf", invoice.id)  # an invoice is not a credit note
    with pytest.raises(attachments.AttachmentGone, match="agreement 999999 no longer exists"):
        attachments.render("agreement_pdf", 999999)
    with pytest.raises(attachments.AttachmentGone, match="ad hoc request 999999 no longer exists"):
        attachments.render("adhoc_report_pdf", 999999)
    assert set(attachments.kinds()) >= {"invoice_pdf", "credit_note_pdf", "agreement_pdf", "statement_pdf",
                                        "adhoc_report_pdf"}


def test_an_issued_agreement_is_queued_by_reference_and_rendered_when_sent(app, make_school, smtp_server,
                                                                             monkeypatch):
    from contracts_app.services import documents as document_service
    from tests.agreements_fixtures import add_census, build_priced_world

    calls = []
    real = document_service.render_pdf
    monkeypatch.setattr(document_service, "render_pdf", lambda doc: calls.append(1) or real(doc))
    build_priced_world(2025)
    school = make_school(urn=103700, name="Allesley Primary School")
    add_census(school, "2025-01", 412)
    contact(school, "head@allesley.example", agreements=True)
    issue(school)
    [attachment] = db.session.scalars(select(OutboxAttachment)).all()
    assert (attachment.render_kind, attachment.sha256, calls) == ("agreement_pdf", None, [])
    outbox.send_due()
    [message] = smtp_server.received
    assert "Service Level Agreement" in message.pdf_text(attachment.filename) and len(calls) == 1


def test_the_outbox_page_shows_a_reference_as_rendered_when_sent(run_world, client, login, smtp_server):
    _run()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "pat@allesley.example"))
    [attachment] = message.attachments
    login("admin")
    assert "rendered when sent" in client.get("/admin/outbox/").get_data(as_text=True)
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert f"{attachment.filename} <span class=\"muted\">(rendered when sent)</span>" in page
    download = client.get(f"/admin/outbox/{message.id}/attachments/{attachment.id}")
    assert download.status_code == 404  # nothing to download yet; viewing renders nothing
    outbox.send_due()
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "rendered when sent" not in page and "SHA-256" in page
    assert client.get(f"/admin/outbox/{message.id}/attachments/{attachment.id}").data.startswith(b"%PDF")
