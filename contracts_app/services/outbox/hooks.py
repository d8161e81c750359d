"""The outbox's subscriptions: the email that goes with each event (services/events.py)."""
from __future__ import annotations

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import School
from contracts_app.services import events
from contracts_app.services.adhoc.import_mail import requests_imported
from contracts_app.services.invoicing import trust_billing
from contracts_app.services.outbox import messages


def run_done(report) -> None:
    """Put on the run's report (and a preview's) each school invoiced that nobody receives invoices for.

    The emails themselves were queued with each batch of invoices ("invoices.issued")."""
    missing = messages.schools_without(report.school_ids, "invoices")
    if missing:  # a trust's academy is billed through the trust: its finance contacts receive (#29)
        buyers = trust_billing.buyers(missing, report.issue_date)
        finance = messages.trust_finance_contacts({b.trust_id for b in buyers.values()})
        missing -= {school for school, buyer in buyers.items() if finance.get(buyer.trust_id)}
    report.no_invoice_contact = sorted(
        (urn, name) for urn, name in db.session.execute(select(School.urn, School.name).where(
            School.id.in_(list(missing))))) if missing else []


def _invoices(invoice_ids) -> None:
    messages.invoices_issued(invoice_ids)


def _agreement(agreement) -> None:
    messages.agreement_issued(agreement)


def _reissued(agreement, version, was, changes) -> None:
    messages.agreement_reissued(agreement, version, was, changes)


def _agreements(agreement_ids) -> None:
    messages.agreements_issued(agreement_ids)


def _invoice(invoice) -> None:
    messages.invoice_issued(invoice)


def _estimate(request) -> None:
    messages.estimate_given(request)


def _authorised(request) -> None:
    messages.authorised(request)


def _notice(notice) -> None:
    messages.notice_recorded(notice)


SUBSCRIPTIONS = {
    "invoice.issued": _invoice, "invoices.issued": _invoices, "invoice_run.done": run_done,
    "agreement.issued": _agreement, "agreement.reissued": _reissued,
    "agreements.issued": _agreements, "adhoc.estimate_given": _estimate, "adhoc.authorised": _authorised,
    "notice.recorded": _notice, "adhoc.requests_imported": requests_imported,
}


def install(app) -> None:
    """Subscribe the outbox's handlers in this app."""
    for event, handler in SUBSCRIPTIONS.items():
        events.subscribe(event, handler, app)
