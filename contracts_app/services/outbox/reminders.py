"""Overdue reminders (issue #18, message 5): OVERDUE_REMINDER_DAYS after the due date, each
step once per invoice, never once it is paid or credited, the school's statement attached."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, Trust
from contracts_app.models.outbox import OutboxMessage
from contracts_app.services.contacts import contacts_by_school
from contracts_app.services.invoicing.balances import balances_for
from contracts_app.services.invoicing.statements import statement_pdf, trust_statement_pdf
from contracts_app.services.outbox.links import external_url
from contracts_app.services.outbox.messages import trust_finance_contacts
from contracts_app.services.outbox.queueing import QueuedEmail, queue_many
from pricing.errors import ActionRefused

PURPOSE = "overdue_reminder"
PDF = "application/pdf"


@dataclass
class ReminderReport:
    queued: list[tuple[str, int]] = field(default_factory=list)  # (invoice number, days overdue step)
    no_contact: list[str] = field(default_factory=list)  # invoice numbers nobody receives

    def summary(self) -> str:
        text = f"{len(self.queued)} reminder(s) queued"
        if self.no_contact:
            text += f"; nobody receives invoices for {', '.join(self.no_contact[:20])}"
        return text


def steps() -> list[int]:
    """The reminder days after the due date, e.g. [7, 30]."""
    raw = str(current_app.config.get("OVERDUE_REMINDER_DAYS", ""))
    try:
        days = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise ActionRefused(f"OVERDUE_REMINDER_DAYS must be whole numbers of days separated by commas, not {raw!r}") \
            from None
    if any(d < 1 for d in days):
        raise ActionRefused(f"OVERDUE_REMINDER_DAYS must be 1 or more days, not {raw!r}")
    return days


def reminder_key(invoice_id: int, step: int) -> str:
    return f"{PURPOSE}:invoice:{invoice_id}:day{step}"


def queue_overdue_reminders(today: date | None = None) -> ReminderReport:
    """Queue the latest step each overdue invoice has reached, unless it went already; commits."""
    today = today or date.today()
    report = ReminderReport()
    days = steps()
    if not days:
        return report
    candidates = list(db.session.scalars(select(Invoice).where(
        Invoice.kind == "invoice", Invoice.due_date <= today - timedelta(days=days[0])).order_by(Invoice.id)))
    balances = balances_for([i.id for i in candidates], today)
    owing = [i for i in candidates if balances[i.id].outstanding > 0]
    contacts = contacts_by_school({i.school_id for i in owing if i.trust_id is None}, "invoices")
    finance = trust_finance_contacts({i.trust_id for i in owing if i.trust_id is not None})
    sent = _keys_sent([i.id for i in owing])
    statements: dict[tuple[str, int], tuple[str, bytes]] = {}
    emails = []
    for invoice in owing:
        step = max(d for d in days if invoice.due_date + timedelta(days=d) <= today)
        if any(reminder_key(invoice.id, s) in sent for s in days if s >= step):
            continue  # this step (or a later one) has gone: each reminder once
        # An invoice addressed to a trust (issue #29) is chased with the trust, its statement attached.
        recipients = finance.get(invoice.trust_id, []) if invoice.trust_id is not None else \
            contacts.get(invoice.school_id, [])
        if not recipients:
            report.no_contact.append(invoice.number)
            continue
        context = {"invoice": invoice, "days": (today - invoice.due_date).days, "step": step,
                   "outstanding": balances[invoice.id].outstanding,
                   "link": external_url("invoicing.show", number=invoice.number)}
        # The statement of account lists this invoice with everything else the school (or trust) owes.
        attachments = [(*_statement(invoice, today, statements), PDF)]
        emails.append(QueuedEmail(PURPOSE, ("invoice", invoice.id), recipients, "overdue_reminder", context,
                                  attachments, key=reminder_key(invoice.id, step)))
        report.queued.append((invoice.number, step))
    queue_many(emails)
    db.session.commit()
    return report


def _statement(invoice: Invoice, today: date, made: dict[tuple[str, int], tuple[str, bytes]]) -> tuple[str, bytes]:
    """The statement a reminder carries (file name, PDF): the trust's for an invoice addressed to a trust,
    else the school's; each made once a run."""
    key = ("trust", invoice.trust_id) if invoice.trust_id is not None else ("school", invoice.school_id)
    if key not in made:
        if invoice.trust_id is not None:
            trust = db.session.get(Trust, invoice.trust_id)
            made[key] = (f"statement-trust-{trust.code}-{today:%Y-%m-%d}.pdf", trust_statement_pdf(trust, today))
        else:
            made[key] = (f"statement-{invoice.school_urn}-{today:%Y-%m-%d}.pdf", statement_pdf(invoice.school_id, today))
    return made[key]


def _keys_sent(invoice_ids: list[int]) -> set[str]:
    """The reminder keys (without recipient) already in the outbox for these invoices."""
    found: set[str] = set()
    for start in range(0, len(invoice_ids), 500):
        rows = db.session.scalars(select(OutboxMessage.key).where(
            OutboxMessage.purpose == PURPOSE, OutboxMessage.concerns_type == "invoice",
            OutboxMessage.concerns_id.in_(invoice_ids[start:start + 500])))
        found.update(key.rsplit(":", 1)[0] for key in rows)
    return found


def still_owed(invoice_id: int | None, today: date | None = None) -> bool:
    """At send time: a reminder for an invoice paid or credited since it was queued is not sent."""
    if invoice_id is None:
        return False
    balance = balances_for([invoice_id], today or date.today()).get(invoice_id)
    return balance is not None and balance.outstanding > 0
