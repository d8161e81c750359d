"""The invoice run: every billable period due by a term, issued, never twice (§2.7).

Agreements are read and invoices written in batches (no per-row round trips). Each
batch is one transaction that first takes the number series' lock, then re-reads
what is already billed, so a re-run, a concurrent run or a run interrupted midway
never bills anything twice and never leaves a gap in the numbers. The unique
billing key on invoice lines is the database's own guarantee behind that.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import insert, select

from invoices.building import Contract, ContractLine, DraftInvoice, OneOffCharge, charges_invoice, due_invoices
from invoices.due import due_date
from invoices.schedule import TERMS, ScheduleError
from pricing.sla_year import SlaYear
from pricing.vat import VAT_RATES

from ..extensions import db
from ..models import Agreement, AgreementCharge, AgreementLine, Invoice, InvoiceLine, InvoiceRun, School
from ..models.types import utcnow
from . import audit, price_lists
from .errors import ActionRefused
from .numbering import ensure_series, lock_series, take_numbers

BATCH = 500
BILLED_STATUSES = ("active", "notice_given", "ended", "cancelled")  # §2.5 d: cancelled still owe the term


@dataclass
class Party:
    agreement_id: int
    school_id: int
    urn: int
    name: str
    customer_type: str
    po_number: str
    status: str


@dataclass
class PlannedInvoice:
    party: Party
    draft: DraftInvoice
    description: str


@dataclass
class RunReport:
    sla_year: int
    term: str
    issue_date: date
    dry_run: bool
    invoices: list[PlannedInvoice] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    already_billed: int = 0

    @property
    def total_net(self) -> Decimal:
        return sum((p.draft.net for p in self.invoices), Decimal("0.00"))

    @property
    def total_gross(self) -> Decimal:
        return sum((p.draft.gross for p in self.invoices), Decimal("0.00"))

    def by_customer_type(self) -> dict[str, tuple[int, Decimal, Decimal]]:
        result: dict[str, list] = defaultdict(lambda: [0, Decimal("0.00"), Decimal("0.00")])
        for p in self.invoices:
            row = result[p.party.customer_type]
            row[0] += 1
            row[1] += p.draft.net
            row[2] += p.draft.gross
        return {k: tuple(v) for k, v in sorted(result.items())}

    def by_vat_code(self) -> dict[str, tuple[Decimal, Decimal]]:
        result: dict[str, list] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
        for p in self.invoices:
            for b in p.draft.vat_breakdown:
                result[b.code][0] += b.net
                result[b.code][1] += b.vat
        return {k: tuple(v) for k, v in sorted(result.items())}


def _check(year: int, term: str) -> None:
    if term not in TERMS:
        raise ActionRefused(f"the term must be summer or autumn, not {term!r}")
    if price_lists.published(year) is None:
        raise ActionRefused(f"there is no published {SlaYear(year).label} price list; publish it before "
                            "invoicing")


def _agreement_ids(year: int) -> list[int]:
    return list(db.session.scalars(select(Agreement.id).where(
        Agreement.sla_year == year, Agreement.status.in_(BILLED_STATUSES), Agreement.issued_at.is_not(None))
        .order_by(Agreement.id)))


def _load(ids: list[int]) -> tuple[dict[int, Party], dict[int, Contract], dict[int, list[OneOffCharge]], set[str]]:
    """One batch of agreements, their lines, charges and what is already billed: four queries."""
    from ..models import SchoolGroup

    parties, contracts_meta = {}, {}
    rows = db.session.execute(
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
                                  r.customer_type, r.po_number, r.status)
        else:
            parties[r.id] = Party(r.id, r.sid, r.urn, r.name, r.customer_type, r.po_number, r.status)
    lines: dict[int, list[ContractLine]] = defaultdict(list)
    for l in db.session.execute(
            select(AgreementLine.id, AgreementLine.agreement_id, AgreementLine.service_code, AgreementLine.title,
                   AgreementLine.annual_price, AgreementLine.explanation, AgreementLine.vat_code,
                   AgreementLine.start_date)
            .where(AgreementLine.agreement_id.in_(ids), AgreementLine.list_name == "subscribed",
                   AgreementLine.annual_price.is_not(None))
            .order_by(AgreementLine.agreement_id, AgreementLine.service_code)):
        lines[l.agreement_id].append(ContractLine(l.id, l.service_code, l.title, l.annual_price, l.explanation,
                                                  l.vat_code, l.start_date))
    contracts = {i: Contract(i, r.customer_type, r.term_start, r.term_end, tuple(lines[i]))
                 for i, r in contracts_meta.items()}
    charges: dict[int, list[OneOffCharge]] = defaultdict(list)
    for c in db.session.execute(select(AgreementCharge).where(AgreementCharge.agreement_id.in_(ids))
                                .order_by(AgreementCharge.id)).scalars():
        charges[c.agreement_id].append(OneOffCharge(c.id, c.description, c.amount, c.vat_code))
    return parties, contracts, charges, _billed(ids)


def _billed(agreement_ids: list[int]) -> set[str]:
    keys = set(db.session.scalars(
        select(InvoiceLine.billing_key).join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.agreement_id.in_(agreement_ids), InvoiceLine.billing_key.is_not(None))))
    return keys


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
            p = draft.period
            planned.append(PlannedInvoice(party, draft, f"SLA {year_label}, {p.term} term invoice: "
                                                        f"{p.start:%d %B %Y} to {p.end:%d %B %Y}"))
        extra = charges_invoice(agreement_id, charges.get(agreement_id, []), billed, VAT_RATES)
        if extra is not None:
            planned.append(PlannedInvoice(party, extra, f"SLA {year_label}: one-off charges"))
    return planned


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _save(planned: list[PlannedInvoice], year: int, term: str, issue_date: date, run_id: int,
          by: str) -> list[str]:
    """Number and insert one batch of invoices with their lines, in bulk."""
    numbers = take_numbers("invoice", year, len(planned))
    due = due_date(issue_date, current_app.config["PAYMENT_TERMS_DAYS"])
    now = utcnow()
    invoice_rows = []
    for number, p in zip(numbers, planned):
        period = p.draft.period
        invoice_rows.append({
            "number": number, "kind": "invoice", "sla_year": year, "term": term if period is None else period.term,
            "period_start": period.start if period else None, "period_end": period.end if period else None,
            "school_id": p.party.school_id, "agreement_id": p.party.agreement_id, "run_id": run_id,
            "customer_name": p.party.name, "school_urn": p.party.urn, "customer_type": p.party.customer_type,
            "po_number": p.party.po_number, "description": p.description, "issue_date": issue_date,
            "due_date": due, "net": p.draft.net, "vat": p.draft.vat, "gross": p.draft.gross,
            "issued_at": now, "issued_by": by})
    ids = db.session.execute(insert(Invoice).returning(Invoice.id, sort_by_parameter_order=True),
                             invoice_rows).scalars().all()
    line_rows = []
    for invoice_id, p in zip(ids, planned):
        for position, line in enumerate(p.draft.lines, start=1):
            line_rows.append({
                "invoice_id": invoice_id, "position": position, "service_code": line.service_code,
                "description": line.description, "explanation": line.explanation, "quantity": line.quantity,
                "unit_price": line.unit_price, "net": line.net, "vat_code": line.vat_code,
                "vat_rate": line.vat_rate, "billing_key": line.billing_key,
                "agreement_line_id": line.agreement_line_id})
    db.session.execute(insert(InvoiceLine), line_rows)
    audit.record_many(db.session, [
        {"action": "issue", "entity_type": "Invoice", "entity_id": str(invoice_id),
         "summary": f"{row['number']} {row['customer_name']}: £{row['gross']:,.2f}", "changes": None}
        for invoice_id, row in zip(ids, invoice_rows)])
    return numbers


def run(year: int, term: str, issue_date: date, by: str, *, dry_run: bool = False,
        progress: Callable[[int], None] | None = None) -> RunReport:
    """Raise (or, with dry_run, preview) the run for an SLA year and term."""
    _check(year, term)
    label = SlaYear(year).label
    report = RunReport(year, term, issue_date, dry_run)
    drafts_left = db.session.scalars(select(Agreement).where(Agreement.sla_year == year,
                                                             Agreement.status == "draft")).all()
    for agreement in drafts_left:
        report.skipped.append((agreement.name, "draft: not issued yet, so nothing to invoice"))
    ids = _agreement_ids(year)
    run_row = None
    if not dry_run:
        ensure_series("invoice", year)
        run_row = InvoiceRun(sla_year=year, term=term, issue_date=issue_date, started_by=by)
        db.session.add(run_row)
        db.session.commit()
    for batch in _batches(ids):
        if dry_run:
            report.invoices.extend(_plan_batch(batch, term, report, label))
        else:
            lock_series("invoice", year)  # first, so the billed keys read next are final
            planned = _plan_batch(batch, term, report, label)
            if planned:
                report.numbers.extend(_save(planned, year, term, issue_date, run_row.id, by))
                report.invoices.extend(planned)
            db.session.commit()
        if progress:
            progress(len(batch))
    if run_row is not None:
        run_row.finished_at = utcnow()
        run_row.invoices_raised = len(report.invoices)
        run_row.total_net, run_row.total_gross = report.total_net, report.total_gross
        audit.record("run", "InvoiceRun", run_row.id, f"{label} {term} run on {issue_date}: "
                                                       f"{len(report.invoices)} invoice(s) raised, "
                                                       f"£{report.total_gross:,.2f} gross")
        db.session.commit()
    return report
