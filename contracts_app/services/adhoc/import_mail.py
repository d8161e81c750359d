"""The emails of an ad hoc requests import, queued in batches (issue #27).

The pages queue one request's email at a time (services/outbox/messages.py); an import of
40,000 rows doing the same made a handful of queries per row. Here the recipients of a
batch are read in one query and the batch is queued with one look-up of the keys already
there. Each request gets the email of where the import left it, as the pages would send:
an estimate waiting for the school (the estimate attached by reference, rendered by the
sender) or the confirmation of a written authorisation (an estimate that is already
authorised asks the school for nothing). The outbox subscribes ``requests_imported`` to
``adhoc.requests_imported`` (services/outbox/hooks.py).
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models import AdHocRequest
from contracts_app.services.adhoc.documents import estimate_pdf
from contracts_app.services.contacts import contacts_by_school
from contracts_app.services.imports import chunked
from contracts_app.services.outbox.attachments import AttachmentGone, register
from contracts_app.services.outbox.links import external_url
from contracts_app.services.outbox.queueing import AttachmentRef, QueuedEmail, queue_many

ESTIMATE_PDF = "adhoc_estimate_pdf"


def estimate_attachment(request_id: int) -> tuple[str, bytes, str]:
    """A request's estimate (§7.3) as it stands when the email is sent."""
    request = db.session.get(AdHocRequest, request_id)
    content = estimate_pdf(request) if request is not None else None
    if content is None:
        raise AttachmentGone(f"ad hoc request {request_id} no longer exists or has no estimate")
    return f"estimate-{request.reference}.pdf", content, "application/pdf"


register(ESTIMATE_PDF, estimate_attachment)


def _email(request: AdHocRequest, notices: list[str]) -> QueuedEmail | None:
    if request.status == "estimated" and notices:
        context = {"request": request, "link": external_url("adhoc.authorise", request_id=request.id)}
        key = f"estimate_ready:request:{request.id}:{request.estimated_at:%Y%m%d%H%M%S}"
        return QueuedEmail("estimate_ready", ("request", request.id), notices, "estimate_ready", context,
                           [AttachmentRef(ESTIMATE_PDF, request.id, f"estimate-{request.reference}.pdf")], key)
    if request.status == "authorised":
        context = {"request": request, "link": external_url("adhoc.show", request_id=request.id)}
        return QueuedEmail("authorisation_confirmed", ("request", request.id),
                           [*notices, current_app.config["SLA_TEAM_EMAIL"]], "authorisation_confirmed", context)
    return None


def requests_imported(request_ids: list[int], batch: int = 500) -> None:
    """Queue the emails of the imported requests, a batch at a time, in the import's transaction."""
    for chunk in chunked(request_ids, batch):
        requests = list(db.session.scalars(select(AdHocRequest).where(AdHocRequest.id.in_(chunk))
                                           .options(selectinload(AdHocRequest.school))))
        notices = contacts_by_school({r.school_id for r in requests}, "notices")
        emails = [email for r in requests if (email := _email(r, notices.get(r.school_id, []))) is not None]
        if emails:
            queue_many(emails)
