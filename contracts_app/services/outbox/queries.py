"""Reading the outbox (the admin page, `outbox list`) and an operator's retry of a failed message."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models.outbox import OUTBOX_STATES, OutboxMessage
from contracts_app.models.types import utcnow
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from contracts_app.services.transactions import refusal_rolls_back
from pricing.errors import ActionRefused
from pricing.spreadsheet import Column, Download, download


@dataclass(frozen=True)
class OutboxFilter:
    state: str = ""
    purpose: str = ""
    q: str = ""  # part of a recipient's address or of a subject


def check_state(state: str) -> str:
    state = (state or "").strip()
    if state and state not in OUTBOX_STATES:
        raise ActionRefused(f"state must be one of {', '.join(OUTBOX_STATES)}, not {state!r}")
    return state


SORT_KEYS = ("id", "queued", "to", "subject", "concerns", "state", "attempts")
MAX_CHOSEN = 500  # a page is 50; a longer list of ids is not a person's choice


EXPORT_COLUMNS = (Column("id", "whole"), Column("queued"), Column("to"), Column("subject"), Column("purpose"),
                  Column("concerns"), Column("concerns_id", "whole"), Column("state"), Column("attempts", "whole"),
                  Column("sent"), Column("last_error"))


def export_messages(filters: OutboxFilter, sort: Sort | None, fmt: str) -> Download:
    """The messages the filters find, in the page's order, as CSV or XLSX (times in UTC; no bodies)."""
    rows = ([m.id, m.created_at.isoformat(timespec="seconds"), m.recipient, m.subject, m.purpose, m.concerns_type,
             m.concerns_id, m.state, m.attempts, m.sent_at.isoformat(timespec="seconds") if m.sent_at else "",
             m.last_error or ""] for m in db.session.scalars(_query(filters, sort)))
    return download(EXPORT_COLUMNS, rows, "outbox", fmt)


def messages(filters: OutboxFilter, page: int = 1, per_page: int = 50, sort: Sort | None = None) -> Page:
    """Newest first unless another column is chosen, with their attachments."""
    return paginate(_query(filters, sort), page, per_page)


def _query(filters: OutboxFilter, sort: Sort | None) -> Select:
    query = select(OutboxMessage).options(selectinload(OutboxMessage.attachments))
    if filters.state:
        query = query.where(OutboxMessage.state == check_state(filters.state))
    if filters.purpose:
        query = query.where(OutboxMessage.purpose == filters.purpose)
    if filters.q.strip():
        text = f"%{filters.q.strip().lower()}%"
        query = query.where(func.lower(OutboxMessage.recipient).like(text) | func.lower(OutboxMessage.subject).like(text))
    columns = {"id": OutboxMessage.id, "queued": OutboxMessage.created_at, "to": func.lower(OutboxMessage.recipient),
               "subject": func.lower(OutboxMessage.subject), "concerns": OutboxMessage.concerns_type,
               "state": OutboxMessage.state, "attempts": OutboxMessage.attempts}
    return sorted_by(query, sort or Sort("id", descending=True), columns, (OutboxMessage.id.desc(),))


def counts() -> dict[str, int]:
    """Messages per state (every state listed, zero included)."""
    found = dict(db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    return {state: found.get(state, 0) for state in OUTBOX_STATES}


def purposes() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.purpose).distinct().order_by(OutboxMessage.purpose)))


def get(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)


def for_object(concerns_type: str, concerns_id: int) -> list[OutboxMessage]:
    """What was queued about one object (an invoice's page shows who it was emailed to)."""
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.concerns_type == concerns_type, OutboxMessage.concerns_id == concerns_id,
    ).order_by(OutboxMessage.id)))


@refusal_rolls_back
def retry(message_id: int) -> OutboxMessage:
    """Queue a failed message again, now (the operator has checked it did not arrive)."""
    message = get(message_id)
    if message is None:
        raise ActionRefused(f"no outbox message {message_id}")
    if message.state != "failed":
        raise ActionRefused(f"message {message_id} is {message.state}: only a failed message can be retried")
    message.state, message.next_attempt_at, message.claimed_at = "queued", utcnow(), None
    db.session.info["outbox_queued"] = True
    db.session.commit()
    return message


def chosen_failed(ids: list[int]) -> list[OutboxMessage]:
    """The messages chosen to send again: all of them failed, or refused naming those that are not."""
    if not ids:
        raise ActionRefused("choose at least one failed message")
    if len(ids) > MAX_CHOSEN:
        raise ActionRefused(f"choose at most {MAX_CHOSEN} messages at a time, not {len(ids)}")
    found = {m.id: m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(set(ids))))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise ActionRefused(f"no outbox message {', '.join(map(str, missing[:10]))}")
    not_failed = [f"#{m.id} is {m.state}" for m in sorted(found.values(), key=lambda m: m.id) if m.state != "failed"]
    if not_failed:
        raise ActionRefused(f"only failed messages can be sent again: {'; '.join(not_failed[:10])}")
    return sorted(found.values(), key=lambda m: m.id)


@refusal_rolls_back
def retry_many(ids: list[int]) -> int:
    """Queue the chosen failed messages again, all or none (one of them sent or queued meanwhile: none)."""
    chosen = chosen_failed(ids)
    now = utcnow()
    for message in chosen:
        message.state, message.next_attempt_at, message.claimed_at = "queued", now, None
    db.session.info["outbox_queued"] = True
    db.session.commit()
    return len(chosen)
