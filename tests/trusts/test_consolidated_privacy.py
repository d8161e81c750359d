"""Issue #29: a trust's consolidated invoice is filed under one academy but holds every academy's lines: that academy's
own users never see it (page, PDF, list, portal, API), the trust's users and staff do."""
from __future__ import annotations

from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice
from contracts_app.services.invoicing import runs as invoice_run
from contracts_app.services.users import issue_token
from tests.trusts.test_billing import SUMMER, _academies, app_config  # noqa: F401 - the e-invoice settings


def _world(make_school, make_user):
    trust, schools = _academies(make_school, "consolidated")
    invoice_run.run(2025, "summer", SUMMER, "finance@test")
    invoice = db.session.scalar(select(Invoice).where(Invoice.trust_billing == "consolidated"))
    filed_under = next(s for s in schools if s.id == invoice.school_id)
    academy_user = make_user("school", school=filed_under)
    trust_user = make_user("school", email="bursar@trust.example")
    trust_user.trust = trust
    db.session.commit()
    return invoice, academy_user, trust_user


def test_the_academy_it_is_filed_under_does_not_see_the_trusts_invoice(make_school, make_user, client, login):
    invoice, academy_user, _ = _world(make_school, make_user)
    login(academy_user)
    assert client.get(f"/invoices/{invoice.number}").status_code == 404
    assert client.get(f"/invoices/{invoice.number}/pdf").status_code == 404
    assert invoice.number not in client.get("/invoices/").get_data(as_text=True)
    assert invoice.number not in client.get("/portal/").get_data(as_text=True)
    token = {"Authorization": f"Bearer {issue_token(academy_user.email)}"}
    assert client.get(f"/api/v1/invoices/{invoice.number}", headers=token).status_code == 404
    assert invoice.number not in client.get("/api/v1/invoices", headers=token).get_data(as_text=True)


def test_the_trusts_users_and_staff_see_it(make_school, make_user, client, login):
    invoice, _, trust_user = _world(make_school, make_user)
    login(trust_user)
    assert client.get(f"/invoices/{invoice.number}").status_code == 200
    assert invoice.number in client.get("/invoices/").get_data(as_text=True)
    token = {"Authorization": f"Bearer {issue_token(trust_user.email)}"}
    assert client.get(f"/api/v1/invoices/{invoice.number}", headers=token).status_code == 200
    assert client.get(f"/invoices/{invoice.number}/pdf").status_code == 200
    # On the trust's statement it is the trust's own account, at every door.
    page = client.get(f"/trusts/{trust_user.trust.code}/statement").get_data(as_text=True)
    assert 'id="statement-consolidated"' in page and invoice.number in page
    body = client.get(f"/api/v1/trusts/{trust_user.trust.code}/statement", headers=token).get_json()
    assert [x["invoice_number"] for x in body["consolidated"]["lines"]] == [invoice.number]
    assert body["consolidated"]["balance"] == str(invoice.gross) == body["balance"]


def test_finance_sees_it(make_school, make_user, client, login):
    invoice, _, _ = _world(make_school, make_user)
    login("finance")
    assert client.get(f"/invoices/{invoice.number}").status_code == 200


def test_the_academys_own_statement_leaves_the_trusts_invoice_to_the_trusts_statement(make_school, make_user):
    from contracts_app.models import School
    from contracts_app.services.invoicing.statements import statement, trust_statement

    invoice, academy_user, trust_user = _world(make_school, make_user)
    academy = db.session.get(School, invoice.school_id)
    assert invoice.number not in {e.item.invoice_number for e in statement(academy).entries}
    trusts = trust_statement(trust_user.trust)
    assert trusts.balance == invoice.gross
    # The trust's own account holds it, not the academy it is filed under (whose part is its own statement).
    assert trusts.consolidated.balance == invoice.gross
    assert [e.item.invoice_number for e in trusts.consolidated.entries] == [invoice.number]
    assert all(invoice.number not in {e.item.invoice_number for e in s.entries} for s in trusts.academies)


def test_an_overdue_trust_invoice_is_chased_with_the_trust_and_its_statement(app, make_school, make_user):
    from datetime import timedelta

    from contracts_app.models import OutboxAttachment, OutboxMessage
    from contracts_app.services.outbox import reminders

    app.config["OVERDUE_REMINDER_DAYS"] = "7"
    invoice, _, trust_user = _world(make_school, make_user)
    report = reminders.queue_overdue_reminders(invoice.due_date + timedelta(days=7))
    assert report.queued == [(invoice.number, 7)]
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == reminders.PURPOSE)).all()
    assert {m.recipient for m in sent} == {"cfo@trust.example"}  # the trust's finance contact, no academy's bursar
    names = set(db.session.scalars(select(OutboxAttachment.filename).where(
        OutboxAttachment.message_id.in_([m.id for m in sent]))))
    assert names == {f"statement-trust-{trust_user.trust.code}-{invoice.due_date + timedelta(days=7):%Y-%m-%d}.pdf"}
