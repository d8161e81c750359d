"""Issued invoices to work on (issue #20's tests): two schools, a summer run done."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import runs as invoice_run
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput


def bill_two_schools(make_school) -> dict[int, Invoice]:
    """A maintained school and an academy with issued agreements and the 2025 summer run raised."""
    build_priced_world(2025)
    maintained = make_school(urn=103700, name="Allesley Primary School", street="Rowland Avenue", town="Coventry")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    for school in (maintained, academy):
        add_census(school, "2025-01", 412)
        issue_agreement([L("SIMS", "subscribed"), L("DPO", "subscribed"), L("AV", "subscribed", Decimal(30))],
                        school=school, po_number=f"PO-{school.urn}")
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    return {i.school_urn: i for i in db.session.scalars(select(Invoice))}
