"""Billing a trust in the invoice run (issue #29): which trust each invoice is addressed to, and a
consolidated trust's invoices merged into one per run (the rules: invoices/trust_billing.py).

Each step is one query per run or per batch, never per invoice: the run's speed is kept. The
trust is the one the academy belongs to on the run's issue date, as the trust statement reads it.
Group agreements (§2.1 "a group of schools" sharing one agreement) stay billed to their group.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from sqlalchemy import select

from invoices.run_report import Party, PlannedInvoice
from invoices.trust_billing import Buyer, Section, common_po, consolidate, span

from contracts_app.extensions import db
from contracts_app.models import Agreement, Trust, TrustMembership
from contracts_app.services.register.belonging import member_on


def buyers(school_ids: set[int], day: date) -> dict[int, Buyer]:
    """{school id: its trust as buyer} for the schools among these in a trust on ``day`` (one query)."""
    if not school_ids:
        return {}
    rows = db.session.execute(
        select(TrustMembership.school_id, Trust.id, Trust.code, Trust.name, Trust.street, Trust.town,
               Trust.postcode, Trust.billing)
        .join(Trust, Trust.id == TrustMembership.trust_id)
        .where(TrustMembership.school_id.in_(list(school_ids)), member_on(day)))
    return {r[0]: Buyer(*r[1:]) for r in rows}


def consolidated_agreements(agreement_ids: list[int], day: date) -> dict[int, int]:
    """{agreement id: trust id} for those of these agreements whose school's trust on ``day`` is
    billed consolidated (one query for the run)."""
    found: dict[int, int] = {}
    for start in range(0, len(agreement_ids), 5000):
        chunk = agreement_ids[start:start + 5000]
        found.update(db.session.execute(
            select(Agreement.id, Trust.id)
            .join(TrustMembership, TrustMembership.school_id == Agreement.school_id)
            .join(Trust, Trust.id == TrustMembership.trust_id)
            .where(Agreement.id.in_(chunk), Trust.billing == "consolidated", member_on(day))).all())
    return found


def trust_batches(ids: list[int], consolidated: dict[int, int], size: int) -> Iterator[list[int]]:
    """The consolidated trusts' agreements among ``ids`` in batches of about ``size``, a whole trust at
    a time (a trust is never split, so it gets one invoice per run)."""
    by_trust: dict[int, list[int]] = defaultdict(list)
    for agreement_id in ids:
        if agreement_id in consolidated:
            by_trust[consolidated[agreement_id]].append(agreement_id)
    batch: list[int] = []
    for trust_id in sorted(by_trust):
        if batch and len(batch) + len(by_trust[trust_id]) > size:
            yield batch
            batch = []
        batch.extend(by_trust[trust_id])
    if batch:
        yield batch


def bill(planned: list[PlannedInvoice], day: date, year_label: str, term: str) -> list[PlannedInvoice]:
    """Address each planned invoice of an academy in a trust to the trust; merge each consolidated
    trust's agreement invoices into one (ad hoc work stays on its own invoice, to the trust)."""
    found = buyers({p.party.school_id for p in planned if not p.party.group}, day)
    kept: list[PlannedInvoice] = []
    merged: dict[int, list[PlannedInvoice]] = defaultdict(list)
    for p in planned:
        buyer = None if p.party.group else found.get(p.party.school_id)
        if buyer is not None and buyer.consolidated and p.party.agreement_id is not None:
            merged[buyer.trust_id].append(p)
            continue
        p.buyer = buyer
        kept.append(p)
    for parts in merged.values():
        kept.append(_consolidated(parts, found[parts[0].party.school_id], year_label, term))
    return kept


def _consolidated(parts: list[PlannedInvoice], buyer: Buyer, year_label: str, term: str) -> PlannedInvoice:
    """One trust's planned invoices as one: its academies' sections; the first academy (by name)
    holds it on the register, as a group's lead school holds a group's invoice."""
    draft, sections = consolidate(
        (Section(p.party.school_id, p.party.agreement_id, p.party.urn, p.party.name, p.party.po_number), p.draft)
        for p in parts)
    lead = sections[0]
    academies = len({s.school_id for s in sections})
    party = Party(None, lead.school_id, lead.urn, buyer.name, parts[0].party.customer_type, common_po(sections),
                  "active")
    description = (f"SLA {year_label}, {term} term: consolidated invoice for {buyer.name}, "
                   f"{academies} academ{'y' if academies == 1 else 'ies'}")
    return PlannedInvoice(party, draft, description, span=span([p.draft for p in parts]), buyer=buyer,
                          sections=sections)


def invoice_columns(p: PlannedInvoice) -> dict:
    """The invoice row's trust columns (every row has them all: one bulk insert)."""
    buyer = p.buyer
    if buyer is None:
        return {"trust_id": None, "trust_billing": None, "bill_to_name": "", "bill_to_street": "",
                "bill_to_town": "", "bill_to_postcode": ""}
    return {"trust_id": buyer.trust_id, "trust_billing": "consolidated" if p.sections else "per_academy",
            "bill_to_name": buyer.name, "bill_to_street": buyer.street, "bill_to_town": buyer.town,
            "bill_to_postcode": buyer.postcode}


_NO_SECTION = {"school_id": None, "agreement_id": None, "section": "", "po_number": ""}


def line_columns(p: PlannedInvoice, index: int) -> dict:
    """A line row's section columns: its academy on a consolidated invoice, else empty."""
    if not p.sections:
        return _NO_SECTION
    s = p.sections[index]
    return {"school_id": s.school_id, "agreement_id": s.agreement_id, "section": s.label, "po_number": s.po_number}
