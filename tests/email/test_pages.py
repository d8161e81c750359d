"""The Outbox page (admin only), the password links by email, the contacts' email flags."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import KeyStakeholder, OutboxMessage, User
from contracts_app.services import outbox
from tests.app.access_areas.outbox import world as outbox_world
from tests.conftest import PASSWORD

ROLES = ("admin", "sla", "finance", "school")
NEW_PASSWORD = "plum orbit lantern cactus"


@pytest.fixture
def message_ids(app, make_school):
    own, other = make_school(), make_school()
    return outbox_world(own, other)


@pytest.mark.parametrize("role", ROLES)
def test_only_an_administrator_sees_the_outbox(app, client, login, make_school, message_ids, role):
    login(role, school=make_school() if role == "school" else None)
    m, a = message_ids["message_id"], message_ids["attachment_id"]
    gets = ["/admin/outbox/", f"/admin/outbox/{m}", f"/admin/outbox/{m}/html", f"/admin/outbox/{m}/attachments/{a}"]
    for url in gets:
        assert client.get(url).status_code == (200 if role == "admin" else 403), url
    assert client.post(f"/admin/outbox/{m}/retry").status_code == (302 if role == "admin" else 403)


def test_anonymous_is_sent_to_sign_in(app, client, message_ids):
    response = client.get("/admin/outbox/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_outbox_page_shows_what_would_go_without_a_mail_server(app, client, login, message_ids):
    app.config["MAIL_SERVER"] = ""
    outbox.queue("test_message", concerns=("user", 1), recipients=["bursar@school.example"], template="test_message",
                 context={"name": "Ada", "amount": 5})
    db.session.commit()
    outbox.send_due()
    login("admin")
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "No mail server is configured" in page
    assert "bursar@school.example" in page and "Hello Ada" in page
    assert "not sent: no mail server configured" in page
    assert "1 queued" in page and "1 failed" in page
    queued = client.get("/admin/outbox/?state=queued").get_data(as_text=True)
    assert "bursar@school.example" in queued and "a@x.example" not in queued
    assert client.get("/admin/outbox/?state=lost").status_code == 400


def test_a_message_page_shows_text_and_attachments_and_a_failed_one_can_be_sent_again(
        app, client, login, message_ids, smtp_server):
    login("admin")
    m, a = message_ids["message_id"], message_ids["attachment_id"]
    page = client.get(f"/admin/outbox/{m}").get_data(as_text=True)
    assert "550 no such user" in page and "a.pdf" in page and "Send again" in page
    download = client.get(f"/admin/outbox/{m}/attachments/{a}")
    assert download.data == b"%PDF-1.4 test" and download.mimetype == "application/pdf"
    html = client.get(f"/admin/outbox/{m}/html")
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert client.get(f"/admin/outbox/{m}/attachments/{a + 99}").status_code == 404
    assert client.get(f"/admin/outbox/{m + 99}").status_code == 404
    client.post(f"/admin/outbox/{m}/retry")
    assert db.session.get(OutboxMessage, m).state == "queued"
    again = client.post(f"/admin/outbox/{m}/retry", follow_redirects=True).get_data(as_text=True)
    assert "only a failed message can be retried" in again


# -- forgot password and invitations -------------------------------------------------------------

def _link(message: OutboxMessage) -> str:
    found = re.search(r"https://sla\.example\.gov\.uk(/password/\S+)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def test_forgot_password_answers_the_same_whether_or_not_the_address_has_an_account(app, client, make_user):
    make_user("sla", email="known@test.example")
    known = client.post("/password/forgot", data={"email": "Known@Test.example"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@test.example"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    strip = lambda page: re.sub(r'name="csrf_token"[^>]*', "", page.get_data(as_text=True))  # noqa: E731
    assert strip(known) == strip(unknown)
    assert "If it has an account, the email holds a link" in strip(known)
    # Both addresses are emailed (issue #27): the same work, so the same time, either way.
    sent = {(m.recipient, m.purpose) for m in db.session.scalars(select(OutboxMessage))}
    assert sent == {("known@test.example", "password_reset"), ("nobody@test.example", "password_reset_unknown")}
    client.post("/password/forgot", data={"email": "known@test.example"})
    client.post("/password/forgot", data={"email": "nobody@test.example"})
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 2  # asked twice: one message each


def test_a_reset_link_works_once_and_checks_the_password(app, client, make_user, smtp_server):
    user = make_user("finance", email="fin@test.example")
    client.post("/password/forgot", data={"email": "fin@test.example"})
    outbox.send_due()
    [received] = smtp_server.to("fin@test.example")
    assert received.subject == "Reset your password"
    link = _link(db.session.scalar(select(OutboxMessage)))
    assert link in received.text
    assert "Choose a new password" in client.get(link).get_data(as_text=True)
    weak = client.post(link, data={"new": "password1", "confirm": "password1"})
    assert "password" in weak.get_data(as_text=True).lower() and weak.status_code == 200
    assert db.session.get(User, user.id).check_password(PASSWORD)
    done = client.post(link, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)
    client.post("/logout")
    used = client.get(link).get_data(as_text=True)
    assert "expired or has been used already" in used
    again = client.post(link, data={"new": "another fine long phrase", "confirm": "another fine long phrase"})
    assert "expired or has been used already" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_a_reset_link_expires(app, client, make_user, monkeypatch):
    make_user("sla", email="late@test.example")
    client.post("/password/forgot", data={"email": "late@test.example"})
    link = _link(db.session.scalar(select(OutboxMessage)))
    assert "Choose a new password" in client.get(link).get_data(as_text=True)
    # A reset link is not an invitation link.
    assert "expired" in client.get(link.replace("/reset/", "/choose/")).get_data(as_text=True)
    assert "expired" in client.get("/password/reset/garbage.token").get_data(as_text=True)
    later = time.time() + 2 * 3600 + 5  # PASSWORD_RESET_HOURS is 2
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(later))
    assert "expired" in client.get(link).get_data(as_text=True)


def test_an_administrator_invites_a_user_who_chooses_a_password_and_signs_in(
        app, client, login, make_school, smtp_server):
    school = make_school(urn=123456)
    login("admin")
    response = client.post("/admin/users/new", data={"email": "new.head@school.example", "name": "New Head",
                                                     "role": "school", "school_urn": "123456", "password": ""})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.head@school.example"))
    assert user.school_id == school.id
    outbox.send_due()
    [received] = smtp_server.to("new.head@school.example")
    assert "Dear New Head" in received.text and "Choose your password" in received.html
    link = _link(db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "user_invitation")))
    assert link.startswith("/password/choose/")
    client.post("/logout")
    assert client.post(link, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": "new.head@school.example", "password": NEW_PASSWORD}).status_code == 302


def test_the_login_page_links_to_forgot_password(app, client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


# -- contacts' flags in the school's pages --------------------------------------------------------

def test_a_school_user_sets_which_emails_a_contact_receives(app, client, login, make_school):
    school = make_school(urn=123457)
    login("school", school=school)
    client.post(f"/schools/{school.urn}/stakeholders/new",
                data={"name": "Pat", "role": "Bursar", "email": "pat@s.example", "invoices": "y"})
    contact = db.session.scalar(select(KeyStakeholder))
    assert (contact.invoices, contact.agreements, contact.notices) == (True, False, False)
    page = client.get(f"/schools/{school.urn}").get_data(as_text=True)
    assert "invoices" in page
    client.post(f"/schools/{school.urn}/stakeholders/{contact.id}/edit",
                data={"name": "Pat", "role": "Bursar", "email": "pat@s.example", "notices": "y"})
    db.session.refresh(contact)
    assert (contact.invoices, contact.agreements, contact.notices) == (False, False, True)
