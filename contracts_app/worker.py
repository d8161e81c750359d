"""A bare consumer's entry point: ``huey_consumer contracts_app.worker.huey -w 4``.

Importing this builds nothing; the consumer builds the app once per process when it starts
(``queue.AppHuey.create_consumer``), which also imports every module that declares a task.
"""
from __future__ import annotations

from huey import Huey

from contracts_app import create_app
from contracts_app.queue import huey as queue_huey
from contracts_app.queue import set_app_factory

set_app_factory(create_app)
huey: Huey = queue_huey

__all__ = ["huey"]
