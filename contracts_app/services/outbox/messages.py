"""The messages that go with documents (issue #18, messages 1-4): who, which template, what attached.

Each function queues in the caller's transaction; re-running it queues nothing new (the keys).
Invoices, credit notes and agreements are attached by reference: the sender renders their PDFs
(services/outbox/attachments.py), so queueing renders nothing.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from agreements.lifecycle import notice_outcome
from contracts_app.extensions import db
from contracts_app.models import (AdHocRequest, Agreement, CancellationNotice, Invoice, TrustContact,
                                  school_group_members)
from contracts_app.models.outbox import OutboxMessage
from contracts_app.services.adhoc.documents import estimate_pdf
from contracts_app.services.contacts import contacts_by_school, contacts_for
from contracts_app.services.documents import file_name
from contracts_app.services.outbox.links import external_url
from contracts_app.services.outbox.queueing import AttachmentRef, QueuedEmail, message_key, queue, queue_many

PDF = "application/pdf"


def _missing(purpose: str, concerns: tuple[str, int], recipients: Iterable[str], key: str | None = None) -> list[str]:
    """The recipients who do not have this message yet."""
    wanted = {message_key(purpose, concerns, r, key): r for r in recipients if r.strip()}
    if not wanted:
        return []
    have = set(db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(list(wanted)))))
    return [r for k, r in wanted.items() if k not in have]


# -- 1. invoices and credit notes -------------------------------------------------------------

def invoice_email(invoice: Invoice, recipients: list[str], einvoice: bool = False) -> QueuedEmail:
    """The invoice (or credit note) PDF and a link to it in the portal; an ad hoc invoice's §9.5 report too;
    with ``einvoice``, its e-invoice (UBL XML) for contacts who asked for it (issue #32).

    The PDFs are references, rendered when sent (about 150 ms each: not in the run's transaction).
    """
    kind = "credit_note_pdf" if invoice.kind == "credit_note" else "invoice_pdf"
    attachments = [AttachmentRef(kind, invoice.id, f"{invoice.number}.pdf")]
    request = invoice.adhoc_request
    if invoice.kind == "invoice" and request is not None and request.kind == "rework":
        attachments.append(AttachmentRef("adhoc_report_pdf", request.id,
                                         f"{invoice.number}-report-{request.reference}.pdf"))
    if einvoice:
        attachments.append(AttachmentRef("invoice_ubl", invoice.id, f"{invoice.number}.xml"))
    context = {"invoice": invoice, "credit_note": invoice.kind == "credit_note",
               "link": external_url("invoicing.show", number=invoice.number)}
    return QueuedEmail("invoice_issued", ("invoice", invoice.id), recipients, "invoice_issued", context, attachments)


def invoice_issued(invoice: Invoice) -> list[OutboxMessage]:
    """Queue one invoice or credit note to its school's invoice contacts, or its trust's finance
    contacts when addressed to a trust (none: nothing queued)."""
    if invoice.trust_id is not None:
        to, wanting = trust_finance_contacts({invoice.trust_id}).get(invoice.trust_id, []), set()
    else:
        to = contacts_for(invoice.school_id, "invoices")
        wanting = {a.lower() for a in contacts_for(invoice.school_id, "einvoices")}
    recipients = _missing("invoice_issued", ("invoice", invoice.id), to)
    return queue_many(_invoice_emails(invoice, recipients, wanting)) if recipients else []


def _invoice_emails(invoice: Invoice, recipients: list[str], wanting: set[str]) -> list[QueuedEmail]:
    """One message for the contacts who asked for the e-invoice too, one for the rest."""
    groups = ([r for r in recipients if r.lower() not in wanting], [r for r in recipients if r.lower() in wanting])
    return [invoice_email(invoice, group, einvoice=with_ubl) for group, with_ubl in zip(groups, (False, True))
            if group]


def invoices_issued(invoice_ids: list[int]) -> list[OutboxMessage]:
    """Queue each of these invoices to its school's invoice contacts - or, addressed to a trust
    (issue #29), to the trust's finance contacts - in the caller's transaction (an invoice run's
    batch: a query each for the contacts, one for the keys already queued).

    Only invoices with someone to send to are loaded; none is rendered here.
    """
    if not invoice_ids:
        return []
    rows = db.session.execute(select(Invoice.id, Invoice.school_id, Invoice.trust_id)
                              .where(Invoice.id.in_(invoice_ids))).all()
    schools = {r.school_id for r in rows if r.trust_id is None}
    contacts = contacts_by_school(schools, "invoices")
    finance = trust_finance_contacts({r.trust_id for r in rows if r.trust_id is not None})
    to = {r.id: finance.get(r.trust_id, []) if r.trust_id is not None else contacts.get(r.school_id, [])
          for r in rows}
    todo = [invoice_id for invoice_id, addresses in to.items() if addresses]
    wanting = {school: {a.lower() for a in addresses} for school, addresses in contacts_by_school(
        {r.school_id for r in rows if r.school_id in contacts}, "einvoices").items()}
    if not todo:
        return []
    queued = _queued_for("invoice_issued", "invoice", todo)
    emails = []
    for invoice in db.session.scalars(select(Invoice).where(Invoice.id.in_(todo)).order_by(Invoice.id)):
        missing = [a for a in to[invoice.id]
                   if message_key("invoice_issued", ("invoice", invoice.id), a) not in queued]
        if missing:
            einvoices = set() if invoice.trust_id is not None else wanting.get(invoice.school_id, set())
            emails += _invoice_emails(invoice, missing, einvoices)
    return queue_many(emails)


def trust_finance_contacts(trust_ids: set[int]) -> dict[int, list[str]]:
    """{trust id: its finance contacts' addresses} (one query): who a trust's invoices go to."""
    if not trust_ids:
        return {}
    found: dict[int, list[str]] = {}
    for trust_id, email in db.session.execute(
            select(TrustContact.trust_id, TrustContact.email).where(
                TrustContact.trust_id.in_(list(trust_ids)), TrustContact.finance.is_(True), TrustContact.email != "")
            .order_by(TrustContact.trust_id, TrustContact.name, TrustContact.id)):
        found.setdefault(trust_id, []).append(email)
    return found


def _queued_for(purpose: str, concerns_type: str, ids: list[int]) -> set[str]:
    """The keys already queued for these objects (one query for a batch)."""
    return set(db.session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.purpose == purpose, OutboxMessage.concerns_type == concerns_type,
        OutboxMessage.concerns_id.in_(ids))))


def schools_without(school_ids: Iterable[int], flag: str) -> set[int]:
    """The schools among these that nobody receives `flag` for."""
    ids = set(school_ids)
    return ids - set(contacts_by_school(ids, flag))


# -- 2. agreements ------------------------------------------------------------------------------

def agreement_issued(agreement: Agreement) -> list[OutboxMessage]:
    """The filled-in SLA PDF to the agreement contacts of its school (or of each school of its group)."""
    contacts = contacts_by_school([s.id for s in agreement.schools], "agreements")
    recipients = _missing("agreement_issued", ("agreement", agreement.id),
                          [a for addresses in contacts.values() for a in addresses])
    if not recipients:
        return []
    context = {"agreement": agreement, "link": external_url("agreements.show", agreement_id=agreement.id)}
    attachment = AttachmentRef("agreement_pdf", agreement.id, file_name(agreement))
    return queue("agreement_issued", concerns=("agreement", agreement.id), recipients=recipients,
                 template="agreement_issued", context=context, attachments=[attachment])


def agreement_reissued(agreement: Agreement, version: str, was: str, changes: tuple[str, ...]) -> list[OutboxMessage]:
    """The re-issued SLA PDF (issue #31) to the same contacts as its issue, once per version it moves to:
    a later re-issue under another version is another message."""
    contacts = contacts_by_school([s.id for s in agreement.schools], "agreements")
    key = f"agreement_reissued:agreement:{agreement.id}:v{version}"
    recipients = _missing("agreement_reissued", ("agreement", agreement.id),
                          [a for addresses in contacts.values() for a in addresses], key)
    if not recipients:
        return []
    context = {"agreement": agreement, "version": version, "was": was, "changes": list(changes),
               "link": external_url("agreements.show", agreement_id=agreement.id)}
    attachment = AttachmentRef("agreement_pdf", agreement.id, file_name(agreement))
    return queue("agreement_reissued", concerns=("agreement", agreement.id), recipients=recipients,
                 template="agreement_reissued", context=context, attachments=[attachment], key=key)


def _schools_of(agreement_ids: list[int]) -> dict[int, list[int]]:
    """{agreement id: its school ids} (a group's agreement: the group's schools), in two queries."""
    rows = db.session.execute(select(Agreement.id, Agreement.school_id, Agreement.group_id)
                              .where(Agreement.id.in_(agreement_ids))).all()
    members: dict[int, list[int]] = {}
    groups = {group for _, school, group in rows if school is None and group is not None}
    if groups:
        for group, school in db.session.execute(select(school_group_members.c.group_id, school_group_members.c.school_id)
                                                .where(school_group_members.c.group_id.in_(groups))):
            members.setdefault(group, []).append(school)
    return {agreement: [school] if school is not None else members.get(group, []) for agreement, school, group in rows}


def agreements_issued(agreement_ids: list[int]) -> None:
    """A bulk issue's batch: each agreement's email, in the batch's own transaction.

    Who receives is worked out for the whole batch in plain queries, and only agreements with
    someone to send to are loaded: two queries per agreement were three quarters of a
    national issue (py-spy, issue #21).
    """
    if not agreement_ids:
        return
    schools_of = _schools_of(agreement_ids)
    contacts = contacts_by_school({s for schools in schools_of.values() for s in schools}, "agreements")
    wanted = [a for a, schools in schools_of.items() if any(contacts.get(s) for s in schools)]
    if wanted:
        for agreement in db.session.scalars(select(Agreement).where(Agreement.id.in_(wanted))):
            agreement_issued(agreement)


# -- 3. ad hoc estimates and authorisations -----------------------------------------------------

def estimate_given(request: AdHocRequest) -> list[OutboxMessage]:
    """An estimate waiting for the school: a link to authorise it in the portal, the estimate attached."""
    recipients = _missing("estimate_ready", ("request", request.id), contacts_for(request.school_id, "notices"))
    if not recipients:
        return []
    db.session.flush()
    content = estimate_pdf(request)
    attachments = [(f"estimate-{request.reference}.pdf", content, PDF)] if content else []
    context = {"request": request, "link": external_url("adhoc.authorise", request_id=request.id)}
    # The estimate may be revised and given again: each estimate has its own key.
    key = f"estimate_ready:request:{request.id}:{request.estimated_at:%Y%m%d%H%M%S}" if request.estimated_at else None
    return queue("estimate_ready", concerns=("request", request.id), recipients=recipients,
                 template="estimate_ready", context=context, attachments=attachments, key=key)


def authorised(request: AdHocRequest) -> list[OutboxMessage]:
    """The school's authorisation, confirmed to the school and the SLA team."""
    recipients = [*contacts_for(request.school_id, "notices"), current_app.config["SLA_TEAM_EMAIL"]]
    context = {"request": request, "link": external_url("adhoc.show", request_id=request.id)}
    return queue("authorisation_confirmed", concerns=("request", request.id), recipients=recipients,
                 template="authorisation_confirmed", context=context)


# -- 4. notices of cancellation -----------------------------------------------------------------

def notice_recorded(notice: CancellationNotice) -> list[OutboxMessage]:
    """The written acknowledgement (§2.4 a-b) to the school's notice contacts and the SLA team."""
    db.session.flush()
    agreement = notice.agreement
    contacts = contacts_by_school([s.id for s in agreement.schools], "notices")
    recipients = [a for addresses in contacts.values() for a in addresses] + [current_app.config["SLA_TEAM_EMAIL"]]
    outcome = notice_outcome(notice.effective_date, agreement.term_end)
    context = {"notice": notice, "agreement": agreement, "outcome": outcome,
               "link": external_url("agreements.show", agreement_id=agreement.id)}
    return queue("notice_acknowledged", concerns=("notice", notice.id), recipients=recipients,
                 template="notice_acknowledged", context=context)
