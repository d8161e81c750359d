"""Billing a trust (issue #29): per academy, each academy's invoice is addressed to the trust, names the
academy, carries its PO and goes to the trust's finance contacts (PDF, UBL, outbox), and stays as issued;
consolidated, one invoice per run with a section per academy, VAT per code over the whole invoice, an
e-invoice that passes the official checks, paid by a payment naming it, on the trust's statement and aged
debt; switching the setting applies to the next run."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, KeyStakeholder, OutboxMessage, Trust, TrustContact, TrustMembership
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import balances
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.invoicing.aged_debt import aged_debt
from contracts_app.services.invoicing.documents import invoice_pdf
from contracts_app.services.invoicing.payments_import import import_payments
from contracts_app.services.invoicing.statements import trust_statement
from contracts_app.services.invoicing.ubl import invoice_ubl
from contracts_app.services.invoicing.ubl_check import check_invoice
from invoices.money import round_half_up
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement
from tests.einvoice_fixtures import EINVOICE_CONFIG

L = agreement_service.LineInput
SUMMER, AUTUMN = date(2025, 4, 10), date(2025, 9, 10)


@pytest.fixture
def app_config(app_config):
    return {**app_config, **EINVOICE_CONFIG}


def _academies(make_school, billing: str, bursars: bool = True) -> tuple[Trust, list]:
    """A trust of three academies with issued agreements (mixed VAT codes, one with no PO), a finance
    contact and a chief executive who is not; each academy has its own invoice contact too."""
    build_priced_world(2025)
    trust = Trust(code="4001", name="Northfield Trust", name_lower="northfield trust", billing=billing,
                  street="1 Trust Road", town="Coventry", postcode="CV1 2AB")
    trust.contacts = [TrustContact(name="Fin Ance", role="CFO", email="cfo@trust.example", finance=True),
                      TrustContact(name="Chief Exec", role="CEO", email="ceo@trust.example", finance=False)]
    db.session.add(trust)
    schools = []
    for urn, name, po, lines in (
            (140011, "Brook Academy", "PO-BROOK", [L("SIMS", "subscribed"), L("AV", "subscribed", Decimal(30))]),
            (140012, "Alder Academy", "PO-ALDER", [L("SIMS", "subscribed"), L("DPO", "subscribed")]),
            (140013, "Cedar Academy", "", [L("ADMIN", "subscribed", Decimal(1), date(2025, 6, 17))])):
        school = make_school(urn=urn, name=name, establishment_type="Academy converter", street="School Lane",
                             town="Coventry")
        if bursars:
            db.session.add(KeyStakeholder(school=school, name="Bursar", role="Bursar", email=f"bursar@{urn}.example"))
        db.session.add(TrustMembership(trust=trust, school=school, joined_on=date(2020, 9, 1)))
        db.session.commit()
        add_census(school, "2025-01", 412)
        issue_agreement(lines, school=school, po_number=po)
        schools.append(school)
    return trust, schools


def _text(invoice: Invoice) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf(invoice))).pages)


def _recipients(invoice: Invoice) -> set[str]:
    return set(db.session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.concerns_type == "invoice", OutboxMessage.concerns_id == invoice.id)))


def test_per_academy_invoices_are_addressed_to_the_trust_and_stay_as_issued(app, make_school):
    trust, schools = _academies(make_school, "per_academy")
    invoice_run.run(2025, "summer", SUMMER, "finance@test")
    invoices = {i.school_urn: i for i in db.session.scalars(select(Invoice))}
    assert set(invoices) == {s.urn for s in schools}  # one per academy
    brook = invoices[140011]
    assert (brook.bill_to_name, brook.customer_name, brook.po_number, brook.trust_id, brook.trust_billing) == (
        "Northfield Trust", "Brook Academy", "PO-BROOK", trust.id, "per_academy")
    text = _text(brook)
    assert "Northfield Trust" in text and "Trust 4001" in text and "1 Trust Road" in text
    assert "For the academy: Brook Academy (URN 140011)" in text and "PO-BROOK" in text
    root = etree.fromstring(invoice_ubl(brook))
    assert root.findtext(".//{*}AccountingCustomerParty//{*}PartyName/{*}Name") == "Northfield Trust"
    assert root.findtext(".//{*}AccountingCustomerParty//{*}StreetName") == "1 Trust Road"
    assert root.findtext("{*}OrderReference/{*}ID") == "PO-BROOK"
    assert [f for f in check_invoice(brook) if f.fatal] == []
    for invoice in invoices.values():  # the trust's finance contacts, not the academy's bursar nor the CEO
        assert _recipients(invoice) == {"cfo@trust.example"}
    note = balances.issue_credit_note(brook, "AV removed", "finance@test", date(2025, 5, 1))
    assert (note.bill_to_name, note.trust_id) == ("Northfield Trust", trust.id)  # to whom the invoice was
    assert _recipients(note) == {"cfo@trust.example"}
    trust.name, trust.street = "Renamed Trust", "9 New Street"
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Invoice, brook.id)
    assert "Northfield Trust" in _text(again) and "Renamed Trust" not in _text(again)


def test_a_consolidated_trust_gets_one_invoice_a_run_with_a_section_per_academy(app, make_school):
    trust, schools = _academies(make_school, "per_academy")
    separate = invoice_run.run(2025, "summer", SUMMER, "finance@test", dry_run=True)
    assert separate.count == 3
    trust.billing = "consolidated"  # switched before the run: this run consolidates
    db.session.commit()
    report = invoice_run.run(2025, "summer", SUMMER, "finance@test")
    assert report.count == 1
    (invoice,) = db.session.scalars(select(Invoice)).all()
    assert (invoice.trust_billing, invoice.bill_to_name, invoice.agreement_id) == ("consolidated",
                                                                                   "Northfield Trust", None)
    assert invoice.net == sum(p.draft.net for p in separate.invoices)  # every academy's period, to the penny
    by_code: dict[str, Decimal] = {}
    for line in invoice.lines:
        by_code[line.vat_code] = by_code.get(line.vat_code, Decimal(0)) + line.net
    rates = {line.vat_code: line.vat_rate for line in invoice.lines}
    assert len(by_code) > 1  # mixed codes: the VAT rule below is not trivially one rate
    assert invoice.vat == sum(round_half_up(rates[c] * net) for c, net in by_code.items())
    assert invoice.gross == invoice.net + invoice.vat
    assert [line.section for line in invoice.lines][0] == "Alder Academy (URN 140012)"  # by name
    assert {(l.section, l.po_number) for l in invoice.lines} == {
        ("Alder Academy (URN 140012)", "PO-ALDER"), ("Brook Academy (URN 140011)", "PO-BROOK"),
        ("Cedar Academy (URN 140013)", "")}
    text = _text(invoice)
    for heading in ("Alder Academy (URN 140012) · your order number: PO-ALDER",
                    "Brook Academy (URN 140011) · your order number: PO-BROOK", "Subtotal for Cedar Academy"):
        assert heading in text
    assert [f for f in check_invoice(invoice) if f.fatal] == []
    assert _recipients(invoice) == {"cfo@trust.example"}
    assert invoice_run.run(2025, "summer", SUMMER, "finance@test").count == 0  # never twice
    # the trust's statement and aged debt show it; a payment naming it pays it
    assert trust_statement(trust, date(2025, 6, 1)).balance == invoice.gross
    rows = aged_debt(date(2025, 7, 1), trust_code="4001")
    assert sum(r["total"] for r in rows) == invoice.gross
    csv = f"date,amount,reference,invoice_number\n2025-05-01,{invoice.gross},BACS trust,{invoice.number}\n"
    import_payments(csv.encode(), "bank.csv", "finance@test", today=date(2025, 6, 1))
    db.session.expire_all()
    assert balances.balance(db.session.get(Invoice, invoice.id)).outstanding == 0


def test_the_invoice_page_says_who_it_is_addressed_to_and_each_lines_academy(client, login, make_school):
    _academies(make_school, "consolidated")
    invoice_run.run(2025, "summer", SUMMER, "finance@test")
    (invoice,) = db.session.scalars(select(Invoice)).all()
    login("finance")
    page = client.get(f"/invoices/{invoice.number}").get_data(as_text=True)
    assert "Northfield Trust (trust 4001) · one consolidated invoice for its academies" in page
    assert "<strong>Alder Academy (URN 140012)</strong> · order PO-ALDER" in page


def test_switching_the_setting_applies_to_the_next_run_only(app, make_school):
    trust, schools = _academies(make_school, "consolidated", bursars=False)
    report = invoice_run.run(2025, "summer", SUMMER, "finance@test")
    assert report.no_invoice_contact == []  # the trust's finance contact receives for its academies
    (summer,) = db.session.scalars(select(Invoice)).all()
    before = (summer.number, summer.gross, summer.trust_billing, [(l.section, l.net) for l in summer.lines])
    trust.billing = "per_academy"
    db.session.commit()
    invoice_run.run(2025, "autumn", AUTUMN, "finance@test")
    autumn = db.session.scalars(select(Invoice).where(Invoice.id != summer.id)).all()
    assert sorted(i.school_urn for i in autumn) == [140011, 140012, 140013]
    assert {i.trust_billing for i in autumn} == {"per_academy"}
    db.session.expire_all()
    summer = db.session.get(Invoice, summer.id)
    assert (summer.number, summer.gross, summer.trust_billing,
            [(l.section, l.net) for l in summer.lines]) == before


def test_an_academy_outside_a_trust_is_billed_as_before(app, make_school):
    trust, schools = _academies(make_school, "consolidated")
    alone = make_school(urn=140020, name="Solo Academy", establishment_type="Academy converter")
    add_census(alone, "2025-01", 100)
    issue_agreement([L("SIMS", "subscribed")], school=alone, po_number="PO-SOLO")
    report = invoice_run.run(2025, "summer", SUMMER, "finance@test")
    assert report.no_invoice_contact == [(140020, "Solo Academy")]
    solo = db.session.scalar(select(Invoice).where(Invoice.school_urn == 140020))
    assert (solo.bill_to_name, solo.trust_id, solo.customer_name) == ("", None, "Solo Academy")
    assert db.session.scalar(select(Invoice).where(Invoice.trust_billing == "consolidated")) is not None


def test_the_billing_setting_is_edited_on_the_trust_page_audited_and_in_the_api(client, login, make_school):
    from contracts_app.models import AuditEvent
    from contracts_app.services.users import issue_token

    trust, _ = _academies(make_school, "per_academy")
    user = login("sla")
    page = client.get("/trusts/4001").get_data(as_text=True)
    assert "applies from the next invoice run" in page
    refused = client.post("/trusts/4001/details", data={"billing": "monthly"})
    assert refused.status_code == 400 and db.session.get(Trust, trust.id).billing == "per_academy"
    assert client.post("/trusts/4001/details", data={"billing": "consolidated"}).status_code == 302
    assert db.session.get(Trust, trust.id).billing == "consolidated"
    changes = [e.changes for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "Trust", AuditEvent.action == "update"))]
    assert {"billing": ["per_academy", "consolidated"]} in [{k: v for k, v in c.items() if k == "billing"}
                                                           for c in changes]
    headers = {"Authorization": f"Bearer {issue_token(user.email)}"}
    (listed,) = client.get("/api/v1/trusts", headers=headers).get_json()["items"]
    assert (listed["code"], listed["billing"]) == ("4001", "consolidated")


def test_a_consolidated_invoices_e_invoice_is_the_same_from_the_run_writers_rows(app, make_school):
    from tests.app.test_einvoices import _same_both_ways

    _academies(make_school, "consolidated")
    invoice_run.run(2025, "summer", SUMMER, "finance@test")
    consolidated = db.session.scalar(select(Invoice).where(Invoice.trust_billing == "consolidated"))
    assert consolidated.number in _same_both_ways()  # its sections' academies and orders, line by line
