"""The email outbox: other areas queue messages here, the job queue sends them.

    from contracts_app.services import outbox
    outbox.queue("invoice_issued", concerns=("invoice", invoice.id), recipients=["a@school.sch.uk"],
                 template="invoice_issued", context={...},
                 attachments=[("INV-1.pdf", pdf_bytes, "application/pdf")])
    # or by reference, rendered by the sender just before sending:
    #            attachments=[outbox.AttachmentRef("invoice_pdf", invoice.id, "INV-1.pdf")]

``queue`` adds one row per recipient to the caller's transaction (it never commits); the
send is scheduled once that transaction commits. See docs/email.md.
"""
from contracts_app.services.outbox import renderers  # noqa: F401 - registers the PDFs attached by reference
from contracts_app.services.outbox.queueing import (Attachment, AttachmentRef, message_key, queue, queue_many,
                                                    QueuedEmail)
from contracts_app.services.outbox.sending import SendReport, mail_configured, send_due

__all__ = ["Attachment", "AttachmentRef", "QueuedEmail", "SendReport", "mail_configured", "message_key", "queue",
           "queue_many", "send_due"]
