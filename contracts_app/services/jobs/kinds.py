"""Every kind of job, registered by importing the module that declares it.

Imported by the jobs pages, API and commands (so with every app create_app builds): each web process and each consumer knows
every kind and every task. An area adding a kind adds its module here (docs/jobs.md).
"""
from __future__ import annotations

from contracts_app.services.jobs import agreements, imports, invoicing  # noqa: F401 - registers the kinds
from contracts_app.services.jobs import einvoices  # noqa: F401 - every e-invoice of a run as a ZIP (issue #32)
from contracts_app.services.outbox import tasks as outbox_tasks  # noqa: F401 - the email queue's tasks
from contracts_app.services.rounds import jobs as round_jobs  # noqa: F401 - the buying round's close
from contracts_app.services.register import jobs as register_jobs  # noqa: F401 - register changes (issue #28)

__all__ = ["agreements", "imports", "invoicing"]
