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
EVENTS = (
    "invoice.issued",          # invoice=Invoice (a credit note too): in the issuing transaction
    "invoice_run.done",        # report=RunReport: after the run's last commit (dry runs too)
    "agreement.issued",        # agreement=Agreement: in the issuing transaction
    "agreements.issued",       # agreement_ids=[...]: after a bulk issue has committed
    "adhoc.estimate_given",    # request=AdHocRequest
    "adhoc.authorised",        # request=AdHocRequest
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
