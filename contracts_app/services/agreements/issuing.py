"""Issuing agreements, draft -> active (DESIGN "Agreement"): one at a time, and a whole year's
drafts in bulk (DESIGN §5: every school in England) under the same rules.

In bulk, each batch of single-school drafts is priced from one in-memory copy of the
price list and one query for the census figures, then written with executemany
updates. An agreement that cannot be issued (missing census figure, no price for a
service) is reported with its reason and left as a draft, exactly as ``issue`` does.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, PriceList, School
from contracts_app.models.types import utcnow
from contracts_app.services import audit, events, price_lists
from contracts_app.services.agreements.drafts import party_customer_type
from contracts_app.services.agreements.status import transition
from contracts_app.services.census import census_for
from contracts_app.services.documents import current_template
from contracts_app.services.price_check import price_agreement
from contracts_app.services.register import census as census_links
from contracts_app.services.transactions import refusal_rolls_back
from invoices.schedule import ScheduleError, check_term
from pricing.bulk import cyclic_gc_paused
from pricing.census import CensusRef
from pricing.check import PricedLine, price_line
from pricing.errors import ActionRefused, MissingCensus, PricingError
from pricing.models import PricingContext
from pricing.money import round_money
from pricing.price_list import PriceRow
from pricing.sla_year import SlaYear
from register.census import CensusChoice

BATCH = 1000


# -- one agreement ---------------------------------------------------------------------------

def _snapshot_prices(agreement: Agreement, priced: dict[str, PricedLine]) -> None:
    """Fix each subscribed line's price; the other lists carry none."""
    for line in agreement.lines:
        if line.list_name == "subscribed":
            result = priced[line.service_code]
            line.annual_price, line.explanation, line.vat_code = result.annual, result.explanation, result.vat_code
        else:
            line.annual_price, line.explanation, line.vat_code = None, "", None


def _check_term(name: str, customer_type: str, term_start: date, term_end: date) -> None:
    """§2.7's term rule at issue too: a term entered before it, or a school that has become an
    academy since, is stopped here rather than issued and then skipped by every invoice run."""
    try:
        check_term(customer_type, term_start, term_end)
    except ScheduleError as exc:
        raise ActionRefused(f"{name}: {exc}") from None


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
    customer_type = party_customer_type(agreement.school, agreement.group)
    _check_term(agreement.name, customer_type, agreement.term_start, agreement.term_end)
    check = price_agreement(agreement, price_list)
    if not check.complete:
        raise ActionRefused(f"{agreement.name}: " + "; ".join(p.reason for p in check.problems))
    _snapshot_prices(agreement, {line.service_code: line for line in check.lines})
    agreement.price_list = price_list
    agreement.census_label = check.census.label
    agreement.pupils = check.pupils
    agreement.customer_type = customer_type
    agreement.annual_total = check.total
    # The SLA document is rendered with the template version current at issue for the
    # agreement's customer type (maintained or academy), for good.
    agreement.template = current_template(customer_type)
    agreement.issued_at = utcnow()
    agreement.issued_by = by
    transition(agreement, "active", f"issued by {by} on {price_list.name}")
    events.emit("agreement.issued", agreement=agreement)
    return agreement


@refusal_rolls_back
def issue_draft(agreement: Agreement, by: str) -> Agreement:
    """``issue`` as its own transaction (the agreement's page)."""
    issue(agreement, by)
    db.session.commit()
    return agreement


# -- a whole year ------------------------------------------------------------------------------

@dataclass
class IssueReport:
    """What a year's issue did: agreement ids issued, and (id, reason) for those left as drafts."""

    issued_ids: list[int] = field(default_factory=list)
    refused_ids: list[tuple[int, str]] = field(default_factory=list)

    @property
    def issued(self) -> list[Agreement]:
        """The agreements issued, in the order they were."""
        return _load_agreements(self.issued_ids)

    @property
    def refused(self) -> list[tuple[Agreement, str]]:
        """(agreement, reason) for each draft left as it was."""
        loaded = {a.id: a for a in _load_agreements([i for i, _ in self.refused_ids])}
        return [(loaded[i], reason) for i, reason in self.refused_ids]


def _load_agreements(ids: list[int]) -> list[Agreement]:
    if not ids:
        return []
    by_id = {a.id: a for a in db.session.scalars(select(Agreement).where(Agreement.id.in_(ids)))}
    return [by_id[i] for i in ids]


def _school_draft_ids(year: int) -> list[int]:
    return list(db.session.scalars(select(Agreement.id).where(
        Agreement.sla_year == year, Agreement.status == "draft", Agreement.school_id.is_not(None))
        .order_by(Agreement.id)))


def _issue_groups(year: int, by: str, report: IssueReport, progress: Callable[[int], None] | None = None) -> None:
    """Group agreements one by one (priced per member on each member's census), each in its own savepoint."""
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
        if progress:
            progress(1)


MAX_CHOSEN = 500  # a list page shows 50; more ids than this are not a person's choice


def issue_chosen(ids: list[int], by: str) -> IssueReport:
    """The drafts chosen on the agreements list (issue #30), one by one in savepoints: one that cannot be
    issued (not a draft any more, no census figure...) is reported with why and left as it was."""
    if not ids:
        raise ActionRefused("choose at least one draft agreement")
    if len(ids) > MAX_CHOSEN:
        raise ActionRefused(f"choose at most {MAX_CHOSEN} agreements at a time, not {len(ids)}")
    found = {a.id: a for a in db.session.scalars(select(Agreement).where(Agreement.id.in_(set(ids)))
                                                 .options(selectinload(Agreement.lines)))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise ActionRefused(f"there is no agreement {', '.join(map(str, missing[:10]))}")
    report = IssueReport()
    for agreement_id in sorted(found):
        savepoint = db.session.begin_nested()
        try:
            issue(found[agreement_id], by)
            savepoint.commit()
            report.issued_ids.append(agreement_id)
        except ActionRefused as exc:
            savepoint.rollback()
            report.refused_ids.append((agreement_id, exc.message))
    db.session.commit()
    return report


def _templates_by_type() -> dict[str, int | str]:
    """The current template version's id for each customer type, or why there is none."""
    chosen: dict[str, int | str] = {}
    for customer_type in ("maintained", "academy"):
        try:
            chosen[customer_type] = current_template(customer_type).id
        except ActionRefused as exc:
            chosen[customer_type] = exc.message
    return chosen


def issue_year(year: int, by: str, progress: Callable[[int], None] | None = None) -> IssueReport:
    """Issue every draft of the year; one that cannot be issued is reported and left as it was.

    Single-school drafts go through the bulk path (same rules, no per-agreement round
    trips); group agreements, priced per member, one by one. ``progress(n)``: n more
    drafts dealt with (after each committed batch).
    """
    report = IssueReport()
    try:
        with cyclic_gc_paused():
            bulk = issue_school_drafts(year, by, _templates_by_type(), progress)
        report.issued_ids.extend(bulk.issued)
        report.refused_ids.extend((agreement_id, reason) for agreement_id, _, reason in bulk.refused)
    except ActionRefused as exc:
        report.refused_ids.extend((agreement_id, f"{exc.message}") for agreement_id in _school_draft_ids(year))
    _issue_groups(year, by, report, progress)  # each group's email queued by issue() in its savepoint
    db.session.commit()
    return report


# -- the bulk path for single-school drafts ---------------------------------------------------

@dataclass
class BulkIssueReport:
    """Agreement ids issued, and (agreement id, name, reason) for each left as a draft."""

    issued: list[int] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class _YearPrices:
    """The year's published prices in memory; each (service, type, pupils, quantity) priced once."""

    price_list: PriceList
    rows: dict[tuple[str, str], PriceRow]
    census: CensusRef
    label: str
    # None: no census figure. The cache holds only what the key decides; the school is
    # named per agreement, since many schools share one key.
    cache: dict[tuple, PricedLine | str | None] = field(default_factory=dict)

    def price(self, head: Row, line: Row, pupils: int | None, words: str | None = None) -> PricedLine | str:
        """The priced line, or why it cannot be priced; ``words``: a predecessor's figure named."""
        key = (line.service_code, head.customer_type, pupils, line.quantity, words)
        if key not in self.cache:
            self.cache[key] = self._price(head.customer_type, line, pupils, words)
        result = self.cache[key]
        if result is None:
            return f"{head.name} (URN {head.urn}) has no pupil figure for the {self.census.description} census"
        return result

    def _price(self, customer_type: str, line: Row, pupils: int | None, words: str | None) -> PricedLine | str | None:
        row = self.rows.get((line.service_code, customer_type))
        try:
            if row is None:
                raise PricingError(f"no {customer_type} price for {line.service_code} in "
                                   f"{self.price_list.name}")
            return price_line(row, PricingContext(pupils=pupils, census=self.census, quantity=line.quantity,
                                                  census_text=words))
        except MissingCensus:
            return None
        except PricingError as exc:
            return str(exc)


@dataclass
class _BatchWrites:
    """What one batch writes: line prices, agreement heads, and their audit events."""

    lines: list[dict] = field(default_factory=list)
    agreements: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    def add_issued(self, head: Row, lines: list[Row], priced: list[tuple[Row, PricedLine]], pupils: int | None,
                   prices: _YearPrices, by: str, template_id: int | None) -> None:
        """The same snapshot ``issue`` makes, as rows for executemany."""
        for line, result in priced:
            self.lines.append({"line_id": line.id, "annual_price": result.annual,
                               "explanation": result.explanation, "vat_code": result.vat_code})
        for line in lines:
            if line.list_name != "subscribed":
                self.lines.append({"line_id": line.id, "annual_price": None, "explanation": "", "vat_code": None})
        self.agreements.append({
            "agreement_id": head.id, "status": "active", "price_list_id": prices.price_list.id,
            "census_label": prices.census.label, "pupils": pupils, "customer_type": head.customer_type,
            "annual_total": round_money(sum((r.annual for _, r in priced), Decimal(0))),
            "issued_at": utcnow(), "issued_by": by, "template_id": template_id})
        self.events.append({"action": "transition", "entity_type": "Agreement", "entity_id": str(head.id),
                            "summary": f"{head.name} {prices.label}: draft → active (issued by {by} on "
                                       f"{prices.price_list.name})",
                            "changes": {"status": ["draft", "active"]}})

    def write(self) -> None:
        """Every update in two executemany statements, and the audit events in one insert."""
        if self.lines:
            db.session.execute(
                update(AgreementLine.__table__).where(AgreementLine.__table__.c.id == bindparam("line_id"))
                .values(annual_price=bindparam("annual_price"), explanation=bindparam("explanation"),
                        vat_code=bindparam("vat_code")), self.lines)
        if self.agreements:
            table = Agreement.__table__
            # Only drafts move: a concurrent issuer's agreement is left alone (status guard).
            db.session.execute(
                update(table).where(table.c.id == bindparam("agreement_id"), table.c.status == "draft")
                .values(**{k: bindparam(k) for k in self.agreements[0] if k != "agreement_id"}),
                self.agreements)
        audit.record_many(db.session, self.events)


def _load_batch(batch: list[int], census: CensusRef) -> tuple[list[Row], dict[int, CensusChoice],
                                                               dict[int, list[Row]]]:
    """The batch's agreement heads with their schools, the schools' figures (their own, else a
    predecessor's: issue #28), and every line."""
    heads = db.session.execute(
        select(Agreement.id, Agreement.school_id, School.name, School.urn, School.customer_type,
               Agreement.term_start, Agreement.term_end)
        .join(School, School.id == Agreement.school_id).where(Agreement.id.in_(batch))).all()
    pupils = census_links.choices([(h.school_id, h.urn) for h in heads], census)
    lines = defaultdict(list)
    for line in db.session.execute(
            select(AgreementLine.id, AgreementLine.agreement_id, AgreementLine.service_code,
                   AgreementLine.quantity, AgreementLine.list_name)
            .where(AgreementLine.agreement_id.in_(batch))):
        lines[line.agreement_id].append(line)
    return heads, pupils, lines


def _issue_head(head: Row, lines: list[Row], choice: CensusChoice, prices: _YearPrices, by: str,
                template_id: int | None, report: BulkIssueReport, writes: _BatchWrites) -> None:
    """Issue one draft of the batch, or report why it stays a draft."""
    pupils, words = choice.pupils, census_links.words(prices.census, [choice])
    name = f"{head.name} {prices.label}"
    subscribed = [line for line in lines if line.list_name == "subscribed"]
    if not subscribed:
        report.refused.append((head.id, name, f"{name}: no subscribed services"))
        return
    try:
        _check_term(name, head.customer_type, head.term_start, head.term_end)
    except ActionRefused as exc:
        report.refused.append((head.id, name, exc.message))
        return
    results = [(line, prices.price(head, line, pupils, words)) for line in subscribed]
    problems = [result for _, result in results if isinstance(result, str)]
    if problems:
        report.refused.append((head.id, name, f"{name}: " + "; ".join(dict.fromkeys(problems))))
        return
    writes.add_issued(head, lines, results, pupils, prices, by, template_id)
    report.issued.append(head.id)


def issue_school_drafts(year: int, by: str,
                        template_id: int | dict[str, int | str] | None = None,
                        progress: Callable[[int], None] | None = None) -> BulkIssueReport:
    """Issue every single-school draft of the year; group agreements are left to the caller.

    ``template_id``: the version recorded on each, or one per customer type (an id, or
    why that type has none: its drafts are then left as drafts with the reason).

    Each batch is committed on its own, so a year of every school in England never
    holds one transaction open.
    """
    price_list = price_lists.published(year)
    if price_list is None:
        raise ActionRefused(f"the {SlaYear(year).label} price list is not published")
    prices = _YearPrices(price_list, price_lists.rows_by_key(price_list),
                         census_for(year, price_list.census_basis), SlaYear(year).label)
    report = BulkIssueReport()
    ids = _school_draft_ids(year)
    for start in range(0, len(ids), BATCH):
        heads, pupils, lines = _load_batch(ids[start:start + BATCH], prices.census)
        writes = _BatchWrites()
        issued_before = len(report.issued)
        for head in heads:
            template = template_id.get(head.customer_type) if isinstance(template_id, dict) else template_id
            if isinstance(template, str):
                name = f"{head.name} {prices.label}"
                report.refused.append((head.id, name, f"{name}: {template}"))
                continue
            _issue_head(head, lines[head.id], pupils[head.school_id], prices, by, template, report, writes)
        writes.write()
        # The batch's emails in its own transaction (issue #27): killed later, none is lost.
        events.emit("agreements.issued", agreement_ids=report.issued[issued_before:])
        db.session.commit()
        if progress:
            progress(len(heads))
    return report
