"""The e-invoice (UBL) goes with the invoice email to the contacts who ask for it (issue #32):
the contacts file's optional einvoices column, the same run and send as every invoice email."""
from __future__ import annotations

from datetime import date

from lxml import etree
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, KeyStakeholder, OutboxMessage
from contracts_app.services.invoicing import balances as invoicing
from contracts_app.services.invoicing import runs as invoice_run
from tests.email.test_invoice_emails import _world, cli

CONTACTS = """urn,name,role,email,phone,invoices,agreements,notices,einvoices
103700,Pat Bursar,School Business Manager,pat@allesley.example,,yes,no,no,no
103700,Finance System,Finance,ap@allesley.example,,yes,no,no,yes
140001,Sam Money,Finance Manager,sam@cardinal.example,,yes,yes,yes,no
"""


def test_the_contacts_who_ask_get_the_e_invoice_beside_the_pdf(app, smtp_server, make_school, tmp_path):
    _world(make_school)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS)
    assert cli(app, "schools", "contacts", "import", str(contacts)).exit_code == 0
    invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    assert cli(app, "outbox", "send").exit_code == 0
    number = db.session.scalar(select(Invoice.number).where(Invoice.school_urn == 103700))
    [data] = smtp_server.to("ap@allesley.example")
    assert sorted(data.attachments()) == [f"{number}.pdf", f"{number}.xml"]
    assert etree.fromstring(data.attachments()[f"{number}.xml"]).findtext("{*}ID") == number
    [person] = smtp_server.to("pat@allesley.example")
    assert sorted(person.attachments()) == [f"{number}.pdf"]  # not asked for
    [academy] = smtp_server.to("sam@cardinal.example")
    assert not any(name.endswith(".xml") for name in academy.attachments())
    # A credit note too, queued one by one rather than by a run.
    invoice = db.session.scalar(select(Invoice).where(Invoice.school_urn == 103700))
    note = invoicing.issue_credit_note(invoice, "Wrong pupil number", "finance@test", date(2025, 5, 1))
    cli(app, "outbox", "send")
    [_, credit] = smtp_server.to("ap@allesley.example")
    assert etree.QName(etree.fromstring(credit.attachments()[f"{note.number}.xml"])).localname == "CreditNote"


def test_a_file_without_the_column_keeps_the_preference_and_a_bad_answer_is_named(app, make_school, tmp_path):
    _world(make_school)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS)
    cli(app, "schools", "contacts", "import", str(contacts))
    without = "\n".join(line.rsplit(",", 1)[0] for line in CONTACTS.splitlines())
    contacts.write_text(without)
    assert cli(app, "schools", "contacts", "import", str(contacts)).exit_code == 0
    wanting = db.session.scalars(select(KeyStakeholder.email).where(KeyStakeholder.einvoices.is_(True))).all()
    assert wanting == ["ap@allesley.example"]
    contacts.write_text(CONTACTS.replace("no,no,yes", "no,no,perhaps"))
    result = cli(app, "schools", "contacts", "import", str(contacts))
    assert result.exit_code == 1 and "einvoices" in result.output and "'perhaps' is not yes or no" in result.output


def test_a_missing_setting_fails_the_message_naming_it(app, smtp_server, make_school, tmp_path):
    _world(make_school)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS)
    cli(app, "schools", "contacts", "import", str(contacts))
    app.config["COUNCIL_BANK_ACCOUNT"] = ""
    invoice = invoice_run.run(2025, "summer", date(2025, 4, 10), "finance@test")
    assert invoice.numbers
    cli(app, "outbox", "send")
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "ap@allesley.example"))
    assert failed.state == "failed" and "COUNCIL_BANK_ACCOUNT is not set" in failed.last_error
    assert len(smtp_server.to("pat@allesley.example")) == 1  # the others' messages go as before
