"""The invoice run: every billable period due by a term, issued, never twice (§2.7),
and every completed ad hoc request, each on its own invoice (§2.6, §7.3).

Agreements are read and invoices written in batches (no per-row round trips). Each
batch is one transaction that first takes the number series' lock, then re-reads
what is already billed, so a re-run, a concurrent run or a run interrupted midway
never bills anything twice and never leaves a gap in the numbers; the batch's
invoice emails are queued in that transaction too. The unique
billing key on invoice lines is the database's own guarantee behind that. Ad hoc
requests are claimed (completed -> invoiced) by a conditional update in the same
transaction as their invoices, so two runs - even for different years, which lock
different number series - never both invoice one request.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import chain

from flask import current_app
from sqlalchemy import insert, select, update

from adhoc.charging import MissingRate, WorkEntry, charge_breakdown, customer_types_name
from invoices.building import (
    Contract,
    ContractLine,
    DraftInvoice,
    DraftLine,
    OneOffCharge,
    charges_invoice,
    due_invoices,
)
from invoices.due import due_date
from invoices.run_report import Party, PlannedInvoice, RunReport
from invoices.schedule import TERMS, BillingPeriod, ScheduleError
from pricing.price_list import ADHOC_CODE
from pricing.sla_year import SlaYear
from pricing.vat import VAT_RATES

from contracts_app.extensions import db
from adhoc.lifecycle import kind_name
from contracts_app.models import (
    AdHocRequest,
    Agreement,
    AgreementCharge,
    AgreementLine,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    School,
    SchoolGroup,
    TimeEntry,
)
from contracts_app.models.types import utcnow
from contracts_app.services import audit, events, price_lists
from contracts_app.services.adhoc.rates import PriceBook, no_rate_message
from pricing.bulk import cyclic_gc_paused
from pricing.errors import ActionRefused
from contracts_app.services.invoicing import run_rows, trust_billing
from contracts_app.services.invoicing.dates import check_issue_date
from contracts_app.services.invoicing.locking import busy_refused
from contracts_app.services.invoicing.numbering import lock_series, take_numbers
from contracts_app.services.transactions import refusal_rolls_back

BATCH = 500
RUN_BUSY = ("another invoice run or import held the database for too long; this run stopped - what it "
            "raised is kept and counted, and running it again finishes it")
PREVIEW_LIMIT = 5000  # agreements: past this, a run's confirmation counts instead of previewing
BILLED_STATUSES = ("active", "notice_given", "ended", "cancelled")  # §2.5 d: cancelled still owe the term


def _check(year: int, term: str) -> None:
    if term not in TERMS:
        raise ActionRefused(f"the term must be summer or autumn, not {term!r}")
    if price_lists.published(year) is None:
        raise ActionRefused(f"there is no published {SlaYear(year).label} price list; publish it before "
                            "invoicing")


def billable_count(year: int) -> int:
    """How many agreements of the SLA year a run looks at (for a progress bar)."""
    return len(_agreement_ids(year))


def run_consequences(year: int, term: str, issue_date: date, by: str,
                     limit: int = PREVIEW_LIMIT) -> tuple[RunReport | None, int]:
    """For a run's confirmation: the dry-run report (how many invoices, the total) and the count of
    agreements it looks at; past ``limit`` agreements only that cheap count (report None)."""
    count = billable_count(year)
    if count > limit:
        _check(year, term)
        return None, count
    return run(year, term, issue_date, by, dry_run=True), count


def recent_runs(limit: int = 20) -> list[InvoiceRun]:
    """The latest invoice runs, newest first."""
    return list(db.session.scalars(select(InvoiceRun).order_by(InvoiceRun.started_at.desc()).limit(limit)))


def _agreement_ids(year: int) -> list[int]:
    return list(db.session.scalars(select(Agreement.id).where(
        Agreement.sla_year == year, Agreement.status.in_(BILLED_STATUSES), Agreement.issued_at.is_not(None))
        .order_by(Agreement.id)))


def _load(ids: list[int]) -> tuple[dict[int, Party], dict[int, Contract], dict[int, list[OneOffCharge]], set[str]]:
    """One batch of agreements, their lines, charges and what is already billed: four queries."""
    parties, contracts_meta = {}, {}
    # Plain rows on the session's connection: the ORM's result layer costs more than the query here.
    conn = db.session.connection()
    rows = conn.execute(
        select(Agreement.id, Agreement.customer_type, Agreement.term_start, Agreement.term_end, Agreement.po_number,
               Agreement.status, Agreement.school_id, Agreement.group_id, School.id.label("sid"), School.urn,
               School.name, SchoolGroup.name.label("group_name"), SchoolGroup.lead_school_id)
        .outerjoin(School, School.id == Agreement.school_id)
        .outerjoin(SchoolGroup, SchoolGroup.id == Agreement.group_id)
        .where(Agreement.id.in_(ids)))
    lead_ids = set()
    for r in rows:
        contracts_meta[r.id] = r
        if r.group_id is not None:
            lead_ids.add(r.lead_school_id)
    leads = {s.id: s for s in db.session.execute(select(School.id, School.urn, School.name)
                                                .where(School.id.in_(lead_ids)))} if lead_ids else {}
    for r in contracts_meta.values():
        if r.group_id is not None:
            lead = leads.get(r.lead_school_id)
            parties[r.id] = Party(r.id, lead.id if lead else 0, lead.urn if lead else 0, r.group_name,
                                  r.customer_type, r.po_number, r.status, group=True)
        else:
            parties[r.id] = Party(r.id, r.sid, r.urn, r.name, r.customer_type, r.po_number, r.status)
    lines: dict[int, list[ContractLine]] = defaultdict(list)
    make = ContractLine._make
    for row in conn.execute(
            select(AgreementLine.agreement_id, AgreementLine.id, AgreementLine.service_code, AgreementLine.title,
                   AgreementLine.annual_price, AgreementLine.explanation, AgreementLine.vat_code,
                   AgreementLine.start_date)
            .where(AgreementLine.agreement_id.in_(ids), AgreementLine.list_name == "subscribed",
                   AgreementLine.annual_price.is_not(None))
            .order_by(AgreementLine.agreement_id, AgreementLine.service_code)).all():
        lines[row[0]].append(make(row[1:]))  # the columns after the first are ContractLine's, in order
    contracts = {i: Contract(i, r.customer_type, r.term_start, r.term_end, tuple(lines[i]))
                 for i, r in contracts_meta.items()}
    charges: dict[int, list[OneOffCharge]] = defaultdict(list)
    for c in db.session.execute(select(AgreementCharge).where(AgreementCharge.agreement_id.in_(ids))
                                .order_by(AgreementCharge.id)).scalars():
        charges[c.agreement_id].append(OneOffCharge(c.id, c.description, c.amount, c.vat_code))
    return parties, contracts, charges, _billed(ids)


def _billed(agreement_ids: list[int]) -> set[str]:
    conn = db.session.connection()
    rows = conn.execute(
        select(InvoiceLine.billing_key).join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.agreement_id.in_(agreement_ids), InvoiceLine.billing_key.is_not(None))).all()
    # A consolidated trust invoice bills many agreements: its lines name theirs (issue #29).
    rows += conn.execute(select(InvoiceLine.billing_key).where(
        InvoiceLine.agreement_id.in_(agreement_ids), InvoiceLine.billing_key.is_not(None))).all()
    return {key for (key,) in rows}


@lru_cache(maxsize=256)
def _period_description(year_label: str, p: BillingPeriod) -> str:
    # A handful of periods cover every agreement in a run.
    return f"SLA {year_label}, {p.term} term invoice: {p.start:%d %B %Y} to {p.end:%d %B %Y}"


def _plan_batch(ids: list[int], term: str, report: RunReport, year_label: str) -> list[PlannedInvoice]:
    parties, contracts, charges, billed = _load(ids)
    planned = []
    for agreement_id in ids:
        party, contract = parties[agreement_id], contracts[agreement_id]
        try:
            drafts = due_invoices(contract, term, billed, VAT_RATES)
        except ScheduleError as exc:
            report.skipped.append((f"{party.name} {year_label}", str(exc)))
            continue
        for draft in drafts:
            planned.append(PlannedInvoice(party, draft, _period_description(year_label, draft.period)))
        extra = charges_invoice(agreement_id, charges.get(agreement_id, []), billed, VAT_RATES)
        if extra is not None:
            planned.append(PlannedInvoice(party, extra, f"SLA {year_label}: one-off charges"))
    return planned


def _batch_size() -> int:
    return int(current_app.config.get("INVOICE_RUN_BATCH") or BATCH)


def _batches(ids: list[int]) -> Iterator[list[int]]:
    size = _batch_size()
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def adhoc_key(request_id: int) -> str:
    """What makes an ad hoc request billable once: on the first line of its invoice."""
    return f"adhoc:{request_id}"


def _adhoc_ids() -> list[int]:
    return list(db.session.scalars(select(AdHocRequest.id).where(AdHocRequest.status == "completed")
                                   .order_by(AdHocRequest.id)))


def _plan_adhoc(ids: list[int], report: RunReport, book: PriceBook) -> list[PlannedInvoice]:
    """One batch of completed ad hoc requests, each on its own invoice: three queries.

    §2.6: the minutes booked to the request are rounded up to whole hours at the ad hoc
    rate of the SLA year the work was done in, for the school's customer type
    (adhoc.charging.charge_breakdown): one ADHOC line per SLA year worked,
    quantity = the charged hours. A year with no published rate skips the request,
    with the reason, until one is published.
    """
    rows = db.session.execute(
        select(AdHocRequest.id, AdHocRequest.reference, AdHocRequest.kind, AdHocRequest.description,
               AdHocRequest.completed_on, School.id.label("sid"), School.urn, School.name, School.customer_type)
        .join(School, School.id == AdHocRequest.school_id)
        .where(AdHocRequest.id.in_(ids), AdHocRequest.status == "completed").order_by(AdHocRequest.id)).all()
    entries: dict[int, list[WorkEntry]] = defaultdict(list)
    for e in db.session.execute(select(TimeEntry.request_id, TimeEntry.work_date, TimeEntry.minutes)
                                .where(TimeEntry.request_id.in_(ids))
                                .order_by(TimeEntry.request_id, TimeEntry.work_date, TimeEntry.id)):
        entries[e.request_id].append(WorkEntry(e.work_date, e.minutes))
    billed = set(db.session.scalars(select(InvoiceLine.billing_key).where(
        InvoiceLine.billing_key.in_([adhoc_key(i) for i in ids]))))
    planned = []
    for r in rows:
        key = adhoc_key(r.id)
        if key in billed:
            report.already_billed += 1
            continue
        work = entries.get(r.id, [])
        name = f"{r.reference} {r.name}"
        if not work:
            report.skipped.append((name, "completed with no time booked: nothing to charge"))
            continue
        years = {SlaYear.containing(e.work_date).start_year for e in work}
        try:
            parts = charge_breakdown(work, book.rates(years, r.customer_type))
        except MissingRate as exc:
            report.skipped.append((name, no_rate_message(exc.sla_year, r.customer_type)))
            continue
        draft = DraftInvoice(None, None)
        for part in parts:
            if part.hours == 0:
                continue  # its minutes finished an hour begun (and charged) in the year before
            price = book.get(part.sla_year, r.customer_type)
            draft.lines.append(DraftLine(
                service_code=ADHOC_CODE, description=f"{kind_name(r.kind)}, {r.reference}: {r.description}",
                explanation=(f"{part.minutes} minutes booked {part.first:%d %b %Y} to {part.last:%d %b %Y}, "
                             f"charged per hour or part thereof: {part.hours} hour(s) at the {part.label} ad hoc "
                             f"rate for {customer_types_name(r.customer_type)}"),
                quantity=Decimal(part.hours), unit_price=part.rate, net=part.net, vat_code=price.vat_code,
                vat_rate=VAT_RATES[price.vat_code],
                # The first line carries the request's own key, so the database refuses a second invoice.
                billing_key=key if not draft.lines else f"{key}:{part.sla_year}"))
        party = Party(None, r.sid, r.urn, r.name, r.customer_type, "", "completed")
        completed = f", completed {r.completed_on.day} {r.completed_on:%B %Y}" if r.completed_on else ""
        planned.append(PlannedInvoice(party, draft, f"Ad hoc work {r.reference}: {kind_name(r.kind)}{completed}",
                                      adhoc_request_id=r.id, span=(work[0].work_date, work[-1].work_date)))
    return planned


def _claim_adhoc(planned: list[PlannedInvoice]) -> list[PlannedInvoice]:
    """Move the planned requests completed -> invoiced; keep only those this run claimed.

    The conditional update is the claim: a concurrent run that got there first has
    already made them invoiced, so they are not returned here and not invoiced twice.
    """
    ids = [p.adhoc_request_id for p in planned]
    if not ids:
        return []
    claimed = set(db.session.execute(
        update(AdHocRequest).where(AdHocRequest.id.in_(ids), AdHocRequest.status == "completed")
        .values(status="invoiced").returning(AdHocRequest.id),
        execution_options={"synchronize_session": False}).scalars())
    kept = [p for p in planned if p.adhoc_request_id in claimed]
    audit.record_many(db.session, [
        {"action": "update", "entity_type": "AdHocRequest", "entity_id": str(p.adhoc_request_id),
         "summary": f"{p.description}: invoiced",
         "changes": {"status": ["completed", "invoiced"]}} for p in kept])
    return kept


def _save(planned: list[PlannedInvoice], year: int, term: str, issue_date: date, run_id: int,
          by: str) -> list[str]:
    """Number and insert one batch of invoices with their lines, in bulk, and count them on the run's row."""
    check_issue_date("invoice", issue_date, year)  # under the series lock: exact, even beside another run
    numbers = take_numbers("invoice", year, len(planned))
    due = due_date(issue_date, current_app.config["PAYMENT_TERMS_DAYS"])
    now = utcnow()
    invoice_rows = []
    for number, p in zip(numbers, planned):
        period = p.draft.period
        start, end = (period.start, period.end) if period else p.span or (None, None)
        invoice_rows.append({
            "number": number, "kind": "invoice", "sla_year": year, "term": term if period is None else period.term,
            "period_start": start, "period_end": end, "school_id": p.party.school_id,
            "agreement_id": p.party.agreement_id, "adhoc_request_id": p.adhoc_request_id, "run_id": run_id,
            "customer_name": p.party.name, "school_urn": p.party.urn, "customer_type": p.party.customer_type,
            "po_number": p.party.po_number, "description": p.description, "issue_date": issue_date,
            "due_date": due, "net": p.draft.net, "vat": p.draft.vat, "gross": p.draft.gross,
            "issued_at": now, "issued_by": by, **trust_billing.invoice_columns(p)})
    # Core inserts on the tables: the ORM's bulk layer costs more than the SQL at this size.
    table = Invoice.__table__
    # RETURNING in parameter order would make SQLite insert row by row; the numbers are unique,
    # so the new ids are matched to their invoices by number instead.
    id_of = dict(db.session.execute(insert(table).returning(table.c.number, table.c.id), invoice_rows).all())
    ids = [id_of[number] for number in numbers]
    line_rows = []
    for invoice_id, p in zip(ids, planned):
        for position, line in enumerate(p.draft.lines, start=1):
            line_rows.append({**trust_billing.line_columns(p, position - 1),
                "invoice_id": invoice_id, "position": position, "service_code": line.service_code,
                "description": line.description, "explanation": line.explanation, "quantity": line.quantity,
                "unit_price": line.unit_price, "net": line.net, "vat_code": line.vat_code,
                "vat_rate": line.vat_rate, "billing_key": line.billing_key,
                "agreement_line_id": line.agreement_line_id})
    db.session.execute(insert(InvoiceLine.__table__), line_rows)
    # One audit row per batch names the number range; each invoice carries its run_id.
    audit.record("issue", "InvoiceRun", run_id, f"issued {numbers[0]} to {numbers[-1]} ({len(numbers)} invoices, "
                                                 f"£{sum(r['gross'] for r in invoice_rows):,.2f} gross)")
    run_rows.recount(run_id)  # in the batch's transaction: a run killed later still shows what it raised
    # Their emails in the same transaction (issue #27): a run killed at any point has queued
    # exactly the emails of the invoices it committed.
    events.emit("invoices.issued", invoice_ids=ids)
    return numbers


@refusal_rolls_back
def run(year: int, term: str, issue_date: date, by: str, *, dry_run: bool = False,
        progress: Callable[[int], None] | None = None) -> RunReport:
    """Raise (or, with dry_run, preview) the run for an SLA year and term."""
    _check(year, term)
    check_issue_date("invoice", issue_date, year)  # early, for the preview too; again under the lock
    with cyclic_gc_paused(), busy_refused(RUN_BUSY):
        return _run(year, term, issue_date, by, dry_run, progress)


def _run(year: int, term: str, issue_date: date, by: str, dry_run: bool,
         progress: Callable[[int], None] | None) -> RunReport:
    label = SlaYear(year).label
    report = RunReport(year, term, issue_date, dry_run)
    drafts_left = db.session.scalars(select(Agreement).where(Agreement.sla_year == year,
                                                             Agreement.status == "draft")).all()
    for agreement in drafts_left:
        report.skipped.append((agreement.name, "draft: not issued yet, so nothing to invoice"))
    ids = _agreement_ids(year)
    run_id = None
    if not dry_run:
        run_id = report.run_id = run_rows.open_run(year, term, issue_date, by)
    # A consolidated trust's agreements come last, a whole trust to a batch: one invoice per run (#29).
    consolidated = trust_billing.consolidated_agreements(ids, issue_date)
    for batch in chain(_batches([i for i in ids if i not in consolidated]),
                       trust_billing.trust_batches(ids, consolidated, _batch_size())):
        if dry_run:
            report.add(trust_billing.bill(_plan_batch(batch, term, report, label), issue_date, label, term))
        else:
            lock_series("invoice", year)  # first, so the billed keys read next are final
            planned = trust_billing.bill(_plan_batch(batch, term, report, label), issue_date, label, term)
            if planned:
                report.numbers.extend(_save(planned, year, term, issue_date, run_id, by))
                report.add(planned)
            db.session.commit()
        if progress:
            progress(len(batch))
    book = PriceBook()
    for batch in _batches(_adhoc_ids()):
        if dry_run:
            report.add(trust_billing.bill(_plan_adhoc(batch, report, book), issue_date, label, term))
        else:
            lock_series("invoice", year)
            planned = trust_billing.bill(_claim_adhoc(_plan_adhoc(batch, report, book)), issue_date, label, term)
            if planned:
                report.numbers.extend(_save(planned, year, term, issue_date, run_id, by))
                report.add(planned)
            db.session.commit()
    if run_id is not None:
        run_rows.finish(run_id)
        audit.record("run", "InvoiceRun", run_id, f"{label} {term} run on {issue_date}: "
                                                       f"{report.count} invoice(s) raised, "
                                                       f"£{report.total_gross:,.2f} gross")
        db.session.commit()
    # After the last commit: the report lists the schools nobody receives invoices for.
    events.emit("invoice_run.done", report=report)
    return report
