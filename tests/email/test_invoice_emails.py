"""Done when: a summer invoice run then `outbox send` delivers each school's invoice PDF to that
school's invoice contacts (imported with `schools contacts import`); a second send delivers nothing."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, OutboxMessage
from contracts_app.services import agreements as agreement_service
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import runs as invoice_run
from tests.agreements_fixtures import add_census, build_priced_world, issue_agreement

L = agreement_service.LineInput

CONTACTS = """urn,name,role,email,phone,invoices,agreements,notices
103700,Pat Bursar,School Business Manager,pat@allesley.example,024 7600 0001,yes,no,no
103700,Head Teacher,Headteacher,head@allesley.example,,no,yes,yes
103700,Finance Office,Finance,finance@allesley.example,,Yes,no,no
140001,Sam Money,Finance Manager,sam@cardinal.example,,yes,yes,yes
"""


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _world(make_school):
    build_priced_world(2025)
    maintained = make_school(urn=103700, name="Allesley Primary School")
    academy = make_school(urn=140001, name="Cardinal Academy", establishment_type="Academy converter")
    lonely = make_school(urn=103701, name="Nobody Home Primary")
    for school in (maintained, academy, lonely):
        add_census(school, "2025-01", 412)
        issue_agreement([L("SIMS", "subscribed"), L("DPO", "subscribed")], school=school)
    return maintained, academy, lonely


def test_summer_run_then_outbox_send_delivers_each_invoice_to_its_schools_invoice_contacts(
        app, smtp_server, make_school, tmp_path):
    _world(make_school)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS)
    result = cli(app, "schools", "contacts", "import", str(contacts))
    assert result.exit_code == 0, result.output
    assert "4 added" in result.output

    report = invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    assert report.no_invoice_contact == [(103701, "Nobody Home Primary")]

    sent = cli(app, "outbox", "send")
    assert sent.exit_code == 0, sent.output
    assert "3 sent" in sent.output
    numbers = {i.school_urn: i.number for i in db.session.scalars(select(Invoice))}
    for address in ("pat@allesley.example", "finance@allesley.example"):
        [message] = smtp_server.to(address)
        number = numbers[103700]
        assert number in message.subject and "Allesley Primary School" in message.subject
        assert f"https://sla.example.gov.uk/invoices/{number}" in message.text
        text = message.pdf_text(f"{number}.pdf")
        assert number in text and "Allesley Primary School" in text
    [academy] = smtp_server.to("sam@cardinal.example")
    assert numbers[140001] in academy.pdf_text(f"{numbers[140001]}.pdf")
    assert smtp_server.to("head@allesley.example") == []  # not an invoice contact
    assert len(smtp_server.received) == 3

    again = cli(app, "outbox", "send")
    assert again.exit_code == 0 and "0 sent" in again.output
    rerun = invoice_run.run(2025, "summer", date(2025, 4, 11), "finance@test")
    assert rerun.numbers == []
    cli(app, "outbox", "send")
    assert len(smtp_server.received) == 3


def test_the_run_preview_lists_schools_nobody_receives_invoices_for(app, smtp_server, make_school, tmp_path):
    _world(make_school)
    preview = invoice_run.run(2025, "summer", date(2025, 4, 10), "f", dry_run=True)
    assert preview.no_invoice_contact == [(103700, "Allesley Primary School"), (103701, "Nobody Home Primary"),
                                          (140001, "Cardinal Academy")]
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_credit_note_goes_to_the_invoice_contacts_with_its_pdf(app, smtp_server, make_school, tmp_path):
    _world(make_school)
    invoice_run.run(2025, "summer", date(2025, 4, 10), "f")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS)
    assert cli(app, "schools", "contacts", "import", str(contacts)).exit_code == 0
    invoice = db.session.scalar(select(Invoice).where(Invoice.school_urn == 140001))
    note = invoicing.issue_credit_note(invoice, "Wrong pupil number", "finance@test", date(2025, 5, 1))
    cli(app, "outbox", "send")
    [message] = smtp_server.to("sam@cardinal.example")
    assert f"Credit note {note.number} against {invoice.number}" in message.subject
    assert "Wrong pupil number" in message.pdf_text(f"{note.number}.pdf")
