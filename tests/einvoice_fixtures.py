"""Invoices and credit notes of every kind the product issues, for the e-invoice tests (issue #32),
and the official rules copied into tests/data/einvoice/ (see its README)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice
from contracts_app.services import adhoc as adhoc_service
from contracts_app.services import agreements as agreement_service
from contracts_app.services.agreements.changes import add_charge
from contracts_app.services.invoicing import balances
from contracts_app.services.invoicing import runs as invoice_run
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

RULES_DIR = Path(__file__).parent / "data" / "einvoice"
# The settings a council sets for e-invoices; the buyer scheme has no default (docs/einvoices.md).
EINVOICE_CONFIG = {"EINVOICE_RULES_DIR": str(RULES_DIR), "EINVOICE_BUYER_SCHEME": "0060"}
L = agreement_service.LineInput


def bill_every_kind(make_school) -> dict[str, Invoice]:
    """Summer and autumn runs over maintained and academy schools (mixed VAT codes, a pro-rata line,
    a school with no PO), a one-off charge, ad hoc work and a credit note; keyed by what each shows."""
    build_priced_world(2025)
    maintained = make_school(urn=103700, name="Allesley Primary School", street="Rowland Avenue", town="Coventry")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter",
                          street="Wyken Croft", town="Coventry", postcode="CV2 3AE")
    late = make_school(urn=103701, name="Stoke Heath Primary", street="Heath Crescent", town="Coventry")
    for school in (maintained, academy, late):
        add_census(school, "2025-01", 412)
    mixed = issue_agreement([L("SIMS", "subscribed"), L("DPO", "subscribed"), L("AV", "subscribed", Decimal(30))],
                            school=maintained, po_number="PO-103700")
    issue_agreement([L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(12))], school=academy)  # no PO
    issue_agreement([L("ADMIN", "subscribed", Decimal(1), date(2025, 6, 17))], school=late, po_number="PO-9")
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    add_charge(mixed, "SIMS licence costs on cancellation", Decimal("250.00"), "S", "sla@test")
    db.session.commit()
    request = adhoc_service.create_request(late, "SR77", "project", "Set up 30 Chromebooks", by="sla@test")
    adhoc_service.set_estimate(request, Decimal(3), 2025, "sla@test")
    adhoc_service.authorise(request, name="Jo Head", on=date(2025, 6, 2), via="written")
    adhoc_service.log_time(request, date(2025, 6, 2), 95, "Sam Patel", "visit")
    adhoc_service.complete(request, date(2025, 6, 2) + timedelta(days=1))
    invoice_run.run(2025, "autumn", date(2025, 9, 10), "finance@test")
    invoices = list(db.session.scalars(select(Invoice).order_by(Invoice.number)))
    summer_maintained = next(i for i in invoices if i.school_urn == 103700 and i.term == "summer")
    balances.issue_credit_note(summer_maintained, "DPO removed by agreement", "finance@test", date(2025, 6, 1),
                               {next(l.id for l in summer_maintained.lines if l.service_code == "DPO"): Decimal("100.00")})
    return _by_kind(list(db.session.scalars(select(Invoice).order_by(Invoice.number))))


def _by_kind(invoices: list[Invoice]) -> dict[str, Invoice]:
    found: dict[str, Invoice] = {}
    for invoice in invoices:
        if invoice.kind == "credit_note":
            found["credit note"] = invoice
        elif invoice.adhoc_request_id is not None:
            found["ad hoc"] = invoice
        elif any(l.billing_key and l.billing_key.startswith("charge:") for l in invoice.lines):
            found["one-off charge"] = invoice
        else:
            found[f"{invoice.customer_type} {invoice.term} {invoice.school_urn}"] = invoice
    return found
