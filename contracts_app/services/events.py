"""What has happened, for whoever wants to know: an area emits, another subscribes.

The outbox (services/outbox/hooks.py) subscribes at start-up to send the emails that go with
an invoice, an agreement, an estimate or a notice, so those areas need not import it (the
outbox imports their documents, which would be an import circle). Handlers run in the
emitter's transaction: what they add commits or rolls back with it. Subscriptions belong to
the Flask app (app.extensions["events"]); nothing here imports the rest of the application.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

# Event names, in one place so a typo is a KeyError at start-up rather than silence.
# What is owed to a school is queued with what it is owed for (issue #27): the events that
# issue something are emitted in the issuing transaction, so a process killed at any point
# has queued exactly the emails of what it committed.
EVENTS = (
    "invoice.issued",          # invoice=Invoice (a credit note too): in the issuing transaction
    "invoices.issued",         # invoice_ids=[...]: an invoice run's batch, in the batch's transaction
    "invoice_run.done",        # report=RunReport: after the run's last commit (dry runs too)
    "agreement.issued",        # agreement=Agreement: in the issuing transaction
    "agreements.issued",       # agreement_ids=[...]: a bulk issue's batch, in the batch's transaction
    "agreement.reissued",      # agreement=Agreement, version, was, changes: in the re-issuing transaction
    "adhoc.estimate_given",    # request=AdHocRequest
    "adhoc.authorised",        # request=AdHocRequest
    "adhoc.requests_imported",  # request_ids=[...]: an import's new requests, in its transaction
    "notice.recorded",         # notice=CancellationNotice
)


def subscribe(event: str, handler: Callable[..., Any], app: Flask | None = None) -> None:
    """Call `handler` on `event` in this app (each app has its own subscribers)."""
    if event not in EVENTS:
        raise KeyError(f"unknown event {event!r}")
    handlers = (app or current_app).extensions.setdefault("events", defaultdict(list))[event]
    if handler not in handlers:
        handlers.append(handler)


def emit(event: str, **payload: Any) -> list[Any]:
    """Call every handler of `event` with the payload; their results, in order."""
    if event not in EVENTS:
        raise KeyError(f"unknown event {event!r}")
    return [handler(**payload) for handler in list(current_app.extensions.get("events", {}).get(event, ()))]
