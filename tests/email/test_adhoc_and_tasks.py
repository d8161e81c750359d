"""An ad hoc rework invoice carries its §9.5 report; the job queue sends after the commit that queued."""
from __future__ import annotations

from sqlalchemy import select

from contracts_app import queue as job_queue
from contracts_app.extensions import db
from contracts_app.models import Invoice, KeyStakeholder
from contracts_app.services import outbox
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.outbox import tasks
from tests.app.test_adhoc import world  # noqa: F401 - fixture
from tests.app.test_adhoc_invoicing import ISSUE, completed


def test_a_rework_invoice_is_emailed_with_the_section_9_5_report_attached(world, smtp_server):  # noqa: F811
    db.session.add(KeyStakeholder(school=world.academy, name="Sam", role="Finance", email="sam@cardinal.example",
                                  invoices=True, agreements=False, notices=False))
    db.session.commit()
    completed(world.academy, "SR7", "rework", minutes=(120, 45), hours=None, third_party="BrightSpark AV Ltd",
              report="BrightSpark replaced the core switch configuration without approval.")
    invoice_run.run(2025, "autumn", ISSUE, "f")
    outbox.send_due()
    invoice = db.session.scalar(select(Invoice).where(Invoice.adhoc_request_id.is_not(None)))
    [message] = smtp_server.to("sam@cardinal.example")
    assert invoice.number in message.subject
    assert set(message.attachments()) == {f"{invoice.number}.pdf", f"{invoice.number}-report-SR7.pdf"}
    report = message.pdf_text(f"{invoice.number}-report-SR7.pdf")
    assert "Report on rework" in report and f"Invoice: {invoice.number}" in report
    assert "REPORT ON REWORK (SLA §9.5)" in message.pdf_text(f"{invoice.number}.pdf")


def test_a_commit_that_queued_messages_has_the_job_queue_send_them(app, smtp_server, monkeypatch):
    app.config["OUTBOX_SEND_ON_COMMIT"] = True
    monkeypatch.setattr(job_queue.huey, "immediate", True)  # the task runs at once, as a worker would
    job_queue.set_app(app)
    outbox.queue("test_message", concerns=("user", 1), recipients=["a@x.example"], template="test_message",
                 context={"name": "A", "amount": 1})
    assert smtp_server.received == []  # nothing before the commit
    db.session.commit()
    [message] = smtp_server.to("a@x.example")
    assert message.subject == "Hello A"


def test_the_periodic_tasks_are_registered(app):
    periodic = job_queue.huey._registry._periodic_tasks
    assert {tasks.send_periodically.task_class, tasks.queue_reminders.task_class} <= set(periodic)
