"""Ad hoc work: requests, estimates, the school's authorisation, time, completion (SLA §2.6, §7.2-7.4, §9.4-9.5).

Views and commands call these functions: they load, check the rules in
adhoc.lifecycle and invoices.adhoc_documents, and save in one
transaction. Invoicing completed requests is part of the invoice run
(services.invoice_run).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from invoices.adhoc_documents import (
    ChargePart,
    EstimateDocument,
    MissingRate,
    ReworkReport,
    WorkEntry,
    charge_breakdown,
    render_estimate_pdf,
    render_rework_report_pdf,
    report_summary,
)
from invoices.vat import vat_summary
from pricing.price_list import ADHOC_CODE
from pricing.sla_year import SlaYear
from pricing.vat import VAT_RATES

from adhoc.lifecycle import (
    KIND_SECTIONS,
    AdhocRuleBroken,
    check_authorisation,
    check_bookable,
    check_completion,
    check_decline,
    check_estimate,
    check_kind,
    check_minutes,
    check_new_request,
    check_transition,
    check_work_date,
    kind_name,
)
from contracts_app.extensions import db
from contracts_app.models import AdHocRequest, Invoice, School, TimeEntry
from contracts_app.models.types import utcnow
from contracts_app.services.council import invoice_issuer
from contracts_app.services.queries import Page, paginate
from contracts_app.services import audit, price_lists
from contracts_app.services.imports import (
    FIRST_DATA_ROW,
    cells,
    parse_whole_number,
    read_table,
    require_columns,
)
from pricing.errors import ActionRefused, ImportRefused, Problem

IMPORT_COLUMNS = ("urn", "reference", "kind", "date", "minutes", "description")
IMPORTED_BY = "service desk time log"


class AdhocRefused(ActionRefused):
    """An ad hoc action the rules refuse; ``field`` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _refuse(request: AdHocRequest | None, exc: AdhocRuleBroken, field: str | None = None) -> AdhocRefused:
    prefix = f"{request.reference}: " if request is not None else ""
    return AdhocRefused(prefix + str(exc), field)


def customer_types_name(customer_type: str) -> str:
    return "maintained schools" if customer_type == "maintained" else "academies and free schools"


# -- prices -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AdhocPrice:
    rate: Decimal
    vat_code: str

    @property
    def vat_rate(self) -> Decimal:
        return VAT_RATES[self.vat_code]


def adhoc_price(year: int, customer_type: str) -> AdhocPrice | None:
    """The SLA year's published ad hoc hourly rate and its VAT code for a customer type (§2.6)."""
    price_list = price_lists.published(year)
    if price_list is None:
        return None
    row = price_lists.rows_by_key(price_list).get((ADHOC_CODE, customer_type))
    return None if row is None else AdhocPrice(row.model.rate, row.vat_code)  # ADHOC rows are per_unit


class PriceBook:
    """Ad hoc prices looked up once per (SLA year, customer type): imports and runs ask many times."""

    def __init__(self) -> None:
        self._prices: dict[tuple[int, str], AdhocPrice | None] = {}

    def get(self, year: int, customer_type: str) -> AdhocPrice | None:
        key = (year, customer_type)
        if key not in self._prices:
            self._prices[key] = adhoc_price(year, customer_type)
        return self._prices[key]

    def rates(self, years: set[int], customer_type: str) -> dict[int, Decimal]:
        """The rates known for these years (a missing year is left out: charge_breakdown names it)."""
        found = {year: self.get(year, customer_type) for year in years}
        return {year: price.rate for year, price in found.items() if price is not None}


def no_rate_message(year: int, customer_type: str) -> str:
    label = SlaYear(year).label
    return (f"there is no published {label} ad hoc rate for {customer_types_name(customer_type)} "
            f"(an ADHOC row in the published {label} price list), so work in {label} cannot be charged")


def _check_rate(book: PriceBook, work_date: date, customer_type: str) -> None:
    """A date in a year with no published ad hoc rate is refused: its time could never be charged (§2.6)."""
    year = SlaYear.containing(work_date).start_year
    if book.get(year, customer_type) is None:
        raise AdhocRuleBroken(f"{work_date:%d %B %Y}: {no_rate_message(year, customer_type)}")


# -- requests ---------------------------------------------------------------------------------

def normalise_reference(reference: str) -> str:
    """Service desk references are matched without case or surrounding spaces ("sr 1" is not "SR1")."""
    return reference.strip().upper()


def find(reference: str) -> AdHocRequest | None:
    return db.session.scalar(select(AdHocRequest).where(AdHocRequest.reference == normalise_reference(reference)))


def _transition(request: AdHocRequest, new: str) -> None:
    try:
        check_transition(request.status, new)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc) from None
    request.status = new  # audited with the rest of the change on flush


def create_request(school: School, reference: str, kind: str, description: str, *, third_party: str = "",
                   intervention_report: str = "", by: str = "") -> AdHocRequest:
    """A new chargeable request for a school, waiting for an estimate or the school's authorisation."""
    try:
        check_new_request(kind, reference, third_party)
    except AdhocRuleBroken as exc:
        field_name = "kind" if "kind" in str(exc) else "third_party" if "third party" in str(exc) else "reference"
        raise AdhocRefused(str(exc), field_name) from None
    reference = normalise_reference(reference)
    existing = find(reference)
    if existing is not None:
        raise AdhocRefused(f"the reference {reference} is already used by a request for {existing.school.name}",
                           "reference")
    if not description.strip():
        raise AdhocRefused("describe the work requested", "description")
    request = AdHocRequest(reference=reference, school=school, kind=kind, status="requested",
                           description=description.strip(), third_party=third_party.strip(),
                           intervention_report=intervention_report.strip(), created_by=by)
    db.session.add(request)
    db.session.commit()
    return request


def update_details(request: AdHocRequest, *, description: str, third_party: str,
                   intervention_report: str) -> None:
    """The description, third party and §9.5 report can be corrected until the request is invoiced."""
    if request.status in ("invoiced", "declined"):
        raise AdhocRefused(f"{request.reference} is {request.status}; its details can no longer change")
    if not description.strip():
        raise AdhocRefused("describe the work requested", "description")
    if request.kind == "rework" and not third_party.strip():
        raise AdhocRefused("a rework request names the third party whose unauthorised changes are being put right "
                           "(§9.5)", "third_party")
    request.description = description.strip()
    request.third_party = third_party.strip()
    request.intervention_report = intervention_report.strip()
    db.session.commit()


def set_estimate(request: AdHocRequest, hours: Decimal, sla_year: int, by: str) -> AdHocRequest:
    """§7.3: "we will provide an estimate of the cost before we start working on a request".

    The estimate is in hours at the SLA year's published ad hoc rate for the school's
    customer type (§2.6); the request then waits for the school's authorisation.
    """
    try:
        check_estimate(request.status, hours)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "hours") from None
    customer_type = request.school.customer_type
    price = adhoc_price(sla_year, customer_type)
    if price is None:
        raise AdhocRefused(no_rate_message(sla_year, customer_type), "sla_year")
    if price.rate != price.rate.quantize(Decimal("0.01")):
        # The estimate keeps its rate in pence; a sub-penny hourly rate would be altered.
        raise AdhocRefused(f"the {SlaYear(sla_year).label} ad hoc rate {price.rate} is not a whole number of pence",
                           "sla_year")
    request.estimate_hours = hours
    request.estimate_rate = price.rate
    request.estimate_sla_year = sla_year
    request.estimated_at = utcnow()
    request.estimated_by = by
    _transition(request, "estimated")
    db.session.commit()
    return request


def authorise(request: AdHocRequest, *, name: str, on: date, via: str, user_id: int | None = None,
              today: date | None = None) -> AdHocRequest:
    """Record the school's authorisation: in the portal, or staff recording a written one (§7.3, §9.4)."""
    try:
        check_authorisation(request.kind, request.status, name=name, on=on, via=via,
                            third_party=request.third_party, today=today or date.today())
    except AdhocRuleBroken as exc:
        message = str(exc)
        field_name = "authorised_on" if "date" in message else "name" if "name" in message or "§9.4" in message \
            else None
        raise _refuse(request, exc, field_name) from None
    request.authorised_by_name = name.strip()
    request.authorised_on = on
    request.authorised_via = via
    request.authorised_user_id = user_id
    _transition(request, "authorised")
    db.session.commit()
    return request


def decline(request: AdHocRequest, reason: str) -> AdHocRequest:
    """The school turns the request (or its estimate) down; no work is done or charged."""
    try:
        check_decline(request.status, reason)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "reason") from None
    request.declined_reason = reason.strip()
    _transition(request, "declined")
    db.session.commit()
    return request


def log_time(request: AdHocRequest, work_date: date, minutes: int, who: str, note: str = "",
             today: date | None = None) -> TimeEntry:
    """Book time to an authorised request; the first entry starts the work (§7.3)."""
    today = today or date.today()
    try:
        check_minutes(minutes)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "minutes") from None
    try:
        check_bookable(request.status)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc) from None
    try:
        check_work_date(request.authorised_on, work_date, today)
        _check_rate(PriceBook(), work_date, request.school.customer_type)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "work_date") from None
    entry = TimeEntry(request=request, work_date=work_date, minutes=minutes, who=who.strip(), note=note.strip())
    db.session.add(entry)
    if request.status == "authorised":
        _transition(request, "in_progress")
    db.session.commit()
    return entry


def delete_time(entry: TimeEntry) -> None:
    """A mistaken entry can be removed while the work is open; once completed the charge is fixed."""
    request = entry.request
    try:
        check_bookable(request.status)
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc) from None
    db.session.delete(entry)
    db.session.commit()


def complete(request: AdHocRequest, on: date, today: date | None = None) -> AdHocRequest:
    """§7.4: mark the request complete; the next invoice run invoices it on its own invoice (§7.3)."""
    try:
        check_completion(request.kind, request.status, work_dates=[e.work_date for e in request.entries],
                         completed_on=on, intervention_report=request.intervention_report,
                         today=today or date.today())
    except AdhocRuleBroken as exc:
        raise _refuse(request, exc, "completed_on" if "completion date" in str(exc) else None) from None
    request.completed_on = on
    _transition(request, "completed")
    db.session.commit()
    return request


# -- reading ----------------------------------------------------------------------------------

@dataclass
class Charge:
    """What a request's booked time comes to, or why it cannot be charged yet."""

    minutes: int
    parts: list[ChargePart]
    problem: str | None = None

    @property
    def hours(self) -> int:
        return sum(p.hours for p in self.parts)

    @property
    def net(self) -> Decimal:
        return sum((p.net for p in self.parts), Decimal("0.00"))


def work_entries(request: AdHocRequest) -> list[WorkEntry]:
    return [WorkEntry(e.work_date, e.minutes, e.who, e.note) for e in request.entries]


def charge(request: AdHocRequest, book: PriceBook | None = None) -> Charge:
    """The charge for the time booked so far, one part per SLA year (§2.6)."""
    entries = work_entries(request)
    book = book or PriceBook()
    customer_type = request.school.customer_type
    rates = book.rates({SlaYear.containing(e.work_date).start_year for e in entries}, customer_type)
    minutes = sum(e.minutes for e in entries)
    try:
        return Charge(minutes, charge_breakdown(entries, rates))
    except MissingRate as exc:
        return Charge(minutes, [], no_rate_message(exc.sla_year, customer_type))


def invoice_of(request: AdHocRequest) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.adhoc_request_id == request.id,
                                                   Invoice.kind == "invoice").order_by(Invoice.id).limit(1))


def list_requests(status: str = "", kind: str = "", q: str = "", page: int = 1, per_page: int = 50) -> Page:
    """A page of requests, newest first, filtered by status, kind and school name, URN or reference."""
    query = select(AdHocRequest).join(School, School.id == AdHocRequest.school_id)
    if status:
        query = query.where(AdHocRequest.status == status)
    if kind:
        query = query.where(AdHocRequest.kind == kind)
    q = q.strip()
    if q:
        conditions = [School.name_lower.contains(q.lower()), AdHocRequest.reference.contains(q.upper())]
        if q.isdigit():
            conditions.append(School.urn == int(q))
        query = query.where(or_(*conditions))
    query = query.options(selectinload(AdHocRequest.school)).order_by(AdHocRequest.id.desc())
    return paginate(query, page, per_page)


def minutes_by_request(ids: list[int]) -> dict[int, int]:
    """Minutes booked per request, in one query (for lists)."""
    if not ids:
        return {}
    return dict(db.session.execute(select(TimeEntry.request_id, func.sum(TimeEntry.minutes))
                                   .where(TimeEntry.request_id.in_(ids)).group_by(TimeEntry.request_id)).all())


def status_counts() -> dict[str, int]:
    return dict(db.session.execute(select(AdHocRequest.status, func.count()).group_by(AdHocRequest.status)).all())


def portal_requests(school_ids: set[int]) -> list[AdHocRequest]:
    """A school user's requests: those waiting for the school's answer first, then the newest."""
    return list(db.session.scalars(
        select(AdHocRequest).where(AdHocRequest.school_id.in_(school_ids))
        .options(selectinload(AdHocRequest.school))
        .order_by((AdHocRequest.status == "estimated").desc(), AdHocRequest.id.desc())))


# -- documents --------------------------------------------------------------------------------

def answer_text(request: AdHocRequest) -> str:
    if request.authorised_on is not None:
        how = "in the school portal" if request.authorised_via == "portal" else "in writing"
        return f"Authorised by {request.authorised_by_name} on {request.authorised_on:%d %B %Y}, {how}."
    if request.status == "declined":
        return f"Declined by the school: {request.declined_reason}"
    return ""


def estimate_document(request: AdHocRequest) -> EstimateDocument | None:
    if request.estimate_hours is None:
        return None
    school = request.school
    price = adhoc_price(request.estimate_sla_year, school.customer_type)
    vat_code = price.vat_code if price else "S"
    estimated_on = request.estimated_at.date() if request.estimated_at else date.today()
    return EstimateDocument(
        reference=request.reference, kind_name=kind_name(request.kind), kind_section=KIND_SECTIONS[request.kind],
        school_name=school.name, school_urn=school.urn, school_address=school.address,
        customer_type=school.customer_type, description=request.description, third_party=request.third_party,
        hours=request.estimate_hours, sla_year_label=SlaYear(request.estimate_sla_year).label,
        rate=request.estimate_rate, vat_code=vat_code, vat_rate=VAT_RATES[vat_code], estimated_on=estimated_on,
        estimated_by=request.estimated_by or "", answer=answer_text(request))


def estimate_pdf(request: AdHocRequest) -> bytes | None:
    document = estimate_document(request)
    return None if document is None else render_estimate_pdf(document, invoice_issuer())


def _invoiced_charge(request: AdHocRequest, invoice: Invoice) -> Charge:
    """The charge as the invoice made it: its lines' rates, whatever the price lists say today.

    The invoice has one line per SLA year that was charged hours, in year order
    (services.invoice_run), so the lines give those years' rates.
    """
    entries = work_entries(request)
    years = {SlaYear.containing(e.work_date).start_year for e in entries}
    hours_only = charge_breakdown(entries, {year: Decimal(0) for year in years})
    charged_years = [part.sla_year for part in hours_only if part.hours]
    rates = {year: line.unit_price for year, line in zip(charged_years, invoice.lines)}
    for year in years - rates.keys():
        rates[year] = Decimal("0.00")  # a year whose minutes only finished an hour already charged
    return Charge(sum(e.minutes for e in entries), charge_breakdown(entries, rates))


def rework_report(request: AdHocRequest, invoice: Invoice | None = None) -> ReworkReport | None:
    """§9.5's report: why the council intervened and the breakdown of charges (rework only).

    Once invoiced, the breakdown and VAT are the invoice's own, so the report always
    agrees with the invoice it goes with.
    """
    if request.kind != "rework":
        return None
    invoice = invoice or invoice_of(request)
    if invoice is not None:
        result = _invoiced_charge(request, invoice)
        vat = vat_summary(((l.vat_code, l.net) for l in invoice.lines), {l.vat_code: l.vat_rate for l in invoice.lines})
    else:
        result = charge(request)
        codes = {}
        for part in result.parts:
            price = adhoc_price(part.sla_year, request.school.customer_type)
            codes[part.sla_year] = price.vat_code if price else "S"
        vat = vat_summary(((codes[p.sla_year], p.net) for p in result.parts), VAT_RATES)
    school = request.school
    return ReworkReport(
        reference=request.reference, school_name=school.name, school_urn=school.urn, school_address=school.address,
        customer_type=school.customer_type, description=request.description, third_party=request.third_party,
        intervention_report=request.intervention_report, completed_on=request.completed_on,
        entries=tuple(work_entries(request)), parts=tuple(result.parts), vat=tuple(vat),
        invoice_number=invoice.number if invoice is not None else None)


def report_pdf(request: AdHocRequest) -> bytes | None:
    report = rework_report(request)
    return None if report is None else render_rework_report_pdf(report, invoice_issuer())


def invoice_attachments(invoice: Invoice) -> tuple[str, ...]:
    """The §9.5 report printed after a rework invoice, so the report travels with the invoice."""
    request = invoice.adhoc_request
    if invoice.kind != "invoice" or request is None or request.kind != "rework":
        return ()
    return report_summary(rework_report(request, invoice))


# -- the service desk's time log --------------------------------------------------------------

@dataclass
class TimeLogReport:
    source: str
    added: int = 0
    minutes: int = 0
    already_imported: int = 0
    references: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} time entr{'y' if self.added == 1 else 'ies'} added ({self.minutes} minutes) to "
                 f"{len(self.references)} request(s)"]
        if self.started:
            parts.append(f"work started on {', '.join(self.started)}")
        if self.already_imported:
            parts.append(f"{self.already_imported} row(s) already imported before, skipped")
        return "; ".join(parts)


def _parse_date(text: str) -> date | None:
    text = text.strip()
    if len(text) >= 10 and text[4:5] == "-" and text[10:11] in ("", " ", "T"):
        text = text[:10]  # spreadsheets write date cells as "2026-03-12 00:00:00"
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def import_key(urn: int, reference: str, kind: str, work_date: date, minutes: int, description: str) -> str:
    """What makes a time-log row the same row when the log is imported again: all of its cells."""
    text = "\x1f".join([str(urn), reference, kind, work_date.isoformat(), str(minutes), " ".join(description.split())])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_time_log(data: bytes | str | Path, source: str = "time log", today: date | None = None) -> TimeLogReport:
    """The service desk's time log (DESIGN §4: urn,reference,kind,date,minutes,description) -> time entries.

    All or nothing: every row is checked first (unknown school or kind, a reference
    that is not a request, or is another school's or kind's, minutes of zero or less,
    a date in the future, before the authorisation or in a year with no published ad
    hoc rate, a request not authorised (§7.3) or already complete (§7.4), a row
    repeated in the file) and nothing is written if any is wrong. Rows imported before
    are recognised and skipped, so the same log twice adds nothing and charges nothing
    twice; a log with nothing new is refused.
    """
    today = today or date.today()
    frame = read_table(data, source)
    frame.columns = [c.strip().lower() for c in frame.columns]
    require_columns(frame, IMPORT_COLUMNS, source, "a service desk time log (urn,reference,kind,date,minutes,"
                                                   "description)")
    if frame.empty:
        raise ImportRefused(Problem(None, None, "the time log has no rows"), source)
    columns = {name: cells(frame, name) for name in IMPORT_COLUMNS}
    problems: list[Problem] = []
    urns: list[int | None] = []
    for number, text in enumerate(columns["urn"], start=FIRST_DATA_ROW):
        urns.append(parse_whole_number(text, number, "urn", problems))
    references = [normalise_reference(r) for r in columns["reference"]]
    schools = {s.urn: s for s in db.session.scalars(select(School).where(School.urn.in_({u for u in urns if u})))}
    requests = {r.reference: r for r in db.session.scalars(
        select(AdHocRequest).where(AdHocRequest.reference.in_({r for r in references if r}))
        .options(selectinload(AdHocRequest.school)))}

    parsed = []  # (row number, request, work date, minutes, note, key)
    for index, number in enumerate(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))):
        found = len(problems)
        urn, reference, kind = urns[index], references[index], columns["kind"][index].strip().lower()
        description = columns["description"][index]
        work_date = _parse_date(columns["date"][index])
        if not columns["date"][index]:
            problems.append(Problem(number, "date", "is empty"))
        elif work_date is None:
            problems.append(Problem(number, "date", f"{columns['date'][index]!r} is not a date (use YYYY-MM-DD)"))
        minutes = parse_whole_number(columns["minutes"][index], number, "minutes", problems, minimum=-(10 ** 9))
        if minutes is not None:
            try:
                check_minutes(minutes)
            except AdhocRuleBroken as exc:
                problems.append(Problem(number, "minutes", str(exc)))
        try:
            check_kind(kind)
        except AdhocRuleBroken as exc:
            problems.append(Problem(number, "kind", str(exc) if kind else "is empty"))
        if urn is not None and urn not in schools:
            problems.append(Problem(number, "urn", f"no school with URN {urn}"))
        if not reference:
            problems.append(Problem(number, "reference", "is empty"))
        if len(problems) > found:
            continue
        parsed.append((number, urn, reference, kind, work_date, minutes, description.strip(),
                       import_key(urn, reference, kind, work_date, minutes, description)))

    keys = [row[-1] for row in parsed]
    known = set(db.session.scalars(select(TimeEntry.import_key).where(TimeEntry.import_key.in_(keys)))) if keys \
        else set()
    report = TimeLogReport(source)
    first_seen: dict[str, int] = {}
    book = PriceBook()
    new_rows = []
    for number, urn, reference, kind, work_date, minutes, note, key in parsed:
        if key in known:
            report.already_imported += 1  # imported before: skipped whatever the request's state now
            continue
        if key in first_seen:
            problems.append(Problem(number, None, f"repeats row {first_seen[key]} exactly; the same work would be "
                                                  "charged twice"))
            continue
        first_seen[key] = number
        request = requests.get(reference)
        if request is None:
            problems.append(Problem(number, "reference", f"no ad hoc request {reference}: create it and have the "
                                                         "school authorise it before importing its time"))
            continue
        if request.school.urn != urn:
            problems.append(Problem(number, "urn", f"request {reference} is for {request.school.name} (URN "
                                                   f"{request.school.urn}), not URN {urn}"))
            continue
        if request.kind != kind:
            problems.append(Problem(number, "kind", f"request {reference} is a {request.kind} request, not {kind}"))
            continue
        try:
            check_bookable(request.status)
        except AdhocRuleBroken as exc:
            problems.append(Problem(number, "reference", f"{reference}: {exc}"))
            continue
        try:
            check_work_date(request.authorised_on, work_date, today)
            _check_rate(book, work_date, request.school.customer_type)
        except AdhocRuleBroken as exc:
            problems.append(Problem(number, "date", str(exc)))
            continue
        new_rows.append((request, work_date, minutes, note, key))
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.row or 0), source)
    if not new_rows:
        raise ImportRefused(Problem(None, None, (
            f"all {report.already_imported} row(s) of this time log were imported before; nothing was added, so "
            "nothing is charged twice")), source)

    touched: dict[int, AdHocRequest] = {}
    for request, work_date, minutes, note, key in new_rows:
        db.session.add(TimeEntry(request=request, work_date=work_date, minutes=minutes, who=IMPORTED_BY, note=note,
                                 import_key=key))
        report.added += 1
        report.minutes += minutes
        touched[request.id] = request
    for request in touched.values():
        if request.status == "authorised":
            _transition(request, "in_progress")
            report.started.append(request.reference)
    report.references = sorted(r.reference for r in touched.values())
    db.session.flush()
    audit.record("import", "TimeEntry", "-", f"{source}: {report.summary()}")
    db.session.commit()
    return report


