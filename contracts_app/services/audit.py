"""The audit trail: every change to an audited model is recorded as it is flushed.

Models opt in with ``__audited__ = True``. Recording happens in the session's
after_flush hook so no service can forget it; bulk paths that bypass the ORM call
``record_many`` themselves.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import Select, event, insert, inspect, select
from sqlalchemy.orm import Session

from contracts_app.extensions import db
from contracts_app.models import AuditEvent
from contracts_app.models.types import utcnow
from contracts_app.services.queries import Page, Sort, paginate, sorted_by
from pricing.spreadsheet import Column, Download, download

_cli_actor: ContextVar[str] = ContextVar("audit_cli_actor", default="system")
SKIPPED_FIELDS = {"updated_at", "created_at", "name_lower", "postcode_compact", "password_hash"}


@contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Attribute changes made outside a request (CLI, demo) to ``label``."""
    token = _cli_actor.set(label)
    try:
        yield
    finally:
        _cli_actor.reset(token)


def current_actor() -> tuple[int | None, str]:
    """Who is acting: the signed-in user (id, email), or the command line's label."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, _cli_actor.get()


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _entity_type(obj: Any) -> str:
    return type(obj).__name__


def _entity_id(obj: Any) -> str:
    # New rows have their primary key once flushed but no identity key until the flush ends.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key) if all(part is not None for part in key) else "?"


def _describe(obj: Any) -> str:
    for attr in ("name", "title", "number", "email", "urn"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return ""


def _changes(obj: Any) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED_FIELDS:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[attr.key] = [_plain(old), _plain(new)]
    return changes


def _snapshot(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in state.mapper.column_attrs
        if attr.key not in SKIPPED_FIELDS
    }


def record_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert audit rows in one statement (bulk paths). Each row: action, entity_type,
    entity_id, summary, changes."""
    if not rows:
        return
    actor_id, actor_label = current_actor()
    now = utcnow()
    session.execute(
        insert(AuditEvent.__table__),  # Core: the ORM's bulk bookkeeping costs more than the insert
        [
            {"at": now, "actor_id": actor_id, "actor_label": actor_label, "changes": None, **row}
            for row in rows
        ],
    )


def record(action: str, entity_type: str, entity_id: str | int, summary: str,
           changes: dict | None = None) -> None:
    """Record one explicit event (an import, a login, a run) in the current transaction."""
    record_many(db.session, [{
        "action": action, "entity_type": entity_type, "entity_id": str(entity_id),
        "summary": summary, "changes": changes,
    }])


def _before_flush(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise RuntimeError("the audit trail is append-only")


def _after_flush(session: Session, flush_context: object) -> None:
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            rows.append({"action": "create", "entity_type": _entity_type(obj),
                         "entity_id": _entity_id(obj), "summary": _describe(obj),
                         "changes": _snapshot(obj)})
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj, include_collections=False):
            changes = _changes(obj)
            if changes:
                rows.append({"action": "update", "entity_type": _entity_type(obj),
                             "entity_id": _entity_id(obj), "summary": _describe(obj),
                             "changes": changes})
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            rows.append({"action": "delete", "entity_type": _entity_type(obj),
                         "entity_id": _entity_id(obj), "summary": _describe(obj),
                         "changes": _snapshot(obj)})
    if rows:
        actor_id, actor_label = current_actor()
        now = utcnow()
        session.connection().execute(
            insert(AuditEvent.__table__),
            [{"at": now, "actor_id": actor_id, "actor_label": actor_label, **row} for row in rows],
        )


def install(session_factory: type[Session]) -> None:
    """Hook the recorder into every session the app makes (called once by create_app)."""
    if not event.contains(session_factory, "before_flush", _before_flush):
        event.listen(session_factory, "before_flush", _before_flush)
        event.listen(session_factory, "after_flush", _after_flush)


# -- reading the trail ----------------------------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters; empty ones are left out. ``end`` is exclusive."""

    entity: str = ""
    entity_id: str = ""
    actor: str = ""  # part of the actor's label, in any case
    action: str = ""
    start: datetime | None = None
    end: datetime | None = None


SORT_KEYS = ("when", "by", "action", "record")
EXPORT_COLUMNS = (Column("at"), Column("by"), Column("action"), Column("record"), Column("record_id"),
                  Column("summary"), Column("changes"))


def _events(f: AuditFilter, sort: Sort | None) -> Select:
    query = select(AuditEvent)
    if f.entity:
        query = query.where(AuditEvent.entity_type == f.entity)
    if f.entity_id:
        query = query.where(AuditEvent.entity_id == f.entity_id)
    if f.actor:
        query = query.where(AuditEvent.actor_label.contains(f.actor.strip().lower()))
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.start:
        query = query.where(AuditEvent.at >= f.start)
    if f.end:
        query = query.where(AuditEvent.at < f.end)
    columns = {"when": AuditEvent.at, "by": AuditEvent.actor_label, "action": AuditEvent.action,
               "record": AuditEvent.entity_type}
    return sorted_by(query, sort or Sort("when", descending=True), columns, (AuditEvent.at.desc(), AuditEvent.id.desc()))


def search(f: AuditFilter, page: int, per_page: int, sort: Sort | None = None) -> tuple[Page, list[str]]:
    """One page of the matching events, newest first unless another column is chosen, and every entity type
    the trail names."""
    result = paginate(_events(f, sort), page, per_page)
    entities = list(db.session.scalars(select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)))
    return result, entities


def export(f: AuditFilter, sort: Sort | None, fmt: str) -> Download:
    """The matching events, in the page's order, as CSV or XLSX (times in UTC, ISO 8601; changes as JSON)."""
    rows = ([e.at.isoformat(timespec="seconds"), e.actor_label, e.action, e.entity_type, e.entity_id, e.summary,
             json.dumps(e.changes, default=str, ensure_ascii=False) if e.changes else ""]
            for e in db.session.scalars(_events(f, sort)))
    return download(EXPORT_COLUMNS, rows, "audit-trail", fmt)
