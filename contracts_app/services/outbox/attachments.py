"""Attachments by reference: queued as (kind, object id, filename), rendered by the sender.

An invoice run queues tens of thousands of messages; rendering each PDF there (about 150 ms)
would spend minutes inside the run's transaction. So the run queues a reference, and
send_due renders it just before the SMTP conversation, stores it by its SHA-256 like any
attachment and commits that, so a retry sends the very file it first tried, never a newer
rendering. A document already rendered for another recipient of the same object is re-used.

Renderers are registered by kind (services/outbox/renderers.py registers the app's PDFs):
``register("invoice_pdf", fn)`` where ``fn(object_id) -> (filename, bytes, mimetype)``.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models.outbox import OutboxAttachment, OutboxMessage
from contracts_app.services import blobs
from contracts_app.services.outbox.queueing import write_file

Renderer = Callable[[int], tuple[str, bytes, str]]
_renderers: dict[str, Renderer] = {}


class AttachmentGone(LookupError):
    """What the attachment is of no longer exists (or cannot be rendered): the message must not go."""


def register(kind: str, renderer: Renderer) -> None:
    """Render attachments of this kind with `renderer(object_id)`."""
    _renderers[kind] = renderer


def kinds() -> list[str]:
    return sorted(_renderers)


def render(kind: str, object_id: int) -> tuple[str, bytes, str]:
    """(filename, content, mimetype) of one reference; AttachmentGone when there is nothing to render."""
    renderer = _renderers.get(kind)
    if renderer is None:
        raise AttachmentGone(f"no renderer for attachments of kind {kind!r}")
    return renderer(object_id)


def ensure_rendered(message: OutboxMessage) -> int:
    """Give every reference of the message its stored file; how many were rendered now.

    A reference already stored keeps its file (a retry sends what the first attempt tried).
    Raises AttachmentGone, naming the attachment and why, when one cannot be rendered.
    """
    rendered = 0
    for attachment in message.attachments:
        if attachment.stored or attachment.render_kind is None:
            continue
        content = _already_rendered(attachment)
        if content is None:
            try:
                _, content, _ = render(attachment.render_kind, attachment.render_id)
            except Exception as exc:  # whatever the renderer met: this message must not go without it
                raise AttachmentGone(describe_failure(attachment, exc)) from exc
            rendered += 1
        attachment.sha256, attachment.size = write_file(content, attachment.mimetype), len(content)
    return rendered


def _already_rendered(attachment: OutboxAttachment) -> bytes | None:
    """The same document stored for another recipient (one rendering per document, not per message)."""
    if attachment.render_kind is None:
        return None
    digests = db.session.scalars(select(OutboxAttachment.sha256).where(
        OutboxAttachment.render_kind == attachment.render_kind, OutboxAttachment.render_id == attachment.render_id,
        OutboxAttachment.sha256.is_not(None), OutboxAttachment.id != attachment.id).limit(5))
    for digest in digests:
        try:
            return blobs.get(digest)
        except blobs.BlobMissing:
            continue
    return None


def describe_failure(attachment: OutboxAttachment, exc: Exception) -> str:
    """The message's last_error when one of its attachments could not be rendered."""
    reason = str(exc) or type(exc).__name__
    return (f"not sent: its attachment {attachment.filename} ({attachment.render_kind} {attachment.render_id}) "
            f"could not be rendered: {reason}")[:1000]
