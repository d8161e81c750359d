"""Agreements: drafts, pricing, issuing, changes, rollover and cancellation (SLA §1, §2, §4)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pricing.money import round_money
from pricing.sla_year import SlaYear

from agreements.lifecycle import TransitionRefused, check_transition, notice_terms, status_on
from contracts_app.extensions import db
from contracts_app.models import (
    Agreement,
    AgreementCharge,
    AgreementLine,
    CancellationNotice,
    School,
    SchoolGroup,
    Service,
)
from contracts_app.models.catalogue import LISTS
from contracts_app.models.types import utcnow
from contracts_app.services import audit, price_lists
from pricing.errors import ActionRefused
from contracts_app.services.price_check import price_agreement, price_school

LIVE = ("draft", "active", "notice_given")


@dataclass(frozen=True)
class LineInput:
    service_code: str
    list_name: str
    quantity: Decimal = Decimal(1)
    start_date: date | None = None


def transition(agreement: Agreement, new: str, why: str) -> None:
    """Move the agreement to ``new``, refusing illegal moves, and audit the transition."""
    try:
        check_transition(agreement.status, new)
    except TransitionRefused as exc:
        raise ActionRefused(f"{agreement.name}: {exc}") from None
    old, agreement.status = agreement.status, new
    db.session.flush()
    audit.record("transition", "Agreement", agreement.id, f"{agreement.name}: {old} → {new} ({why})",
                 {"status": [old, new]})


def find(year: int, school: School | None = None, group: SchoolGroup | None = None) -> Agreement | None:
    """The party's live (not cancelled) agreement for the year."""
    query = select(Agreement).where(Agreement.sla_year == year, Agreement.status != "cancelled")
    query = query.where(Agreement.school_id == school.id) if school else query.where(Agreement.group_id == group.id)
    return db.session.scalar(query)


def party_customer_type(school: School | None, group: SchoolGroup | None) -> str:
    """A group's members share one customer type, since they share one price list column."""
    if school is not None:
        return school.customer_type
    types = {member.customer_type for member in group.schools}
    if not types:
        raise ActionRefused(f"the group {group.name} has no member schools")
    if len(types) > 1:
        raise ActionRefused(f"the group {group.name} mixes maintained schools and academies; "
                            "make one agreement per customer type")
    return types.pop()


def create_draft(year: int, *, school: School | None = None, group: SchoolGroup | None = None,
                 from_catalogue: bool = True, odm_name: str = "", odm_email: str = "") -> Agreement:
    """A draft for the SLA year (1 April - 31 March), optionally with the catalogue's default lists."""
    if (school is None) == (group is None):
        raise ActionRefused("an agreement is with one school or one group of schools")
    existing = find(year, school, group)
    if existing is not None:
        raise ActionRefused(f"{existing.name} already exists ({existing.status})")
    sla_year = SlaYear(year)
    if not odm_name:  # §10.1: every customer has a nominated ODM; the council's default until named
        odm_name = current_app.config["DEFAULT_ODM"]
    agreement = Agreement(sla_year=year, school=school, group=group, status="draft",
                          term_start=sla_year.start, term_end=sla_year.end,
                          customer_type=party_customer_type(school, group), odm_name=odm_name, odm_email=odm_email)
    db.session.add(agreement)
    if from_catalogue:
        for service in db.session.scalars(select(Service).where(Service.retired_at.is_(None))
                                          .order_by(Service.code)):
            agreement.lines.append(AgreementLine(service=service, service_code=service.code, title=service.title,
                                                 list_name=service.default_list, quantity=Decimal(1)))
    db.session.flush()
    refresh_draft_total(agreement)
    db.session.commit()
    return agreement


def _check_line(agreement: Agreement, item: LineInput, service: Service | None) -> None:
    label = item.service_code
    if service is None:
        raise ActionRefused(f"{label}: no such service in the catalogue")
    if item.list_name not in LISTS:
        raise ActionRefused(f"{label}: list must be one of {', '.join(LISTS)}, not {item.list_name!r}")
    if item.list_name == "subscribed" and item.quantity <= 0:
        raise ActionRefused(f"{label}: a subscribed service needs a quantity of 1 or more, not {item.quantity}")
    if item.start_date is not None and not agreement.term_start <= item.start_date <= agreement.term_end:
        raise ActionRefused(f"{label}: start date {item.start_date:%d %B %Y} is outside the term "
                            f"({agreement.term_start:%d %B %Y} to {agreement.term_end:%d %B %Y})")


def set_lines(agreement: Agreement, items: list[LineInput]) -> None:
    """Replace a draft's lines (services not given are dropped). Nothing changes on any error."""
    if agreement.status != "draft":
        raise ActionRefused(f"{agreement.name} is {agreement.status}: its lines and prices are fixed; "
                            "change an active agreement by adding or removing a service from a date")
    services = {s.code: s for s in db.session.scalars(select(Service))}
    seen = set()
    for item in items:
        _check_line(agreement, item, services.get(item.service_code))
        if item.service_code in seen:
            raise ActionRefused(f"{item.service_code}: listed twice")
        seen.add(item.service_code)
    existing = {line.service_code: line for line in agreement.lines}
    for code, line in existing.items():
        if code not in seen:
            agreement.lines.remove(line)
    for item in items:
        line = existing.get(item.service_code)
        if line is None:
            service = services[item.service_code]
            line = AgreementLine(service=service, service_code=service.code, title=service.title)
            agreement.lines.append(line)
        line.list_name = item.list_name
        line.quantity = item.quantity if item.list_name == "subscribed" else Decimal(1)
        line.start_date = item.start_date if item.list_name == "subscribed" else None
    db.session.flush()
    refresh_draft_total(agreement)


def refresh_draft_total(agreement: Agreement) -> None:
    if agreement.status != "draft":
        return
    check = price_agreement(agreement)
    agreement.annual_total = check.total if check is not None and check.complete else None


def issue(agreement: Agreement, by: str) -> Agreement:
    """draft -> active: price every subscribed line and snapshot it (DESIGN "Agreement").

    A missing census figure, a missing price or no published list blocks this
    agreement with the reason; nothing is changed.
    """
    if agreement.status != "draft":
        raise ActionRefused(f"{agreement.name} is already {agreement.status}; it cannot be issued again")
    price_list = price_lists.published(agreement.sla_year)
    if price_list is None:
        raise ActionRefused(f"{agreement.name}: the {SlaYear(agreement.sla_year).label} price list is not "
                            "published")
    if not agreement.lines_in("subscribed"):
        raise ActionRefused(f"{agreement.name}: no subscribed services")
    check = price_agreement(agreement, price_list)
    if not check.complete:
        raise ActionRefused(f"{agreement.name}: " + "; ".join(p.reason for p in check.problems))
    priced = {line.service_code: line for line in check.lines}
    for line in agreement.lines:
        if line.list_name == "subscribed":
            result = priced[line.service_code]
            line.annual_price, line.explanation, line.vat_code = result.annual, result.explanation, result.vat_code
        else:
            line.annual_price, line.explanation, line.vat_code = None, "", None
    agreement.price_list = price_list
    agreement.census_label = check.census.label
    agreement.pupils = check.pupils
    agreement.customer_type = party_customer_type(agreement.school, agreement.group)
    agreement.annual_total = check.total
    # The SLA document is rendered with the template version current at issue, for good.
    from contracts_app.services.documents import current_template

    agreement.template = current_template()
    agreement.issued_at = utcnow()
    agreement.issued_by = by
    transition(agreement, "active", f"issued by {by} on {price_list.name}")
    return agreement


@dataclass
class IssueReport:
    """What a year's issue did: agreement ids issued, and (id, reason) for those left as drafts."""

    issued_ids: list[int] = field(default_factory=list)
    refused_ids: list[tuple[int, str]] = field(default_factory=list)

    @property
    def issued(self) -> list[Agreement]:
        return _load_agreements(self.issued_ids)

    @property
    def refused(self) -> list[tuple[Agreement, str]]:
        loaded = {a.id: a for a in _load_agreements([i for i, _ in self.refused_ids])}
        return [(loaded[i], reason) for i, reason in self.refused_ids]


def _load_agreements(ids: list[int]) -> list[Agreement]:
    if not ids:
        return []
    by_id = {a.id: a for a in db.session.scalars(select(Agreement).where(Agreement.id.in_(ids)))}
    return [by_id[i] for i in ids]


def issue_year(year: int, by: str) -> IssueReport:
    """Issue every draft of the year; one that cannot be issued is reported and left as it was.

    Single-school drafts go through the bulk path (services.issuing, same rules, no
    per-agreement round trips); group agreements, which add up members' pupils, one by one.
    """
    from pricing.bulk import cyclic_gc_paused
    from contracts_app.services.issuing import issue_school_drafts
    from contracts_app.services.documents import current_template

    report = IssueReport()
    try:
        with cyclic_gc_paused():
            bulk = issue_school_drafts(year, by, current_template().id)
        report.issued_ids.extend(bulk.issued)
        report.refused_ids.extend((agreement_id, reason) for agreement_id, _, reason in bulk.refused)
    except ActionRefused as exc:
        report.refused_ids.extend((agreement_id, f"{exc.message}") for agreement_id in db.session.scalars(
            select(Agreement.id).where(Agreement.sla_year == year, Agreement.status == "draft",
                                       Agreement.school_id.is_not(None))))
    groups = db.session.scalars(select(Agreement).where(
        Agreement.sla_year == year, Agreement.status == "draft", Agreement.group_id.is_not(None))
        .options(selectinload(Agreement.lines)).order_by(Agreement.id)).all()
    for agreement in groups:
        savepoint = db.session.begin_nested()
        try:
            issue(agreement, by)
            savepoint.commit()
            report.issued_ids.append(agreement.id)
        except ActionRefused as exc:
            savepoint.rollback()
            report.refused_ids.append((agreement.id, exc.message))
    db.session.commit()
    return report


# -- bulk: import and rollover ------------------------------------------------------------

@dataclass
class AgreementImportReport:
    created: int = 0
    updated: int = 0
    lines: int = 0

    def summary(self) -> str:
        return f"{self.created} draft(s) created, {self.updated} updated, {self.lines} line(s)"


def import_agreements(data, year: int, source: str = "agreements file") -> AgreementImportReport:
    """Columns urn,service_code,quantity,status[,start_date] -> the year's drafts (upserted).

    Every row is checked first: unknown URN or service, a quantity of 0 or less for a
    subscribed line, a start date that is not a date or is outside the term, a school
    whose agreement is already issued. Nothing is written if any row is wrong.
    """
    from contracts_app.services.imports import FIRST_DATA_ROW, cells, read_table, require_columns
    from pricing.errors import ImportRefused, Problem

    sla_year = SlaYear(year)
    frame = read_table(data, source)
    frame.columns = [c.lower() for c in frame.columns]
    require_columns(frame, ("urn", "service_code", "quantity", "status"), source,
                    "an agreements file (urn,service_code,quantity,status[,start_date])")
    schools = {s.urn: s for s in db.session.scalars(select(School))}
    services = {s.code: s for s in db.session.scalars(select(Service))}
    existing = {a.school_id: a for a in db.session.scalars(
        select(Agreement).where(Agreement.sla_year == year, Agreement.status != "cancelled",
                                Agreement.school_id.is_not(None)).options(selectinload(Agreement.lines)))}
    problems: list[Problem] = []
    wanted: dict[int, dict[str, LineInput]] = {}
    columns = {c: cells(frame, c) for c in ("urn", "service_code", "quantity", "status", "start_date")}
    for i in range(len(frame)):
        row = i + FIRST_DATA_ROW
        urn_text, code = columns["urn"][i], columns["service_code"][i].upper()
        status, quantity_text = columns["status"][i].lower(), columns["quantity"][i]
        school = schools.get(int(urn_text)) if urn_text.isdigit() else None
        if school is None:
            problems.append(Problem(row, "urn", f"no school with URN {urn_text!r}"))
        elif school.id in existing and existing[school.id].status != "draft":
            problems.append(Problem(row, "urn", f"{school.name}'s {sla_year.label} agreement is already "
                                                f"{existing[school.id].status}; it is not a draft"))
        if code not in services:
            problems.append(Problem(row, "service_code", f"no service {code!r} in the catalogue"))
        if status not in LISTS:
            problems.append(Problem(row, "status", f"{status!r} is not subscribed, additional or excluded"))
        try:
            quantity = Decimal(quantity_text or ("1" if status != "subscribed" else ""))
            if not quantity.is_finite():
                raise ArithmeticError
        except ArithmeticError:
            problems.append(Problem(row, "quantity", f"{quantity_text!r} is not a number"))
            quantity = None
        if quantity is not None and status == "subscribed" and quantity <= 0:
            problems.append(Problem(row, "quantity", f"a subscribed service needs a quantity of 1 or more, "
                                                     f"not {quantity_text}"))
        start = None
        if columns["start_date"][i]:
            try:
                start = date.fromisoformat(columns["start_date"][i])
            except ValueError:
                problems.append(Problem(row, "start_date", f"{columns['start_date'][i]!r} is not a date "
                                                           "(use YYYY-MM-DD)"))
            else:
                if not sla_year.start <= start <= sla_year.end:
                    problems.append(Problem(row, "start_date", f"{start:%d %B %Y} is outside the "
                                                               f"{sla_year.label} term"))
        if problems and problems[-1].row == row or school is None or quantity is None:
            continue
        lines = wanted.setdefault(school.id, {})
        if code in lines:
            problems.append(Problem(row, "service_code", f"{code} is listed twice for URN {school.urn}"))
            continue
        lines[code] = LineInput(code, status, quantity if status == "subscribed" else Decimal(1),
                                start if status == "subscribed" else None)
    if problems:
        raise ImportRefused(problems, source)
    if not wanted:
        raise ImportRefused(Problem(None, None, "the file has no agreement rows"), source)

    report = AgreementImportReport()
    by_id = {s.id: s for s in schools.values()}
    for school_id, lines in wanted.items():
        agreement = existing.get(school_id)
        if agreement is None:
            agreement = create_draft(year, school=by_id[school_id], from_catalogue=False)
            report.created += 1
        else:
            report.updated += 1
        merged = {line.service_code: LineInput(line.service_code, line.list_name, line.quantity, line.start_date)
                  for line in agreement.lines}
        merged.update(lines)
        try:
            set_lines(agreement, list(merged.values()))
        except ActionRefused as exc:
            raise ImportRefused(Problem(None, None, exc.message), source) from None
        report.lines += len(lines)
    audit.record("import", "Agreement", "-", f"{sla_year.label} agreements from {source}: {report.summary()}")
    db.session.commit()
    return report


@dataclass
class RolloverReport:
    created: list[Agreement] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def rollover(year: int) -> RolloverReport:
    """Drafts for the next SLA year from this year's agreements, re-priced on next year's list.

    Cancelled agreements, and ones under notice, never roll over (§2.4, DESIGN
    "Cancellation"). Lines removed mid-year are left out; start dates are cleared.
    """
    next_year = year + 1
    report = RolloverReport()
    settle(date.today())
    agreements = db.session.scalars(select(Agreement).where(Agreement.sla_year == year)
                                    .options(selectinload(Agreement.lines)).order_by(Agreement.id)).all()
    for old in agreements:
        if old.status in ("cancelled", "notice_given", "draft") or old.notices:
            why = "notice of cancellation given" if old.notices else old.status
            report.skipped.append((old.name, why))
            continue
        if find(next_year, old.school, old.group) is not None:
            report.skipped.append((old.name, f"already has a {SlaYear(next_year).label} agreement"))
            continue
        try:
            new = create_draft(next_year, school=old.school, group=old.group, from_catalogue=False,
                               odm_name=old.odm_name, odm_email=old.odm_email)
        except ActionRefused as exc:
            report.skipped.append((old.name, exc.message))
            continue
        keep = [LineInput(line.service_code, line.list_name, line.quantity, None) for line in old.lines
                if line.end_date is None and line.service.retired_at is None]
        set_lines(new, keep)
        audit.record("create", "Agreement", new.id, f"{new.name}: rolled over from {old.name}")
        report.created.append(new)
    db.session.commit()
    return report


# -- changes to an active agreement ----------------------------------------------------------

def _live(agreement: Agreement) -> None:
    if agreement.status not in ("active", "notice_given"):
        raise ActionRefused(f"{agreement.name} is {agreement.status}; only an active agreement changes mid-year")


def add_service(agreement: Agreement, service: Service, quantity: Decimal, from_date: date) -> AgreementLine:
    """Subscribe to a service from a date; invoicing charges it pro rata from then (§2.7)."""
    _live(agreement)
    item = LineInput(service.code, "subscribed", quantity, from_date)
    _check_line(agreement, item, service)
    current = next((line for line in agreement.lines if line.service_code == service.code), None)
    if current is not None and current.list_name == "subscribed" and current.end_date is None:
        raise ActionRefused(f"{service.code} is already subscribed on {agreement.name}")
    # Priced on the version and census the agreement was issued on, never a later list.
    school = agreement.school or agreement.group.lead_school or agreement.schools[0]
    check = price_school(school, agreement.price_list, [(service.code, quantity)],
                         pupils_override=agreement.pupils, look_up_pupils=False)
    if not check.complete:
        raise ActionRefused("; ".join(p.reason for p in check.problems))
    priced = check.lines[0]
    if current is not None:
        agreement.lines.remove(current)
        db.session.flush()
    line = AgreementLine(service=service, service_code=service.code, title=service.title, list_name="subscribed",
                         quantity=quantity, start_date=from_date, annual_price=priced.annual,
                         explanation=priced.explanation, vat_code=priced.vat_code)
    agreement.lines.append(line)
    agreement.annual_total = round_money(sum((l.annual_price or Decimal(0)) for l in agreement.lines_in("subscribed")))
    db.session.flush()
    audit.record("update", "Agreement", agreement.id,
                 f"{agreement.name}: {service.code} added from {from_date:%d %B %Y} ({priced.explanation})")
    db.session.commit()
    return line


def remove_service(agreement: Agreement, line: AgreementLine, from_date: date) -> None:
    """Stop a service from a date. It is still owed for the term: no refund (§2.5 d)."""
    _live(agreement)
    if line.agreement_id != agreement.id or line.list_name != "subscribed":
        raise ActionRefused("only a subscribed service of this agreement can be removed")
    if line.end_date is not None:
        raise ActionRefused(f"{line.service_code} was already removed from {line.end_date:%d %B %Y}")
    if not agreement.term_start <= from_date <= agreement.term_end:
        raise ActionRefused(f"{from_date:%d %B %Y} is outside the term")
    line.end_date = from_date
    audit.record("update", "Agreement", agreement.id,
                 f"{agreement.name}: {line.service_code} stops from {from_date:%d %B %Y}; still owed for the "
                 "term (§2.5 d)")
    db.session.commit()


def add_charge(agreement: Agreement, description: str, amount: Decimal, vat_code: str, by: str) -> AgreementCharge:
    """A one-off charge, e.g. SIMS/FMS licence costs on cancellation (§2.5 e); invoiced by the next run."""
    if agreement.status == "draft":
        raise ActionRefused("add charges to an issued agreement")
    if amount <= 0 or amount != round_money(amount):
        raise ActionRefused(f"the amount must be positive pounds and pence, not {amount}")
    if vat_code not in ("S", "Z", "E", "O"):
        raise ActionRefused(f"unknown VAT code {vat_code!r}")
    if not description.strip():
        raise ActionRefused("describe the charge")
    charge = AgreementCharge(agreement=agreement, description=description.strip(), amount=amount,
                             vat_code=vat_code, created_by=by)
    db.session.add(charge)
    db.session.commit()
    return charge


# -- cancellation ----------------------------------------------------------------------------

def give_notice(agreement: Agreement, *, notice_date: date, requested_date: date | None, given_by: str,
                reason: str = "", fundamental_breach: bool = False, recorded_by: str = "",
                today: date | None = None) -> CancellationNotice:
    """Record written notice of cancellation (§2.4) and return it with its effective date."""
    today = today or date.today()
    settle(today)
    if agreement.status not in ("active",):
        raise ActionRefused(f"{agreement.name} is {agreement.status.replace('_', ' ')}; notice can only be "
                            "given on an active agreement")
    try:
        terms = notice_terms(notice_date, requested_date, given_by=given_by, fundamental_breach=fundamental_breach)
    except TransitionRefused as exc:
        raise ActionRefused(str(exc)) from None
    notice = CancellationNotice(agreement=agreement, given_by=given_by, notice_date=notice_date,
                                requested_date=requested_date, effective_date=terms.effective_date,
                                fundamental_breach=fundamental_breach, reason=reason.strip(),
                                recorded_by=recorded_by)
    db.session.add(notice)
    why = "fundamental breach (§2.4 c)" if fundamental_breach else f"notice by the {given_by} (§2.4)"
    transition(agreement, "notice_given", f"{why}, effective {terms.effective_date:%d %B %Y}")
    db.session.flush()
    settle(today)
    db.session.commit()
    return notice


def withdraw_draft(agreement: Agreement) -> None:
    if agreement.status != "draft":
        raise ActionRefused(f"{agreement.name} is {agreement.status}; only a draft can be withdrawn")
    transition(agreement, "cancelled", "draft withdrawn")
    db.session.commit()


def settle(today: date) -> int:
    """Apply what the calendar has decided: notices reaching their effective date cancel the
    agreement; terms that have run out end it. Returns how many changed."""
    changed = 0
    live = db.session.scalars(select(Agreement).where(Agreement.status.in_(("active", "notice_given")),
                                                      ((Agreement.term_end < today) |
                                                       (Agreement.status == "notice_given")))).all()
    for agreement in live:
        notice = agreement.notice
        new = status_on(agreement.status, today, agreement.term_end, notice.effective_date if notice else None)
        if new != agreement.status:
            why = (f"notice effective {notice.effective_date:%d %B %Y}" if new == "cancelled"
                   else f"term ended {agreement.term_end:%d %B %Y}")
            transition(agreement, new, why)
            changed += 1
    return changed
