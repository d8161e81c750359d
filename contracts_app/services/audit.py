"""The audit trail: every change to an audited model is recorded as it is flushed.

Models opt in with ``__audited__ = True``. Recording happens in the session's
after_flush hook so no service can forget it; bulk paths that bypass the ORM call
``record_many`` themselves.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from contracts_app.extensions import db
from contracts_app.models import AuditEvent
from contracts_app.models.types import utcnow

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
        insert(AuditEvent),
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


def _before_flush(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise RuntimeError("the audit trail is append-only")


def _after_flush(session: Session, flush_context) -> None:
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


def install(session_factory) -> None:
    """Hook the recorder into every session the app makes (called once by create_app)."""
    if not event.contains(session_factory, "before_flush", _before_flush):
        event.listen(session_factory, "before_flush", _before_flush)
        event.listen(session_factory, "after_flush", _after_flush)
