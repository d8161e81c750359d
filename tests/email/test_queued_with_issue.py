"""What the school is owed is queued with what it is owed for (issue #27): an invoice run's and a
bulk issue's emails go into the outbox in the transaction of each batch they issue, so a run that
dies at any point has queued exactly the emails of what it committed, and the re-run the rest."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import (
    Agreement,
    Invoice,
    KeyStakeholder,
    OutboxMessage,
    School,
)
from contracts_app.services import agreements as agreement_service
from contracts_app.services.agreements import issuing
from contracts_app.services.invoicing import runs as invoice_run
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput
SCHOOLS = 7


def _contacts(school, n: int) -> list[str]:
    addresses = [f"contact{i}@{school.urn}.example" for i in range(n)]
    for address in addresses:
        db.session.add(KeyStakeholder(school=school, name=address, role="Staff", email=address))
    db.session.commit()
    return addresses


@pytest.fixture
def schools(app, make_school):
    """Seven schools with issued agreements; the school of urn 103703 has nobody to email."""
    build_priced_world(2025)
    made = {}
    for n in range(SCHOOLS):
        school = make_school(urn=103700 + n, name=f"School {n}")
        add_census(school, "2025-01", 100 + n)
        made[school.id] = _contacts(school, 0 if n == 3 else 1 + n % 2)
    return made


def _wanted(contacts: dict[int, list[str]], concerns: list[tuple[int, int]]) -> set[tuple[int, str]]:
    """(object id, recipient) for each object (id, school id) and each of its school's contacts."""
    return {(object_id, address) for object_id, school_id in concerns for address in contacts[school_id]}


def _queued(purpose: str) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(m.concerns_id, m.recipient) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == purpose))]


def test_an_invoice_run_killed_midway_has_queued_the_emails_of_exactly_the_invoices_it_committed(
        schools, monkeypatch):
    for school_id in schools:
        issue_agreement([L("SIMS", "subscribed")], school=db.session.get(School, school_id))
    monkeypatch.setattr(invoice_run, "BATCH", 3)
    calls = []

    def killed_after_the_second_batch(n):
        calls.append(n)
        if len(calls) == 2:
            raise RuntimeError("kill -9")

    with pytest.raises(RuntimeError):
        invoice_run.run(2025, "summer", date(2025, 4, 10), "f", progress=killed_after_the_second_batch)
    db.session.rollback()
    committed = db.session.execute(select(Invoice.id, Invoice.school_id)).all()
    assert len(committed) == 6
    queued = _queued("invoice_issued")
    assert sorted(queued) == sorted(_wanted(schools, committed))  # each committed invoice's, no other

    report = invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    assert report.count == 1 and report.no_invoice_contact == []
    everything = db.session.execute(select(Invoice.id, Invoice.school_id)).all()
    assert len(everything) == SCHOOLS
    queued = _queued("invoice_issued")
    assert len(queued) == len(set(queued)) == len(_wanted(schools, everything))
    assert set(queued) == _wanted(schools, everything)


def test_the_run_report_still_lists_the_schools_nobody_receives_invoices_for(schools):
    for school_id in schools:
        issue_agreement([L("SIMS", "subscribed")], school=db.session.get(School, school_id))
    report = invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    assert report.count == SCHOOLS and report.no_invoice_contact == [(103703, "School 3")]


def test_a_bulk_issue_killed_midway_has_queued_the_emails_of_exactly_the_agreements_it_issued(
        schools, monkeypatch):
    for school_id in schools:
        school = db.session.get(School, school_id)
        draft = agreement_service.create_draft(2025, school=school, from_catalogue=False)
        agreement_service.set_lines(draft, [L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(3))])
    db.session.commit()
    monkeypatch.setattr(issuing, "BATCH", 2)
    calls = []

    def killed_after_the_second_batch(n):
        calls.append(n)
        if len(calls) == 2:
            raise RuntimeError("kill -9")

    with pytest.raises(RuntimeError):
        agreement_service.issue_year(2025, "sla@test", progress=killed_after_the_second_batch)
    db.session.rollback()
    issued = db.session.execute(select(Agreement.id, Agreement.school_id).where(Agreement.status == "active")).all()
    assert len(issued) == 4
    assert sorted(_queued("agreement_issued")) == sorted(_wanted(schools, issued))

    report = agreement_service.issue_year(2025, "sla@test")
    assert len(report.issued_ids) == SCHOOLS - 4
    issued = db.session.execute(select(Agreement.id, Agreement.school_id).where(Agreement.status == "active")).all()
    queued = _queued("agreement_issued")
    assert len(queued) == len(set(queued)) and set(queued) == _wanted(schools, issued)
