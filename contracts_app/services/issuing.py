"""Issuing a whole year's drafts in bulk: the same rules as ``agreements.issue``, without
per-agreement round trips (DESIGN §5: every school in England).

Each batch of drafts is priced from one in-memory copy of the price list and one query
for the census figures, then written with executemany updates. An agreement that
cannot be issued (missing census figure, no price for a service) is reported with its
reason and left as a draft, exactly as the one-at-a-time path does.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, select, update

from pricing.check import price_line
from pricing.errors import MissingCensus, PricingError
from pricing.models import PricingContext
from pricing.money import round_money
from pricing.sla_year import SlaYear

from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, CensusFigure, School
from contracts_app.models.types import utcnow
from contracts_app.services import audit, price_lists
from contracts_app.services.census import census_for
from pricing.errors import ActionRefused

BATCH = 1000


@dataclass
class BulkIssueReport:
    issued: list[int] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (agreement id, name, reason)


def issue_school_drafts(year: int, by: str, template_id: int | None = None) -> BulkIssueReport:
    """Issue every single-school draft of the year; group agreements are left to the caller."""
    price_list = price_lists.published(year)
    if price_list is None:
        raise ActionRefused(f"the {SlaYear(year).label} price list is not published")
    rows = price_lists.rows_by_key(price_list)
    census = census_for(year, price_list.census_basis)
    label = SlaYear(year).label
    report = BulkIssueReport()
    cache: dict[tuple, object] = {}
    ids = list(db.session.scalars(select(Agreement.id).where(
        Agreement.sla_year == year, Agreement.status == "draft", Agreement.school_id.is_not(None))
        .order_by(Agreement.id)))
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        heads = db.session.execute(
            select(Agreement.id, Agreement.school_id, School.name, School.urn, School.customer_type)
            .join(School, School.id == Agreement.school_id).where(Agreement.id.in_(batch))).all()
        pupils = dict(db.session.execute(select(CensusFigure.school_id, CensusFigure.pupils).where(
            CensusFigure.census == census.label,
            CensusFigure.school_id.in_([h.school_id for h in heads]))).all())
        lines = defaultdict(list)
        for line in db.session.execute(
                select(AgreementLine.id, AgreementLine.agreement_id, AgreementLine.service_code,
                       AgreementLine.quantity, AgreementLine.list_name)
                .where(AgreementLine.agreement_id.in_(batch))):
            lines[line.agreement_id].append(line)
        line_updates, agreement_updates, events = [], [], []
        for head in heads:
            name = f"{head.name} {label}"
            subscribed = [l for l in lines[head.id] if l.list_name == "subscribed"]
            if not subscribed:
                report.refused.append((head.id, name, f"{name}: no subscribed services"))
                continue
            school_pupils = pupils.get(head.school_id)
            priced, problems = [], []
            for line in subscribed:
                key = (line.service_code, head.customer_type, school_pupils, line.quantity)
                result = cache.get(key)
                if result is None:
                    row = rows.get((line.service_code, head.customer_type))
                    try:
                        if row is None:
                            raise PricingError(f"no {head.customer_type} price for {line.service_code} in "
                                               f"{price_list.name}")
                        result = price_line(row, PricingContext(pupils=school_pupils, census=census,
                                                                quantity=line.quantity))
                    except MissingCensus:
                        result = f"{head.name} (URN {head.urn}) has no pupil figure for the {census.description} census"
                    except PricingError as exc:
                        result = str(exc)
                    cache[key] = result
                if isinstance(result, str):
                    problems.append(result)
                else:
                    priced.append((line, result))
            if problems:
                report.refused.append((head.id, name, f"{name}: " + "; ".join(dict.fromkeys(problems))))
                continue
            for line, result in priced:
                line_updates.append({"line_id": line.id, "annual_price": result.annual,
                                     "explanation": result.explanation, "vat_code": result.vat_code})
            for line in lines[head.id]:
                if line.list_name != "subscribed":
                    line_updates.append({"line_id": line.id, "annual_price": None, "explanation": "",
                                         "vat_code": None})
            agreement_updates.append({
                "agreement_id": head.id, "status": "active", "price_list_id": price_list.id,
                "census_label": census.label, "pupils": school_pupils, "customer_type": head.customer_type,
                "annual_total": round_money(sum((r.annual for _, r in priced), Decimal(0))),
                "issued_at": utcnow(), "issued_by": by, "template_id": template_id})
            events.append({"action": "transition", "entity_type": "Agreement", "entity_id": str(head.id),
                           "summary": f"{name}: draft → active (issued by {by} on {price_list.name})",
                           "changes": {"status": ["draft", "active"]}})
            report.issued.append(head.id)
        if line_updates:
            db.session.execute(
                update(AgreementLine.__table__).where(AgreementLine.__table__.c.id == bindparam("line_id"))
                .values(annual_price=bindparam("annual_price"), explanation=bindparam("explanation"),
                        vat_code=bindparam("vat_code")), line_updates)
        if agreement_updates:
            table = Agreement.__table__
            # Only drafts move: a concurrent issuer's agreement is left alone (status guard).
            db.session.execute(
                update(table).where(table.c.id == bindparam("agreement_id"), table.c.status == "draft")
                .values(**{k: bindparam(k) for k in agreement_updates[0] if k != "agreement_id"}),
                agreement_updates)
        audit.record_many(db.session, events)
        db.session.commit()
    return report
